package render

import (
	"strings"
	"unicode/utf8"
)

// textw writes a "key: value" text file; values are made safe for one
// line and quoted when they hold spaces or are empty.
type textw struct{ b []byte }

func (t *textw) comment(s string) { t.b = append(t.b, "# "+textValue(s)+"\n"...) }

func (t *textw) kv(key, value string) {
	v := textValue(value)
	t.b = append(t.b, key...)
	t.b = append(t.b, ": "...)
	if v == "" || strings.ContainsAny(v, " \t;#") {
		t.b = append(t.b, '"')
		t.b = append(t.b, v...)
		t.b = append(t.b, '"')
	} else {
		t.b = append(t.b, v...)
	}
	t.b = append(t.b, '\n')
}

// textValue makes s safe for one line of a key: value text file: line
// breaks and control characters become spaces, and double quotes (the
// format has no escape for them) become single quotes.
func textValue(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '"' || r == utf8.RuneError }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			b.WriteByte(' ')
		case r == '"':
			b.WriteByte('\'')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
