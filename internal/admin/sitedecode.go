package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"cmtftp/internal/domain"
)

// capReader reads from r but not past the stream offset limit, so the JSON
// decoder above it never buffers more of one record than the record limit.
type capReader struct {
	r     io.Reader
	n     int64 // bytes read so far
	limit int64
	err   *LimitError // returned at the limit
}

// Read implements io.Reader.
func (c *capReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, c.err
	}
	if int64(len(p)) > c.limit-c.n {
		p = p[:c.limit-c.n]
	}
	m, err := c.r.Read(p)
	c.n += int64(m)
	return m, err
}

// siteDecoder reads a site document one record at a time.
type siteDecoder struct {
	dec     *json.Decoder
	in      *capReader
	lim     Limits
	records int
}

// DecodeSite reads a site document as JSON from r one record at a time,
// within lim (zero fields are the defaults): at most lim.Records records,
// each at most lim.RecordBytes of JSON (custom files MaxFileRecordBytes).
// Each record is checked on its own (domain.Normalize) as soon as it is
// read, so a document of bad records is refused at the first one. A limit
// passed is a *LimitError; unknown fields, a list given twice and data
// after the document are errors too. The heap grows by the records kept,
// never by a whole document held twice.
func DecodeSite(r io.Reader, lim Limits) (*domain.Site, error) {
	lim = lim.withDefaults()
	in := &capReader{r: r}
	d := &siteDecoder{dec: json.NewDecoder(in), in: in, lim: lim}
	d.dec.DisallowUnknownFields()
	site := &domain.Site{}
	if err := d.site(site); err != nil {
		return nil, err
	}
	return site, nil
}

// mark lets the decoder read at most max bytes past where it stands.
func (d *siteDecoder) mark(what string, max int64) {
	d.in.limit = d.dec.InputOffset() + max
	d.in.err = &LimitError{What: what, Limit: max}
}

// siteFields maps the JSON names of the site document's lists to their
// field indexes in domain.Site.
func siteFields() map[string]int {
	t := reflect.TypeFor[domain.Site]()
	out := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out[name] = i
	}
	return out
}

// site reads the document's object, list by list, and what follows it.
func (d *siteDecoder) site(site *domain.Site) error {
	d.mark("site document", d.lim.RecordBytes)
	if err := d.delim('{', "the site document"); err != nil {
		return err
	}
	fields, seen := siteFields(), map[string]bool{}
	v := reflect.ValueOf(site).Elem()
	for d.more("site document") {
		tok, err := d.dec.Token()
		if err != nil {
			return d.wrap("site document", err)
		}
		key, _ := tok.(string)
		i, ok := fields[key]
		if !ok || seen[key] {
			return badRequest(fmt.Sprintf("site document: unknown or repeated list %q", key))
		}
		seen[key] = true
		if err := d.list(v.Field(i), key); err != nil {
			return err
		}
	}
	if err := d.delim('}', "the site document"); err != nil {
		return err
	}
	if _, err := d.dec.Token(); !errors.Is(err, io.EOF) {
		return d.wrap("after the site document", errOr(err, errors.New("more data")))
	}
	return nil
}

// more reports whether the object or array being read has another element
// (reading no more than a record's worth of space).
func (d *siteDecoder) more(what string) bool {
	d.mark(what, d.lim.RecordBytes)
	return d.dec.More()
}

// list reads one list of records (or null) into the slice fv.
func (d *siteDecoder) list(fv reflect.Value, key string) error {
	d.mark(key, d.lim.RecordBytes)
	tok, err := d.dec.Token()
	if err != nil {
		return d.wrap(key, err)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return badRequest(fmt.Sprintf("site document: %s: not a list", key))
	}
	max := d.lim.RecordBytes
	if key == "files" {
		max = MaxFileRecordBytes
	}
	for i := 0; ; i++ {
		d.mark("a record of "+key, max)
		if !d.dec.More() {
			break
		}
		if d.records++; d.records > d.lim.Records {
			return &LimitError{What: "records", Limit: int64(d.lim.Records)}
		}
		p := reflect.New(fv.Type().Elem().Elem())
		if err := d.dec.Decode(p.Interface()); err != nil {
			return d.wrap(fmt.Sprintf("%s[%d]", key, i), err)
		}
		if err := check(p.Interface().(domain.Entity), key); err != nil {
			return err
		}
		fv.Set(reflect.Append(fv, p))
	}
	return d.delim(']', key)
}

// check sets a parameter's scope from its list and checks the record on its
// own (custom files are checked by the store: hashing them twice is waste).
func check(e domain.Entity, key string) error {
	switch v := e.(type) {
	case *domain.CustomFile:
		return nil
	case *domain.Param:
		v.Scope = domain.KindEnterprise
		if key == "serviceParameters" {
			v.Scope = domain.KindService
		}
	}
	return domain.Normalize(e)
}

// delim reads the delimiter want.
func (d *siteDecoder) delim(want json.Delim, what string) error {
	tok, err := d.dec.Token()
	if err != nil {
		return d.wrap(what, err)
	}
	if tok != want {
		return badRequest(fmt.Sprintf("site document: %s: want %q, got %v", what, want, tok))
	}
	return nil
}

// wrap returns a limit error as it is and any other as a bad request that
// says where it happened.
func (d *siteDecoder) wrap(where string, err error) error {
	if tl := tooLarge(err); tl != nil {
		return tl
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return badRequest(fmt.Sprintf("site document: %s: %v", where, err))
}

// errOr returns err, or alt when err is nil.
func errOr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}
