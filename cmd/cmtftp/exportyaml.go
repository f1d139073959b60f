package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
)

// exportYAML writes the server's site document to w as YAML, the bytes
// emit(w, "yaml", site) writes for the whole site, while holding one record
// at a time: the JSON the server streams (admin.Client.ExportTo) is read
// token by token through a pipe (streamYAML), so memory stays bounded
// whatever the size of the site. An error of the request (the server
// unreachable, refused, or cut off mid-way) is returned as the client gave it.
func exportYAML(ctx context.Context, c *admin.Client, w io.Writer) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := c.ExportTo(ctx, pw)
		pw.CloseWithError(err)
		done <- err
	}()
	serr := streamYAML(pr, w)
	if serr != nil {
		pr.CloseWithError(serr) // the copy stops at its next write
	}
	if gerr := <-done; gerr != nil && (serr == nil || !errors.Is(gerr, serr)) {
		return gerr
	}
	return serr
}

// siteList is one list of the site document: its name (the same in JSON
// and YAML) and its field in domain.Site.
type siteList struct {
	name  string
	field int
}

// siteLists returns the site document's lists in the order domain.Site
// declares them, which is the order the server writes them and yaml
// marshals them.
func siteLists() []siteList {
	t := reflect.TypeFor[domain.Site]()
	out := make([]siteList, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if js, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); js != name {
			panic(fmt.Sprintf("domain.Site.%s: json %q, yaml %q", t.Field(i).Name, js, name))
		}
		out = append(out, siteList{name, i})
	}
	return out
}

// streamYAML reads a JSON site document from r and writes it to w as YAML,
// one record at a time (yamlList). The lists must come in domain.Site's
// order, each at most once: a list this cmtftp does not know is an error,
// not dropped from the export.
func streamYAML(r io.Reader, w io.Writer) error {
	dec := json.NewDecoder(r)
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	lists, next, wrote := siteLists(), 0, false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("export: site document: %w", err)
		}
		key, _ := tok.(string)
		i := next
		for i < len(lists) && lists[i].name != key {
			i++
		}
		if i == len(lists) {
			return fmt.Errorf("export: site document: list %q unknown, repeated or out of order (a newer server? -o json exports it whole)", key)
		}
		next = i + 1
		n, err := yamlList(dec, bw, lists[i])
		if err != nil {
			return err
		}
		wrote = wrote || n > 0
	}
	if err := expectDelim(dec, '}'); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("export: after the site document: %w", errOrMore(err))
	}
	if !wrote { // what yaml writes for a site with no records
		bw.WriteString("{}\n")
	}
	return bw.Flush()
}

// errOrMore is err, or an error saying more data followed.
func errOrMore(err error) error {
	if err == nil {
		return errors.New("more data")
	}
	return err
}

// expectDelim reads the next token, which must be d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("export: site document: %w", err)
	}
	if tok != d {
		return fmt.Errorf("export: site document: %v where %v was expected", tok, d)
	}
	return nil
}

// yamlList reads one list of the document (an array, or null) and writes
// each of its records as the YAML list item emit would write for it: the
// record, decoded into its domain type, is marshalled as a site of that one
// record, and all but the first record lose the list's key line. It
// returns the number of records.
func yamlList(dec *json.Decoder, w io.Writer, l siteList) (int, error) {
	tok, err := dec.Token()
	if err != nil {
		return 0, fmt.Errorf("export: %s: %w", l.name, err)
	}
	if tok == nil {
		return 0, nil
	}
	if tok != json.Delim('[') {
		return 0, fmt.Errorf("export: %s: not a list", l.name)
	}
	var one domain.Site
	field := reflect.ValueOf(&one).Elem().Field(l.field)
	field.Set(reflect.MakeSlice(field.Type(), 1, 1))
	head := []byte(l.name + ":\n")
	var buf bytes.Buffer
	n := 0
	for ; dec.More(); n++ {
		rec := reflect.New(field.Type().Elem().Elem())
		if err := dec.Decode(rec.Interface()); err != nil {
			return n, fmt.Errorf("export: %s[%d]: %w", l.name, n, err)
		}
		field.Index(0).Set(rec)
		buf.Reset()
		if err := emit(&buf, "yaml", &one); err != nil {
			return n, fmt.Errorf("export: %s[%d]: %w", l.name, n, err)
		}
		b, ok := bytes.CutPrefix(buf.Bytes(), head)
		if !ok {
			return n, fmt.Errorf("export: %s[%d]: yaml began %.40q", l.name, n, buf.Bytes())
		}
		if n == 0 {
			b = buf.Bytes()
		}
		if _, err := w.Write(b); err != nil {
			return n, err
		}
	}
	if _, err := dec.Token(); err != nil { // the ']'
		return n, fmt.Errorf("export: %s: %w", l.name, err)
	}
	return n, nil
}

// prefixWriter writes prefix before the first bytes written to it.
type prefixWriter struct {
	w      io.Writer
	prefix string
}

// Write implements io.Writer.
func (p *prefixWriter) Write(b []byte) (int, error) {
	if p.prefix != "" {
		if _, err := io.WriteString(p.w, p.prefix); err != nil {
			return 0, err
		}
		p.prefix = ""
	}
	return p.w.Write(b)
}
