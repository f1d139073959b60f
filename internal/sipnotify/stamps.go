package sipnotify

import "bytes"

// Element returns the text of the first <tag>…</tag> in an XML file as
// cmtftp builds them (no attributes on the element, no CDATA), trimmed;
// "" when there is none. It is how the version stamp of a built file, and
// the dial-plan and softkey file names of a configuration, are read back.
func Element(b []byte, tag string) string {
	open := []byte("<" + tag + ">")
	i := bytes.Index(b, open)
	if i < 0 {
		return ""
	}
	rest := b[i+len(open):]
	j := bytes.Index(rest, []byte("</"+tag+">"))
	if j < 0 {
		return ""
	}
	return string(bytes.TrimSpace(rest[:j]))
}

// StampOf returns the version stamp of a built XML file (its
// <versionStamp>), or "" when it has none.
func StampOf(b []byte) string { return Element(b, "versionStamp") }
