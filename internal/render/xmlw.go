package render

import (
	"strconv"
	"unicode/utf8"
)

// xmlw writes indented XML into a byte slice. Text and attribute values
// are escaped; characters XML 1.0 cannot carry are replaced by U+FFFD.
type xmlw struct {
	b     []byte
	depth int
}

// spaces indents the elements of the usual depths in one append.
const spaces = "                                "

func (w *xmlw) indent() {
	n := 2 * w.depth
	for n > len(spaces) {
		w.b = append(w.b, spaces...)
		n -= len(spaces)
	}
	w.b = append(w.b, spaces[:n]...)
}

// open writes <tag attrs...> on its own line; attrs are name, value pairs.
func (w *xmlw) open(tag string, attrs ...string) {
	w.indent()
	w.b = append(w.b, '<')
	w.b = append(w.b, tag...)
	w.attrs(attrs)
	w.b = append(w.b, ">\n"...)
	w.depth++
}

func (w *xmlw) close(tag string) {
	w.depth--
	w.indent()
	w.b = append(w.b, "</"...)
	w.b = append(w.b, tag...)
	w.b = append(w.b, ">\n"...)
}

func (w *xmlw) attrs(attrs []string) {
	for i := 0; i+1 < len(attrs); i += 2 {
		w.b = append(w.b, ' ')
		w.b = append(w.b, attrs[i]...)
		w.b = append(w.b, `="`...)
		w.b = escape(w.b, attrs[i+1], true)
		w.b = append(w.b, '"')
	}
}

// el writes <tag>text</tag>, or <tag/> when text is empty.
func (w *xmlw) el(tag, text string, attrs ...string) {
	w.indent()
	w.b = append(w.b, '<')
	w.b = append(w.b, tag...)
	w.attrs(attrs)
	if text == "" {
		w.b = append(w.b, "/>\n"...)
		return
	}
	w.b = append(w.b, '>')
	w.b = escape(w.b, text, false)
	w.b = append(w.b, "</"...)
	w.b = append(w.b, tag...)
	w.b = append(w.b, ">\n"...)
}

// int writes <tag>n</tag>: el's bytes (digits need no escaping), without
// formatting n into a string first.
func (w *xmlw) int(tag string, n int) {
	w.indent()
	w.b = append(w.b, '<')
	w.b = append(w.b, tag...)
	w.b = append(w.b, '>')
	w.b = strconv.AppendInt(w.b, int64(n), 10)
	w.b = append(w.b, "</"...)
	w.b = append(w.b, tag...)
	w.b = append(w.b, ">\n"...)
}

func (w *xmlw) bool(tag string, v bool) { w.el(tag, strconv.FormatBool(v)) }

// escape appends s with XML's special characters escaped. Control
// characters other than tab, newline and carriage return, and invalid
// UTF-8, become U+FFFD: XML 1.0 cannot carry them.
func escape(b []byte, s string, attr bool) []byte {
	plain := plainText
	if attr {
		plain = plainAttr
	}
	i := 0
	for i < len(s) && plain[s[i]] {
		i++
	}
	b = append(b, s[:i]...) // the usual case: all of s
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				b = append(b, "&amp;"...)
			case c == '<':
				b = append(b, "&lt;"...)
			case c == '>':
				b = append(b, "&gt;"...)
			case c == '"' && attr:
				b = append(b, "&quot;"...)
			case c == '\'' && attr:
				b = append(b, "&apos;"...)
			case (c == '\n' || c == '\r' || c == '\t') && attr:
				b = append(b, "&#"...)
				b = strconv.AppendInt(b, int64(c), 10)
				b = append(b, ';')
			case c < 0x20 && c != '\n' && c != '\r' && c != '\t', c == 0x7f:
				b = append(b, "\uFFFD"...)
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF || (r >= 0x80 && r <= 0x9f) {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// plainText and plainAttr mark the bytes escape copies as they are, in text
// and in attribute values: printable ASCII but the markup characters.
var plainText, plainAttr = plainBytes(false), plainBytes(true)

func plainBytes(attr bool) (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '&' && c != '<' && c != '>' && !(attr && (c == '"' || c == '\''))
	}
	return t
}
