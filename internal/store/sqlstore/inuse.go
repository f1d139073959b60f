package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"cmtftp/internal/domain"
)

// user is a column of another table that refers to a record: the column
// itself holds the key, or (in) it is a JSON array of objects whose field
// in holds it (a gateway's endpoints and their lines).
type user struct {
	table, col string
	kind       domain.Kind
	key        string // key column of the referring table
	in         string // the objects' field when col is a JSON array; "" when col holds the key
}

// usedBy lists, for each kind, the places that refer to it (for "in use" errors).
var usedBy = map[domain.Kind][]user{
	domain.KindServer: {{table: "group_members", col: "server", kind: domain.KindGroup, key: "group_name"}},
	domain.KindGroup: {{table: "pools", col: "group_name", kind: domain.KindPool, key: "name"},
		{table: "gateways", col: "group_name", kind: domain.KindGateway, key: "name"}},
	domain.KindPool: {{table: "devices", col: "pool", kind: domain.KindDevice, key: "name"},
		{table: "gateways", col: "pool", kind: domain.KindGateway, key: "name"}},
	domain.KindModel: {{table: "devices", col: "model", kind: domain.KindDevice, key: "name"},
		{table: "gateways", col: "model", kind: domain.KindGateway, key: "name"}},
	domain.KindLine: {{table: "device_lines", col: "line", kind: domain.KindDevice, key: "device"},
		{table: "profile_lines", col: "line", kind: domain.KindProfile, key: "profile"},
		{table: "gateways", col: "endpoints", kind: domain.KindGateway, key: "name", in: "line"}},
	domain.KindSIPProfile: {{table: "devices", col: "sip_profile", kind: domain.KindDevice, key: "name"}},
	domain.KindDialPlan: {{table: "devices", col: "dial_plan", kind: domain.KindDevice, key: "name"},
		{table: "device_profiles", col: "dial_plan", kind: domain.KindProfile, key: "name"}},
	domain.KindSoftkey: {{table: "devices", col: "softkey_template", kind: domain.KindDevice, key: "name"},
		{table: "device_profiles", col: "softkey_template", kind: domain.KindProfile, key: "name"}},
}

// firstSQL names the first record, by key, that refers through u. For a
// JSON column it reads the candidates (their key and the column), whose
// text holds the field with the key's JSON encoding: LIKE finds them on
// both backends, but SQLite's LIKE ignores letter case, so the caller
// decodes each and compares exactly.
func (u user) firstSQL() string {
	if u.in != "" {
		return "SELECT " + u.key + ", " + u.col + " FROM " + u.table + " WHERE " + u.col + ` LIKE ? ESCAPE '\' ORDER BY ` + u.key
	}
	return "SELECT " + u.key + " FROM " + u.table + " WHERE " + u.col + " = ? ORDER BY " + u.key + " LIMIT 1"
}

// likePattern is the LIKE pattern of firstSQL for key: the field's name,
// then the key as a JSON string ("line", then "4001"), whatever the space
// between them (the store writes compact JSON; the PostgreSQL migration's
// json_build_object puts spaces around the colon), with LIKE's wildcards
// and its escape character escaped (line numbers may hold _).
func (u user) likePattern(key string) string {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace
	return "%" + esc(jsonText(u.in)) + "%" + esc(jsonText(key)) + "%"
}

// refersTo reports whether the JSON array doc has an object whose field
// u.in is key.
func (u user) refersTo(doc, key string) (bool, error) {
	var objs []map[string]any
	if err := fromJSON(doc, &objs); err != nil {
		return false, fmt.Errorf("%s.%s: %w", u.table, u.col, err)
	}
	for _, o := range objs {
		if v, ok := o[u.in].(string); ok && v == key {
			return true, nil
		}
	}
	return false, nil
}

// firstUser returns the key of the first record that refers to key
// through u, or "" when none does.
func (x *tx) firstUser(u user, key string) (string, error) {
	if u.in == "" {
		var by string
		err := x.queryRow(u.firstSQL(), key).Scan(&by)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return by, err
	}
	rows, err := x.query(u.firstSQL(), u.likePattern(key))
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var by, doc string
		if err := rows.Scan(&by, &doc); err != nil {
			return "", err
		}
		if ok, err := u.refersTo(doc, key); err != nil || ok {
			return by, err
		}
	}
	return "", rows.Err()
}

// checkUnused returns ErrInUse naming one record that refers to kind k, key.
func (x *tx) checkUnused(k domain.Kind, key string) error {
	for _, u := range usedBy[k] {
		by, err := x.firstUser(u, key)
		if err != nil {
			return err
		}
		if by != "" {
			return fmt.Errorf("%w: %s %q is used by %s %q", domain.ErrInUse, k, key, u.kind, by)
		}
	}
	return nil
}
