package sqlstore

import (
	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// port2SQL finds the ATA whose second port a name ATA<tail>01 is: the
// gateway named ATA and a MAC ending in tail (gateways_mac_tail indexes
// the expression).
const port2SQL = "SELECT name FROM gateways WHERE substr(mac, 3) = ? AND name LIKE 'ATA%'"

// GatewayConfig implements store.Store: the gateway (or the ATA 190 whose
// second port name is) and the records its files are built from, each
// read by its key.
func (s *DB) GatewayConfig(ctx context.Context, name string) (*domain.GatewayConfig, error) {
	r := dbReader{s, ctx}
	e, err := get(r, domain.KindGateway, name)
	if errors.Is(err, domain.ErrNotFound) {
		if owner, ok, perr := s.port2Owner(r, name); perr != nil {
			return nil, s.wrap(perr)
		} else if ok {
			e, err = get(r, domain.KindGateway, owner)
		}
	}
	if err != nil {
		return nil, s.wrap(err)
	}
	params, _, err := store.LoadParams(ctx, s)
	if err != nil {
		return nil, err
	}
	c, err := domain.AssembleGateway(e.(*domain.Gateway), gatewayRecords{r, params})
	return c, s.wrap(err)
}

// port2Owner returns the gateway whose second port name is, when name has
// the shape of one (ATA, 10 hex digits, 01).
func (s *DB) port2Owner(r reader, name string) (string, bool, error) {
	if len(name) != 15 || !strings.HasPrefix(name, domain.PrefixATA) || !strings.HasSuffix(name, "01") {
		return "", false, nil
	}
	var owner string
	err := r.queryRow(port2SQL, name[3:13]).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return owner, err == nil, err
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
