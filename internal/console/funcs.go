package console

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"
)

// funcs are the templates' functions; every one is pure.
func funcs() template.FuncMap {
	return template.FuncMap{
		"bytes":    humanBytes,
		"when":     when,
		"ms":       millis,
		"pathpart": url.PathEscape,
		"path":     escapePath,
	}
}

// humanBytes writes n in B, KiB, MiB or GiB.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 2; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMG"[exp])
}

// when writes a time as UTC to the second; the zero time is "—".
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// millis writes d in milliseconds.
func millis(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// nameInPath returns prefix followed by name escaped segment by segment;
// a name with an empty, "." or ".." segment is refused, so that it
// cannot name another route of the API.
func nameInPath(prefix, name string) (string, error) {
	for seg := range strings.SplitSeq(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", badRequest(fmt.Sprintf("%q is not a file name", name))
		}
	}
	return prefix + escapePath(name), nil
}

// escapePath escapes each segment of a slash-separated name.
func escapePath(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
