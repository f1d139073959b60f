package sqlstore

import (
	"cmp"
	"cmtftp/internal/domain"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// configJoinSQL reads, in one statement (one snapshot of the database,
// and one read transaction instead of several): the change log's highest
// ID with the device, its login and the logged-in profile (the row tagged
// 'd'), the device's lines by button ('l') and the logged-in profile's
// ('p'). The 'd' row carries each table's columns packed as one JSON array
// (jsonArray is the dialect's function) where the line rows have text
// columns.
func configJoinSQL(jsonArray string) string {
	t := func(k domain.Kind, alias string) string {
		out := "CAST(" + jsonArray + "("
		for i, c := range tables[k].cols {
			if i > 0 {
				out += ", "
			}
			out += alias + "." + c
		}
		return out + ") AS TEXT)"
	}
	const lineCols = "l.number, l.display_name, l.label, l.auth_name, l.auth_password, l.voicemail_pilot, l.mwi_policy, l.max_calls"
	return "SELECT 'd', (" + lastChangeSQL + "), " + t(domain.KindDevice, "d") + ", " + t(domain.KindLogin, "lg") + ", " +
		t(domain.KindProfile, "pf") + ", '', '', '', 0, 0" +
		" FROM devices d LEFT JOIN logins lg ON lg.device = d.name LEFT JOIN device_profiles pf ON pf.name = lg.profile WHERE d.name = ?" +
		" UNION ALL SELECT 'l', x.button, " + lineCols + " FROM device_lines x JOIN lines l ON l.number = x.line WHERE x.device = ?" +
		" UNION ALL SELECT 'p', x.button, " + lineCols + " FROM logins g JOIN profile_lines x ON x.profile = g.profile" +
		" JOIN lines l ON l.number = x.line WHERE g.device = ?"
}

// configAttempts bounds how often DeviceConfig reads a device again when
// the shared records it found were newer than the device and lacked one
// it names (a record renamed or created meanwhile).
const configAttempts = 3

// errStale says the device and the shared snapshot did not match.
var errStale = errors.New("sqlstore: the device names a shared record the newer snapshot lacks")

// DeviceConfig implements store.Store: one device and every record its
// files are built from. Per call it runs one statement (the device with
// its login, profile, lines and the change log's highest ID); the
// records many devices share come from the DB's in-memory snapshot,
// brought up to date first when the change log has moved (shared.go).
// Every change committed before the call is in the result. The shared
// records' pointers, slices and Params map are shared between calls and
// must not be modified; the rest belongs to the caller.
func (s *DB) DeviceConfig(ctx context.Context, name string) (*domain.DeviceConfig, error) {
	for attempt := 1; ; attempt++ {
		c, err := s.deviceConfig(ctx, name, attempt == configAttempts)
		if !errors.Is(err, errStale) {
			if err != nil {
				return nil, s.wrap(err)
			}
			return c, nil
		}
	}
}

// deviceConfig is one attempt of DeviceConfig. A shared record the device
// names and the snapshot lacks is missing when the snapshot is the
// device's own; when it is newer, errStale has the caller read again, and
// on the last attempt the call fails (an error other than not found).
func (s *DB) deviceConfig(ctx context.Context, name string, last bool) (*domain.DeviceConfig, error) {
	r := dbReader{s, ctx}
	g0 := s.shared.begun.Load()
	c := &domain.DeviceConfig{}
	seq, err := s.configRow(r, name, c)
	if err != nil {
		return nil, err
	}
	sh, err := s.sharedFor(ctx, seq, g0)
	if err != nil {
		return nil, err
	}
	complete, err := sh.fill(c)
	if !complete && sh.seq != seq {
		if !last {
			return nil, errStale
		}
		// Not "not found": the device exists, and a caller that took it
		// for missing would serve a phone the default file instead.
		return nil, fmt.Errorf("sqlstore: device %q: its shared records changed under each of %d reads; try again", name, configAttempts)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// configRow reads the device, its login, profile and lines into c and
// returns the change log's highest ID, from one statement.
func (s *DB) configRow(r reader, name string, c *domain.DeviceConfig) (int64, error) {
	rows, err := r.query(s.configSQL, name, name, name)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var seq sql.NullInt64
	var packed [3]string
	found := false
	var own, prof []domain.ConfigLine
	for rows.Next() {
		var tag string
		var n sql.NullInt64
		var cl domain.ConfigLine
		l := &cl.Line
		if err := rows.Scan(&tag, &n, &l.Number, &l.DisplayName, &l.Label, &l.AuthName, &l.AuthPassword, &l.VoicemailPilot, &l.MWIPolicy, &l.MaxCalls); err != nil {
			return 0, err
		}
		cl.Button = int(n.Int64)
		switch tag {
		case "d":
			found, seq, packed = true, n, [3]string{l.Number, l.DisplayName, l.Label}
		case "l":
			own = append(own, cl)
		case "p":
			prof = append(prof, cl)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, err
	}
	if !found {
		return 0, fmt.Errorf("%w: %s %q", domain.ErrNotFound, domain.KindDevice, name)
	}
	if err := setPacked(c, packed); err != nil {
		return 0, err
	}
	setLines(c, own, prof)
	return seq.Int64, nil
}

// setPacked decodes the packed device, login and profile of the 'd' row
// into c.
func setPacked(c *domain.DeviceConfig, packed [3]string) error {
	for i, k := range [...]domain.Kind{domain.KindDevice, domain.KindLogin, domain.KindProfile} {
		e, err := scanPacked(k, packed[i])
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		switch v := e.(type) {
		case *domain.Device:
			c.Device = *v
		case *domain.Login:
			c.Login = v
		case *domain.DeviceProfile:
			c.Profile = v
		}
	}
	return nil
}

// setLines sets the lines c's device shows, by button: the logged-in
// profile's (prof), or its own (own); and the device's and the profile's
// appearances.
func setLines(c *domain.DeviceConfig, own, prof []domain.ConfigLine) {
	byButton := func(a, b domain.ConfigLine) int { return cmp.Compare(a.Button, b.Button) }
	appearances := func(ls []domain.ConfigLine) []domain.Appearance {
		var out []domain.Appearance
		for _, cl := range ls {
			out = append(out, domain.Appearance{Button: cl.Button, Line: cl.Line.Number})
		}
		return out
	}
	for _, ls := range [...][]domain.ConfigLine{own, prof} {
		if !slices.IsSortedFunc(ls, byButton) {
			slices.SortFunc(ls, byButton)
		}
	}
	c.Device.Lines, c.Lines = appearances(own), own
	if c.Login != nil {
		c.Lines = prof
		if c.Profile != nil {
			c.Profile.Lines = appearances(prof)
		}
	}
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

// fill sets c's shared records (model, pool, group, servers, SIP profile,
// dial plan, softkey template, parameters) from sh, as the join of them
// would: a missing model or pool is a missing device, a missing group an
// error, a missing server, SIP profile, dial plan or softkey template
// left out. complete is false when anything c names was missing.
func (sh *shared) fill(c *domain.DeviceConfig) (complete bool, err error) {
	d := &c.Device
	m, okm := sh.recs[domain.KindModel][d.Model].(*domain.Model)
	p, okp := sh.recs[domain.KindPool][d.Pool].(*domain.Pool)
	if !okm || !okp {
		return false, fmt.Errorf("%w: %s %q", domain.ErrNotFound, domain.KindDevice, d.Name)
	}
	c.Model, c.Pool = *m, *p
	g, ok := sh.groups[p.Group]
	if !ok {
		return false, fmt.Errorf("%w: group %q of pool %q", domain.ErrNotFound, p.Group, p.Name)
	}
	c.Group = g.group
	c.Servers = append([]domain.Server(nil), g.servers...)
	c.Params = sh.params
	complete = g.complete
	plan, softkey := d.DialPlan, d.SoftkeyTemplate
	if pf := c.Profile; pf != nil {
		plan, softkey = cmp.Or(pf.DialPlan, plan), cmp.Or(pf.SoftkeyTemplate, softkey)
	}
	found := func(k domain.Kind, name string) domain.Entity {
		if name == "" {
			return nil
		}
		e, ok := sh.recs[k][name]
		complete = complete && ok
		return e
	}
	if e := found(domain.KindSIPProfile, d.SIPProfile); e != nil {
		c.SIPProfile = e.(*domain.SIPProfile)
	}
	if e := found(domain.KindDialPlan, plan); e != nil {
		c.DialPlan = e.(*domain.DialPlan)
	}
	if e := found(domain.KindSoftkey, softkey); e != nil {
		c.Softkey = e.(*domain.SoftkeyTemplate)
	}
	return complete, nil
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
