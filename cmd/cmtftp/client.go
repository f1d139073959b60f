package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"cmtftp/internal/admin"
)

// Environment variables the CLI reads.
const (
	envServer = "CMTFTP_SERVER"
	envToken  = "CMTFTP_ADMIN_TOKEN"
)

// clientFlags are the flags of every command that talks to the admin API.
type clientFlags struct {
	server string
	output string
}

func (f *clientFlags) register(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.server, "server", cmp.Or(os.Getenv(envServer), "http://127.0.0.1:6980"),
		"admin API of a running cmtftp serve ("+envServer+"); the token comes from "+envToken)
	cmd.PersistentFlags().StringVarP(&f.output, "output", "o", "table", "output format: table, json or yaml")
}

func (f *clientFlags) client() *admin.Client {
	base := f.server
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	return &admin.Client{Base: base, Token: os.Getenv(envToken)}
}

func (f *clientFlags) checkOutput() error {
	switch f.output {
	case "table", "json", "yaml":
		return nil
	}
	return fmt.Errorf("--output %q: use table, json or yaml", f.output)
}

// emit writes v as JSON or YAML; table output is the caller's.
func emit(w io.Writer, format string, v any) error {
	if format == "yaml" || format == "table" {
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		defer enc.Close()
		return enc.Encode(v)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table prints rows of fields picked from each record's JSON form.
func table(w io.Writer, cols []string, records []any) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = strings.ToUpper(kebab(c))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, r := range records {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = cell(m[c])
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// cell renders one JSON value for a table.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case string:
		if x == "" {
			return "-"
		}
		return x
	case float64:
		return fmt.Sprint(x)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			if m, ok := e.(map[string]any); ok {
				if b, ok := m["button"]; ok {
					parts[i] = fmt.Sprintf("%v:%v", b, m["line"])
					continue
				}
				if s, ok := m["state"]; ok {
					parts[i] = fmt.Sprint(s)
					continue
				}
				if p, ok := m["pattern"]; ok {
					parts[i] = fmt.Sprint(p)
					continue
				}
			}
			parts[i] = cell(e)
		}
		if len(parts) == 0 {
			return "-"
		}
		return strings.Join(parts, ",")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := []string{}
		for _, k := range keys {
			parts = append(parts, k+"="+cell(x[k]))
		}
		if len(parts) == 0 {
			return "-"
		}
		return strings.Join(parts, " ")
	}
	return fmt.Sprint(v)
}

// kebab turns a JSON field name into a flag name: softkeyTemplate → softkey-template.
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 && !(s[i-1] >= 'A' && s[i-1] <= 'Z') {
				b.WriteByte('-')
			}
			b.WriteRune(r - 'A' + 'a')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
