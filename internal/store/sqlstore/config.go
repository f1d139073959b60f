package sqlstore

import (
	"cmtftp/internal/domain"
	"context"
	"errors"
	"fmt"
)

// configJoinSQL reads a device with its model, pool, SIP profile, login,
// logged-in profile, dial plan, softkey template, group and up to three
// servers in one query; the profile's dial plan and softkey template win
// over the device's. Each table's columns come packed as one JSON array
// (jsonArray is the dialect's function), so the driver hands over one
// value per table instead of one per column.
func configJoinSQL(jsonArray string) string {
	t := func(k domain.Kind, alias string) string {
		out := jsonArray + "("
		for i, c := range tables[k].cols {
			if i > 0 {
				out += ", "
			}
			out += alias + "." + c
		}
		return out + ")"
	}
	return "SELECT " + t(domain.KindDevice, "d") + ", " + t(domain.KindModel, "m") + ", " + t(domain.KindPool, "p") + ", " +
		t(domain.KindSIPProfile, "sp") + ", " + t(domain.KindLogin, "lg") + ", " + t(domain.KindProfile, "pf") + ", " +
		t(domain.KindDialPlan, "dp") + ", " + t(domain.KindSoftkey, "sk") + ", " + t(domain.KindGroup, "g") + ", " +
		t(domain.KindServer, "s0") + ", " + t(domain.KindServer, "s1") + ", " + t(domain.KindServer, "s2") +
		" FROM devices d JOIN models m ON m.name = d.model JOIN pools p ON p.name = d.pool" +
		" LEFT JOIN call_groups g ON g.name = p.group_name" +
		" LEFT JOIN group_members m0 ON m0.group_name = g.name AND m0.priority = 0 LEFT JOIN servers s0 ON s0.name = m0.server" +
		" LEFT JOIN group_members m1 ON m1.group_name = g.name AND m1.priority = 1 LEFT JOIN servers s1 ON s1.name = m1.server" +
		" LEFT JOIN group_members m2 ON m2.group_name = g.name AND m2.priority = 2 LEFT JOIN servers s2 ON s2.name = m2.server" +
		" LEFT JOIN sip_profiles sp ON sp.name = d.sip_profile" +
		" LEFT JOIN logins lg ON lg.device = d.name LEFT JOIN device_profiles pf ON pf.name = lg.profile" +
		" LEFT JOIN dial_plans dp ON dp.name = COALESCE(pf.dial_plan, d.dial_plan)" +
		" LEFT JOIN softkey_templates sk ON sk.name = COALESCE(pf.softkey_template, d.softkey_template)" +
		" WHERE d.name = ?"
}

// configLinesSQL reads the lines a device shows: the logged-in profile's,
// or its own.
const (
	lineCols = "l.number, l.display_name, l.label, l.auth_name, l.auth_password, l.voicemail_pilot, l.mwi_policy, l.max_calls"
	// The lines and the parameters come in one query: rows tagged 'l' are
	// lines by button, 'e' and 's' enterprise and service parameters.
	paramRows = " UNION ALL SELECT 'e', 0, name, value, '', '', '', '', 0, 0 FROM enterprise_params" +
		" UNION ALL SELECT 's', 0, name, value, '', '', '', '', 0, 0 FROM service_params ORDER BY 1, 2"
	deviceLinesSQL  = "SELECT 'l', x.button, " + lineCols + " FROM device_lines x JOIN lines l ON l.number = x.line WHERE x.device = ?" + paramRows
	profileLinesSQL = "SELECT 'l', x.button, " + lineCols + " FROM profile_lines x JOIN lines l ON l.number = x.line WHERE x.profile = ?" + paramRows
)

// DeviceConfig implements store.Store: one device and every record its
// files are built from, in three queries (the device joined with its
// single-row relations, group and servers; its lines; parameters). Each record is
// consistent; the change feed covers anything that moves meanwhile.
func (s *DB) DeviceConfig(ctx context.Context, name string) (*domain.DeviceConfig, error) {
	r := dbReader{s, ctx}
	c := &domain.DeviceConfig{}
	if err := s.configJoined(r, name, c); err != nil {
		return nil, s.wrap(err)
	}
	if err := s.configRest(r, c); err != nil {
		return nil, s.wrap(err)
	}
	return c, nil
}

// configKinds lists the tables of configJoinSQL's packed columns in order.
var configKinds = [...]domain.Kind{domain.KindDevice, domain.KindModel, domain.KindPool, domain.KindSIPProfile, domain.KindLogin,
	domain.KindProfile, domain.KindDialPlan, domain.KindSoftkey, domain.KindGroup, domain.KindServer, domain.KindServer, domain.KindServer}

