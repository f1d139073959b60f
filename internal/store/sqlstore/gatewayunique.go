package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"cmtftp/internal/domain"
)

// The names and MACs a gateway shares a space with, checked once a
// transaction has written everything it writes (Put, Create, Apply) and
// before it commits, so that records of one Apply that trade a MAC or a
// name between them are judged by the state they leave:
//   - a MAC belongs to one phone or one gateway (the tables' UNIQUE
//     columns keep each apart, not the two);
//   - a gateway's name is no ATA 190's second-port name
//     (domain.ATAPort2Name), and no two ATA 190s share one, so that the
//     name a file is asked by finds one gateway, in the store as in
//     domain.Index.

// noteWritten remembers a device or gateway the transaction wrote, for
// checkWritten.
func (x *tx) noteWritten(e domain.Entity) {
	switch e.(type) {
	case *domain.Device, *domain.Gateway:
		x.written = append(x.written, e)
	}
}

// checkWritten checks every device and gateway the transaction wrote
// against the others, as they now are.
func (x *tx) checkWritten() error {
	seen := map[string]bool{}
	for i := len(x.written) - 1; i >= 0; i-- { // the last version of each
		e := x.written[i]
		id := string(e.Kind()) + "\x00" + e.Key()
		if seen[id] {
			continue
		}
		seen[id] = true
		var err error
		switch v := e.(type) {
		case *domain.Device:
			err = x.checkMAC(v, v.Name, v.MAC, "gateways", domain.KindGateway)
		case *domain.Gateway:
			err = x.checkMAC(v, v.Name, v.MAC, "devices", domain.KindDevice)
			if err == nil {
				err = x.checkGatewayNames(v)
			}
		}
		if err != nil {
			return err
		}
	}
	x.written = nil
	return nil
}

// checkMAC refuses e (named key) when a record of the other table has its
// MAC.
func (x *tx) checkMAC(e domain.Entity, key, mac, table string, other domain.Kind) error {
	if mac == "" {
		return nil
	}
	var by string
	err := x.queryRow("SELECT name FROM "+table+" WHERE mac = ?", mac).Scan(&by)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return &domain.FieldError{Kind: e.Kind(), Key: key, Field: "mac", Err: domain.ErrExists,
		Msg: fmt.Sprintf("MAC %s belongs to %s %q", mac, other, by)}
}

// checkGatewayNames refuses g when its name is another ATA 190's second
// port name, or when g is an ATA 190 whose second port name is another
// gateway's name or second port name.
func (x *tx) checkGatewayNames(g *domain.Gateway) error {
	bad := func(field, format string, args ...any) error {
		return &domain.FieldError{Kind: domain.KindGateway, Key: g.Name, Field: field, Err: domain.ErrExists, Msg: fmt.Sprintf(format, args...)}
	}
	if owner, ok, err := port2Owner(x, g.Name, g.Name); err != nil || ok {
		return errOr(err, bad("name", "%s is the name of ATA 190 %s's second port", g.Name, owner))
	}
	me, err := x.cachedGet(domain.KindModel, g.Model)
	if err != nil {
		return err
	}
	if g.MAC == "" || domain.GatewayFamily(me.(*domain.Model), g.Protocol) != domain.FamilyATAXML {
		return nil
	}
	p2 := domain.ATAPort2Name(g.MAC)
	if p2 == g.Name {
		return bad("mac", "an ATA 190 with MAC %s would name its second port as itself", g.MAC)
	}
	switch _, err := get(x, domain.KindGateway, p2); {
	case err == nil:
		return bad("mac", "the second port of an ATA 190 with MAC %s is named %s, as gateway %s is", g.MAC, p2, p2)
	case !errors.Is(err, domain.ErrNotFound):
		return err
	}
	if owner, ok, err := port2Owner(x, p2, g.Name); err != nil || ok {
		return errOr(err, bad("mac", "the second port of an ATA 190 with MAC %s is named %s, as ATA 190 %s's is", g.MAC, p2, owner))
	}
	return nil
}
