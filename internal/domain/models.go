package domain

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

//go:embed models.csv
var modelsCSV []byte

// CatalogueVersion is the version of the built-in model catalogue; bump it
// when models.csv changes so stores refresh their built-in rows.
const CatalogueVersion = 2

// Catalogue returns the built-in device models (embedded, versioned data).
func Catalogue() []Model {
	r := csv.NewReader(bytes.NewReader(modelsCSV))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		panic("store: models.csv: " + err.Error()) // embedded data; a test reads it
	}
	out := make([]Model, 0, len(recs))
	for _, f := range recs {
		m := Model{Name: f[0], Description: f[1], Class: f[3], Protocols: list(f[4]),
			XMLConfig: f[5] == "true", SIPFiles: list(f[6]), SCCPFiles: list(f[7]),
			BuildSelective: f[8] == "true", DialFamily: f[9], SCCPLoad: f[10], SIPLoad: f[11], MGCPFiles: list(f[13]), Builtin: true}
		m.TypeID, _ = strconv.Atoi(f[2])
		m.MaxLines, _ = strconv.Atoi(f[12])
		out = append(out, m)
	}
	return out
}

func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// Files returns the file families a model gets when running protocol p.
func (m *Model) Files(p string) []string {
	switch p {
	case ProtocolSIP:
		return m.SIPFiles
	case ProtocolMGCP:
		return m.MGCPFiles
	}
	return m.SCCPFiles
}

// Supports reports whether the model runs protocol p.
func (m *Model) Supports(p string) bool {
	for _, q := range m.Protocols {
		if q == p {
			return true
		}
	}
	return false
}

// Load returns the default load ID of the model under protocol p (under
// MGCP, the SCCP column's).
func (m *Model) Load(p string) string {
	if p == ProtocolSIP {
		return m.SIPLoad
	}
	return m.SCCPLoad
}

func (m *Model) String() string { return fmt.Sprintf("%s (%s)", m.Name, m.Description) }
