package devicecsv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"cmtftp/internal/domain"
)

// GatewayFile is a parsed CSV file of gateways, one row per port in the
// spirit of BAT's gateway files: the rows of one gateway merged into one
// record with its endpoints, and the lines they carry.
//
// The first row names the columns (case, spaces and underscores do not
// matter):
//
//	GATEWAY NAME, or MAC ADDRESS with GATEWAY TYPE   required: the name, or the MAC it is derived from (SKIGW…, ATA…, SAA…, SDA…)
//	GATEWAY TYPE                                     required: the model (VG224, ATA190, ISR4321; cmtftp gateway modules)
//	CALL MANAGER GROUP                               required
//	PROTOCOL, DEVICE POOL, DESCRIPTION, LOAD         optional
//	UNIT PRODUCT, SUBUNIT PRODUCT                    the module of the port's unit and subunit (ISR-NIM, NIM-4FXS)
//	PORT                                             U/S/P (0/1/0) or U/P (2/0)
//	DIRECTORY NUMBER, DISPLAY NAME, LINE LABEL, LOCALE, PORT DESCRIPTION   the port's line
//
// A gateway's fields may be given on any of its rows, and again only with
// the same value. A row without a PORT and DIRECTORY NUMBER adds a gateway
// without ports (or only its fields).
type GatewayFile struct {
	Gateways []*domain.Gateway
	Lines    map[string]*domain.Line // by number
	// LineOf maps a gateway name to the CSV line of its first row.
	LineOf map[string]int
	// Rows is the number of rows read.
	Rows int
}

// IsGatewayHeader reports whether the header row of a CSV file names a
// gateway file's columns (GATEWAY TYPE or GATEWAY NAME).
func IsGatewayHeader(head []string) bool {
	for _, h := range head {
		if c := canon(strings.TrimPrefix(h, "\ufeff")); c == "gatewaytype" || c == "gatewayname" {
			return true
		}
	}
	return false
}

// SniffGateways reads the header row of a CSV file from r and reports
// whether it is a gateway file.
func SniffGateways(r io.Reader) bool {
	cr := csv.NewReader(&rowReader{r: r, limit: MaxRowBytes})
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	return err == nil && IsGatewayHeader(head)
}

// ParseGateways reads a gateway CSV and checks every gateway as the store
// would (domain.Normalize, domain.CheckGateway) and against site's models,
// groups and pools. It returns the gateways without errors and an error
// per bad row (up to MaxErrors); a gateway with a bad row is left out
// whole. It reads at most MaxRows rows of at most MaxRowBytes.
func ParseGateways(r io.Reader, site *domain.Site) (*GatewayFile, []RowError) {
	g := &gwParser{in: &rowReader{r: r, limit: MaxRowBytes}, site: newGatewayIndex(site),
		byName: map[string]*gwDraft{}, lines: map[string]*lineDraft{}}
	g.run()
	return g.finish()
}

// run reads the header and the rows into drafts.
func (g *gwParser) run() {
	cr := csv.NewReader(g.in)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty")
		}
		g.add(RowError{Line: 1, Msg: err.Error()})
		return
	}
	if !g.header(head) {
		return
	}
	last := 1
	for rows := 0; ; rows++ {
		g.in.limit = cr.InputOffset() + MaxRowBytes
		rec, err := cr.Read()
		switch {
		case errors.Is(err, io.EOF):
			return
		case errors.Is(err, errRowTooLong):
			g.add(RowError{Line: last + 1, Msg: fmt.Sprintf("a row longer than %d bytes; the rest of the file is not read", MaxRowBytes)})
			return
		case rows >= MaxRows:
			g.add(RowError{Line: last + 1, Msg: fmt.Sprintf("more than %d rows in one file (split it); the rest is not read", MaxRows)})
			return
		case err != nil:
			var pe *csv.ParseError
			if !errors.As(err, &pe) || !g.add(RowError{Line: pe.StartLine, Msg: "unreadable row: " + err.Error()}) {
				return
			}
			continue
		}
		last, _ = cr.FieldPos(0)
		if !g.row(rec, last) {
			return
		}
	}
}

// add records a row error unless the report is full; it reports whether
// the report has room for more.
func (g *gwParser) add(e RowError) bool {
	if len(g.errs) < MaxErrors {
		g.errs = append(g.errs, e)
	}
	return len(g.errs) < MaxErrors
}
