package sqlstore

import (
	"cmtftp/internal/domain"
	"context"
	"errors"
	"fmt"
	"strings"
)

// port2SQL finds the gateways whose second port a name ATA<tail>01 may
// be: those named ATA with a MAC ending in tail (gateways_mac_tail indexes
// the expression), and their models' files.
const port2SQL = "SELECT g.name, g.protocol, m.sip_files, m.sccp_files, m.mgcp_files FROM gateways g JOIN models m ON m.name = g.model" +
	" WHERE substr(g.mac, 3) = ? AND g.name LIKE 'ATA%' ORDER BY g.name"

// GatewayConfig implements store.Store: the gateway (or the ATA 190 whose
// second port name is) and the records its files are built from, each
// read by its key in one read-only transaction (one snapshot: a record
// renamed or deleted meanwhile is seen before or after, not half). Only a
// missing gateway is domain.ErrNotFound: a record the gateway names that
// is missing (a line deleted by plain SQL — endpoint lines have no foreign
// key) is another error, naming it, so that the serving chain answers
// "busy", not the next source's file.
func (s *DB) GatewayConfig(ctx context.Context, name string) (*domain.GatewayConfig, error) {
	var c *domain.GatewayConfig
	err := s.inReadTx(ctx, func(x *tx) error {
		g, err := gatewayNamed(x, name)
		if err != nil {
			return err
		}
		params, err := loadParams(x) // one statement, in the same snapshot
		if err != nil {
			return err
		}
		c, err = domain.AssembleGateway(g, gatewayRecords{x, params})
		if errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("sqlstore: a record the gateway names is missing (%v); try again", err)
		}
		return err
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	return c, nil
}

// gatewayNamed reads the gateway named name, or the ATA 190 whose second
// port name is (the store keeps the two kinds of name apart:
// checkGatewayNames).
func gatewayNamed(r reader, name string) (*domain.Gateway, error) {
	e, err := get(r, domain.KindGateway, name)
	if errors.Is(err, domain.ErrNotFound) {
		if owner, ok, perr := port2Owner(r, name, ""); perr != nil {
			return nil, perr
		} else if ok {
			e, err = get(r, domain.KindGateway, owner)
		}
	}
	if err != nil {
		return nil, err
	}
	return e.(*domain.Gateway), nil
}

// port2Owner returns the ATA 190 (a gateway of the ata.xml family, as
// domain.Index finds it) other than except whose second port name is,
// when name has the shape of one (ATA, 10 hex digits, 01).
func port2Owner(r reader, name, except string) (string, bool, error) {
	if len(name) != 15 || !strings.HasPrefix(name, domain.PrefixATA) || !strings.HasSuffix(name, "01") {
		return "", false, nil
	}
	rows, err := r.query(port2SQL, name[3:13])
	if err != nil {
		return "", false, err
	}
	defer rows.Close()
	for rows.Next() {
		var owner, protocol, sip, sccp, mgcp string
		var m domain.Model
		if err := rows.Scan(&owner, &protocol, &sip, &sccp, &mgcp); err != nil {
			return "", false, err
		}
		if err := errors.Join(fromJSON(sip, &m.SIPFiles), fromJSON(sccp, &m.SCCPFiles), fromJSON(mgcp, &m.MGCPFiles)); err != nil {
			return "", false, err
		}
		if owner != except && domain.GatewayFamily(&m, protocol) == domain.FamilyATAXML {
			return owner, true, nil
		}
	}
	return "", false, rows.Err()
}

// gatewayRecords reads a gateway's records by key (domain.GatewayRecords).
type gatewayRecords struct {
	r      reader
	params domain.ParamValues
}

func (g gatewayRecords) Model(name string) (*domain.Model, error) {
	e, err := get(g.r, domain.KindModel, name)
	if err != nil {
		return nil, err
	}
	return e.(*domain.Model), nil
}

func (g gatewayRecords) Pool(name string) (*domain.Pool, error) {
	e, err := get(g.r, domain.KindPool, name)
	if err != nil {
		return nil, err
	}
	return e.(*domain.Pool), nil
}

func (g gatewayRecords) Line(number string) (*domain.Line, error) {
	e, err := get(g.r, domain.KindLine, number)
	if err != nil {
		return nil, err
	}
	return e.(*domain.Line), nil
}

func (g gatewayRecords) GroupServers(name string) (domain.Group, []domain.Server, error) {
	e, err := get(g.r, domain.KindGroup, name)
	if err != nil {
		return domain.Group{}, nil, err
	}
	grp := e.(*domain.Group)
	servers := make([]domain.Server, 0, len(grp.Servers))
	for _, n := range grp.Servers {
		se, err := get(g.r, domain.KindServer, n)
		if err != nil {
			return domain.Group{}, nil, fmt.Errorf("server of group %q: %w", name, err)
		}
		servers = append(servers, *se.(*domain.Server))
	}
	return *grp, servers, nil
}

func (g gatewayRecords) Params() domain.ParamValues { return g.params }