func (s *DB) configJoined(r reader, name string, c *domain.DeviceConfig) error {
	rows, err := r.query(s.configSQL, name)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("%w: %s %q", domain.ErrNotFound, domain.KindDevice, name)
	}
	var packed [len(configKinds)]string
	ptrs := make([]any, len(packed))
	for i := range packed {
		ptrs[i] = &packed[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return err
	}
	for i, k := range configKinds {
		e, err := scanPacked(k, packed[i])
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		setConfigRecord(c, e)
	}
	return rows.Err()
}

// scanPacked decodes one table's columns packed as a JSON array; it
// returns nil for a LEFT JOIN that matched nothing.
func scanPacked(k domain.Kind, packed string) (domain.Entity, error) {
	vals, err := decodeRow(packed)
	if err != nil {
		return nil, err
	}
	if len(vals) == 0 || vals[0] == nil {
		return nil, nil // a LEFT JOIN that matched nothing
	}
	rv := &rowValues{vals: vals}
	return tables[k].scan(rv.next)
}

// setConfigRecord files one record of the join in its place in c; each
// server is appended to the group's and the config's server lists.
func setConfigRecord(c *domain.DeviceConfig, e domain.Entity) {
	switch v := e.(type) {
	case *domain.Device:
		c.Device = *v
	case *domain.Model:
		c.Model = *v
	case *domain.Pool:
		c.Pool = *v
	case *domain.SIPProfile:
		c.SIPProfile = v
	case *domain.Login:
		c.Login = v
	case *domain.DeviceProfile:
		c.Profile = v
	case *domain.DialPlan:
		c.DialPlan = v
	case *domain.SoftkeyTemplate:
		c.Softkey = v
	case *domain.Group:
		c.Group = *v
	case *domain.Server:
		c.Group.Servers = append(c.Group.Servers, v.Name)
		c.Servers = append(c.Servers, *v)
	}
}

func (s *DB) configRest(r reader, c *domain.DeviceConfig) error {
	d := &c.Device
	q, key := deviceLinesSQL, d.Name
	if c.Login != nil {
		q, key = profileLinesSQL, c.Login.Profile
	}
	rows, err := r.query(q, key)
	if err != nil {
		return err
	}
	var stored []domain.Param
	for rows.Next() {
		var tag string
		var cl domain.ConfigLine
		l := &cl.Line
		if err := rows.Scan(&tag, &cl.Button, &l.Number, &l.DisplayName, &l.Label, &l.AuthName, &l.AuthPassword, &l.VoicemailPilot, &l.MWIPolicy, &l.MaxCalls); err != nil {
			rows.Close()
			return err
		}
		switch tag {
		case "l":
			c.Lines = append(c.Lines, cl)
		case "e":
			stored = append(stored, domain.Param{Scope: domain.KindEnterprise, Name: l.Number, Value: l.DisplayName})
		case "s":
			stored = append(stored, domain.Param{Scope: domain.KindService, Name: l.Number, Value: l.DisplayName})
		}
	}
	c.Params = domain.EffectiveParams(stored)
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	// The device record carries its own appearances; with a login the
	// query above returned the profile's, so read the device's separately.
	if c.Login == nil {
		for _, cl := range c.Lines {
			d.Lines = append(d.Lines, domain.Appearance{Button: cl.Button, Line: cl.Line.Number})
		}
	} else {
		e, err := get(r, domain.KindDevice, d.Name)
		if err != nil {
			return err
		}
		d.Lines = e.(*domain.Device).Lines
		for _, cl := range c.Lines {
			c.Profile.Lines = append(c.Profile.Lines, domain.Appearance{Button: cl.Button, Line: cl.Line.Number})
		}
	}
	if c.Group.Name == "" {
		return fmt.Errorf("%w: group %q of pool %q", domain.ErrNotFound, c.Pool.Group, c.Pool.Name)
	}
	return nil
}

// seedCatalogue writes the built-in models when the stored catalogue is older.
func (s *DB) seedCatalogue(ctx context.Context) error {
	var v string
	err := dbReader{s, ctx}.queryRow("SELECT value FROM meta WHERE key = 'catalogue_version'").Scan(&v)
	if err == nil && v == fmt.Sprint(domain.CatalogueVersion) {
		return nil
	}
	t := tables[domain.KindModel]
	return s.inTx(ctx, func(x *tx) error {
		for _, m := range domain.Catalogue() {
			m := m
			if err := domain.Normalize(&m); err != nil {
				return fmt.Errorf("catalogue: %w", err)
			}
			m.Builtin = true
			old, err := get(x, domain.KindModel, m.Name)
			switch {
			case err == nil && !old.(*domain.Model).Builtin:
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
			case errors.Is(err, domain.ErrNotFound):
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
		_, err := x.exec("INSERT INTO meta (key, value) VALUES ('catalogue_version', ?)", fmt.Sprint(domain.CatalogueVersion))
		return err
	})
}
