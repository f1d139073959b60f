package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"

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
// against the others, as they now are: the devices' MACs a few IN
// queries at a time (a bulk import writes thousands), each gateway on
// its own.
func (x *tx) checkWritten() error {
	seen := map[string]bool{}
	byMAC := map[string]*domain.Device{}
	for i := len(x.written) - 1; i >= 0; i-- { // the last version of each
		e := x.written[i]
		id := string(e.Kind()) + "\x00" + e.Key()
		if seen[id] {
			continue
		}
		seen[id] = true
		switch v := e.(type) {
		case *domain.Device:
			if v.MAC != "" {
				byMAC[v.MAC] = v
			}
		case *domain.Gateway:
			if err := x.checkMAC(v, v.Name, v.MAC, "devices", domain.KindDevice); err != nil {
				return err
			}
			if err := x.checkGatewayNames(v); err != nil {
				return err
			}
		}
	}
	x.written = nil
	return x.checkDeviceMACs(byMAC)
}

// checkDeviceMACs refuses the first device of byMAC (by MAC) whose MAC a
// gateway has.
func (x *tx) checkDeviceMACs(byMAC map[string]*domain.Device) error {
	macs := slices.Sorted(maps.Keys(byMAC))
	for len(macs) > 0 {
		n := min(groupMax, len(macs))
		args := make([]any, n)
		for i, m := range macs[:n] {
			args[i] = m
		}
		var mac, by string
		err := x.queryRow("SELECT mac, name FROM gateways WHERE mac IN ("+placeholders(n)+") ORDER BY mac LIMIT 1", args...).Scan(&mac, &by)
		switch {
		case err == nil:
			d := byMAC[mac]
			return &domain.FieldError{Kind: domain.KindDevice, Key: d.Name, Field: "mac", Err: domain.ErrExists,
				Msg: fmt.Sprintf("MAC %s belongs to %s %q", mac, domain.KindGateway, by)}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		macs = macs[n:]
	}
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
