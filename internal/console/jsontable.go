package console

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
)

// jsonTable is an API answer laid out as a table: a list of objects as
// rows under the union of their keys, an object as key/value rows.
type jsonTable struct {
	Columns []string
	Rows    [][]string
}

// tableOf lays v (decoded JSON) out as a table.
func tableOf(v any) *jsonTable {
	switch v := v.(type) {
	case []any:
		t := &jsonTable{}
		for _, item := range v {
			if m, ok := item.(map[string]any); ok {
				for k := range m {
					if !slices.Contains(t.Columns, k) {
						t.Columns = append(t.Columns, k)
					}
				}
			}
		}
		sort.Strings(t.Columns)
		for _, item := range v {
			m, _ := item.(map[string]any)
			row := make([]string, len(t.Columns))
			for i, k := range t.Columns {
				row[i] = cell(m[k])
			}
			t.Rows = append(t.Rows, row)
		}
		return t
	case map[string]any:
		t := &jsonTable{Columns: []string{"field", "value"}}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.Rows = append(t.Rows, []string{k, cell(v[k])})
		}
		return t
	}
	return &jsonTable{Columns: []string{"value"}, Rows: [][]string{{cell(v)}}}
}

// cell writes one decoded JSON value as text.
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// tableData is the cluster and remotes pages': the table or why there is
// none.
type tableData struct {
	Source string
	Table  *jsonTable
	Error  string
}

// apiTable reads path through the API as a table; a refusal (the route
// missing on this server) is shown, not failed.
func (c *Console) apiTable(r *http.Request, path string) tableData {
	var v any
	if err := c.call(r.Context(), http.MethodGet, path, nil, &v); err != nil {
		_, msg := statusOf(err)
		return tableData{Source: path, Error: msg}
	}
	return tableData{Source: path, Table: tableOf(v)}
}

// cluster serves GET /ui/cluster: GET /api/v1/cluster.
func (c *Console) cluster(w http.ResponseWriter, r *http.Request, ses session) error {
	return c.render(w, r, http.StatusOK, "cluster", ses, c.apiTable(r, "/api/v1/cluster"))
}

// remotes serves GET /ui/remotes: GET /api/v1/remotes/status.
func (c *Console) remotes(w http.ResponseWriter, r *http.Request, ses session) error {
	return c.render(w, r, http.StatusOK, "remotes", ses, c.apiTable(r, "/api/v1/remotes/status"))
}
