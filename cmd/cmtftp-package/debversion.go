package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrVersion reports a version that cannot become a Debian version.
var ErrVersion = errors.New("not a Debian version")

var (
	// describeAhead is "git describe" past a tag: TAG-COMMITS-gSHA.
	describeAhead = regexp.MustCompile(`^(.+)-([0-9]+)-g([0-9a-f]{4,64})$`)
	// describeBare is "git describe --always" with no tag to describe from.
	describeBare = regexp.MustCompile(`^[0-9a-f]{4,64}$`)
	// commitDate is the commit date as YYYYMMDD.
	commitDate = regexp.MustCompile(`^[0-9]{8}$`)
	// debianUpstream is what this program emits: no epoch, no revision, so
	// no ':' or '-', starting with a digit (Debian Policy §5.6.12).
	debianUpstream = regexp.MustCompile(`^[0-9][A-Za-z0-9.+~]*$`)
)

// DebianVersion maps the output of "git describe --tags --always [--dirty]"
// and the commit date (YYYYMMDD) to a Debian package version that sorts
// the way the commits do:
//
//	v1.2.3               → 1.2.3
//	v1.2.3-rc.1          → 1.2.3~rc.1                (before 1.2.3)
//	v1.2.3-4-gabc1234    → 1.2.3+git20261203.4.abc1234 (after 1.2.3)
//	abc1234              → 0.0.0~git20261203.abc1234 (no tag yet)
//	…-dirty              → …+dirty, or ….dirty after a "+"
func DebianVersion(describe, date string) (string, error) {
	d := strings.TrimSpace(describe)
	d, dirty := strings.CutSuffix(d, "-dirty")
	if !commitDate.MatchString(date) {
		return "", fmt.Errorf("commit date %q: want YYYYMMDD: %w", date, ErrVersion)
	}
	var v string
	switch m := describeAhead.FindStringSubmatch(d); {
	case m != nil:
		base, err := tagVersion(m[1])
		if err != nil {
			return "", err
		}
		v = base + "+git" + date + "." + m[2] + "." + m[3]
	case describeBare.MatchString(d):
		v = "0.0.0~git" + date + "." + d
	default:
		base, err := tagVersion(d)
		if err != nil {
			return "", err
		}
		v = base
	}
	if dirty {
		v += dirtySuffix(v)
	}
	return v, CheckDebianVersion(v)
}

// dirtySuffix marks a build from a modified tree: "+dirty" starts the local
// part of a version, ".dirty" extends one already started.
func dirtySuffix(v string) string {
	if strings.Contains(v, "+") {
		return ".dirty"
	}
	return "+dirty"
}

// tagVersion turns a release tag (v1.2.3, 1.2.3-rc.1) into the Debian form:
// the leading "v" dropped, a pre-release after "~" so it sorts before the
// release, further hyphens as dots.
func tagVersion(tag string) (string, error) {
	t := tag
	if len(t) > 1 && t[0] == 'v' && t[1] >= '0' && t[1] <= '9' {
		t = t[1:]
	}
	if release, pre, ok := strings.Cut(t, "-"); ok {
		t = release + "~" + strings.ReplaceAll(pre, "-", ".")
	}
	if err := CheckDebianVersion(t); err != nil {
		return "", fmt.Errorf("tag %q: %w", tag, err)
	}
	return t, nil
}

// CheckDebianVersion reports whether v is a Debian upstream version without
// epoch or revision: it starts with a digit and holds only letters, digits
// and ". + ~".
func CheckDebianVersion(v string) error {
	if !debianUpstream.MatchString(v) {
		return fmt.Errorf("%q: %w", v, ErrVersion)
	}
	return nil
}
