package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"cmtftp/internal/store"
)

// DeviceConfig implements store.Store: one device and every record its
// files are built from, read in one snapshot-free pass (each record is
// consistent; the change feed covers anything that moves meanwhile).
func (s *DB) DeviceConfig(ctx context.Context, name string) (*store.DeviceConfig, error) {
	r := dbReader{s, ctx}
	c := &store.DeviceConfig{}
	err := func() error {
		e, err := get(r, store.KindDevice, name)
		if err != nil {
			return err
		}
		c.Device = *e.(*store.Device)
		d := &c.Device
		if e, err = get(r, store.KindModel, d.Model); err != nil {
			return err
		}
		c.Model = *e.(*store.Model)
		if e, err = get(r, store.KindPool, d.Pool); err != nil {
			return err
		}
		c.Pool = *e.(*store.Pool)
		if e, err = get(r, store.KindGroup, c.Pool.Group); err != nil {
			return err
		}
		c.Group = *e.(*store.Group)
		if c.Servers, err = servers(r, c.Group.Name); err != nil {
			return err
		}
		if d.SIPProfile != "" {
			if e, err = get(r, store.KindSIPProfile, d.SIPProfile); err != nil {
				return err
			}
			c.SIPProfile = e.(*store.SIPProfile)
		}
		lines, plan, softkey := d.Lines, d.DialPlan, d.SoftkeyTemplate
		if e, err = get(r, store.KindLogin, d.Name); err == nil {
			c.Login = e.(*store.Login)
			if e, err = get(r, store.KindProfile, c.Login.Profile); err != nil {
				return err
			}
			c.Profile = e.(*store.DeviceProfile)
			lines = c.Profile.Lines
			if c.Profile.DialPlan != "" {
				plan = c.Profile.DialPlan
			}
			if c.Profile.SoftkeyTemplate != "" {
				softkey = c.Profile.SoftkeyTemplate
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if c.Lines, err = configLines(r, lines); err != nil {
			return err
		}
		if plan != "" {
			if e, err = get(r, store.KindDialPlan, plan); err != nil {
				return err
			}
			c.DialPlan = e.(*store.DialPlan)
		}
		if softkey != "" {
			if e, err = get(r, store.KindSoftkey, softkey); err != nil {
				return err
			}
			c.Softkey = e.(*store.SoftkeyTemplate)
		}
		c.Params, err = params(r)
		return err
	}()
	if err != nil {
		return nil, s.wrap(err)
	}
	return c, nil
}

func servers(r reader, group string) ([]store.Server, error) {
	rows, err := r.query(tables[store.KindServer].selectSQL(false)+
		" JOIN group_members m ON m.server = servers.name WHERE m.group_name = ? ORDER BY m.priority", group)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Server
	for rows.Next() {
		e, err := tables[store.KindServer].scan(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, *e.(*store.Server))
	}
	return out, rows.Err()
}

func configLines(r reader, as []store.Appearance) ([]store.ConfigLine, error) {
	out := make([]store.ConfigLine, 0, len(as))
	for _, a := range as {
		e, err := get(r, store.KindLine, a.Line)
		if err != nil {
			return nil, fmt.Errorf("button %d: %w", a.Button, err)
		}
		out = append(out, store.ConfigLine{Button: a.Button, Line: *e.(*store.Line)})
	}
	return out, nil
}

func params(r reader) (store.ParamValues, error) {
	var stored []store.Param
	for _, k := range []store.Kind{store.KindEnterprise, store.KindService} {
		t := tables[k]
		rows, err := r.query(t.selectSQL(false))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			p := store.Param{Scope: k}
			if err := rows.Scan(&p.Name, &p.Value); err != nil {
				rows.Close()
				return nil, err
			}
			stored = append(stored, p)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return store.EffectiveParams(stored), nil
}

// seedCatalogue writes the built-in models when the stored catalogue is older.
func (s *DB) seedCatalogue(ctx context.Context) error {
	var v string
	err := dbReader{s, ctx}.queryRow("SELECT value FROM meta WHERE key = 'catalogue_version'").Scan(&v)
	if err == nil && v == fmt.Sprint(store.CatalogueVersion) {
		return nil
	}
	t := tables[store.KindModel]
	return s.inTx(ctx, func(x *tx) error {
		for _, m := range store.Catalogue() {
			m := m
			if err := store.Normalize(&m); err != nil {
				return fmt.Errorf("catalogue: %w", err)
			}
			m.Builtin = true
			old, err := get(x, store.KindModel, m.Name)
			switch {
			case err == nil && !old.(*store.Model).Builtin:
				continue // the admin's own model of that name stays
			case err == nil && same(old, &m):
				continue
			case err == nil:
				sets := make([]string, len(t.cols)-1)
				for i, c := range t.cols[1:] {
					sets[i] = c + " = ?"
				}
				vals := t.vals(&m)
				if _, err := x.exec("UPDATE models SET "+joinCols(sets)+" WHERE name = ?", append(vals[1:], vals[0])...); err != nil {
					return err
				}
			case errors.Is(err, store.ErrNotFound):
				if _, err := x.exec("INSERT INTO models ("+joinCols(t.cols)+") VALUES ("+placeholders(len(t.cols))+")", t.vals(&m)...); err != nil {
					return err
				}
			default:
				return err
			}
		}
		if _, err := x.exec("DELETE FROM meta WHERE key = 'catalogue_version'"); err != nil {
			return err
		}
		_, err := x.exec("INSERT INTO meta (key, value) VALUES ('catalogue_version', ?)", fmt.Sprint(store.CatalogueVersion))
		return err
	})
}
