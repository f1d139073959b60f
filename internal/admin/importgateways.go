package admin

import (
	"context"
	"errors"

	"cmtftp/internal/devicecsv"
	"cmtftp/internal/domain"
)

// ImportGateways sends the gateways of a parsed gateway CSV file
// (devicecsv.ParseGateways) to the server, batch gateways and the lines
// they carry at a time, each batch one Apply and so one transaction.
// progress, if not nil, is told the gateways written so far after each
// batch. On an error the result counts the whole batches written, and an
// error the server returned about a gateway names its first CSV line (a
// *LineError).
func (c *Client) ImportGateways(ctx context.Context, f *devicecsv.GatewayFile, batch int, progress func(int)) (ImportResult, error) {
	var total ImportResult
	if batch < 1 {
		return total, errors.New("admin: a batch holds at least one gateway")
	}
	for start := 0; start < len(f.Gateways); start += batch {
		site := &domain.Site{Gateways: f.Gateways[start:min(start+batch, len(f.Gateways))]}
		sent := map[string]bool{}
		for _, g := range site.Gateways {
			for _, e := range g.Endpoints {
				if l := f.Lines[e.Line]; l != nil && !sent[e.Line] {
					site.Lines, sent[e.Line] = append(site.Lines, l), true
				}
			}
		}
		res, err := c.Apply(ctx, site)
		if err != nil {
			var ae *Error
			if errors.As(err, &ae) && ae.Kind == domain.KindGateway {
				if l, ok := f.LineOf[ae.Key]; ok {
					err = &LineError{Line: l, Err: err}
				}
			}
			return total, err
		}
		total.Created += res.Created
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
		total.Devices += len(site.Gateways)
		if progress != nil {
			progress(total.Devices)
		}
	}
	return total, nil
}
