package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
)

// ErrNotDevice is the error EncryptedStub returns for input that is not a
// <device> configuration.
var ErrNotDevice = errors.New("render: not a device configuration")

// stubFields are the elements of a full SEP<MAC>.cnf.xml the stub of an
// encrypted configuration carries (spec §11.3); the rest are ignored.
type stubFields struct {
	XMLName         xml.Name  `xml:"device"`
	IPAddressMode   *string   `xml:"ipAddressMode"`
	LoadInformation *string   `xml:"loadInformation"`
	CapfAuthMode    *string   `xml:"capfAuthMode"`
	CapfList        *innerXML `xml:"capfList"`
}

// innerXML keeps an element's content as it was written.
type innerXML struct {
	Inner []byte `xml:",innerxml"`
}

// EncryptedStub returns the SEP<MAC>.cnf.xml a phone whose configuration is
// encrypted receives in the signed SEP<MAC>.cnf.xml.sgn (spec §11.3):
// fullConfig false, the ipAddressMode, loadInformation, capfAuthMode and
// capfList of full (those present; capfList as it was written), certHash
// (the hex MD5 of the phone's certificate) and encrConfig true, which tell
// the phone to fetch SEP<MAC>.cnf.xml.enc.sgn. It fails with an error
// wrapping ErrNotDevice when full is not a <device> XML document.
func EncryptedStub(full []byte, certHash string) ([]byte, error) {
	var f stubFields
	d := xml.NewDecoder(bytes.NewReader(full))
	if err := d.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotDevice, err)
	}
	w := &xmlw{b: make([]byte, 0, 512)}
	w.b = append(w.b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)
	w.open("device")
	w.bool("fullConfig", false)
	optional(w, "ipAddressMode", f.IPAddressMode)
	optional(w, "loadInformation", f.LoadInformation)
	optional(w, "capfAuthMode", f.CapfAuthMode)
	if f.CapfList != nil {
		w.indent()
		w.b = append(w.b, "<capfList>"...)
		w.b = append(w.b, f.CapfList.Inner...)
		w.b = append(w.b, "</capfList>\n"...)
	}
	w.el("certHash", certHash)
	w.bool("encrConfig", true)
	w.close("device")
	return w.b, nil
}

// optional writes <tag>v</tag> when v is set.
func optional(w *xmlw, tag string, v *string) {
	if v != nil {
		w.el(tag, *v)
	}
}
