package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"cmtftp/internal/serveconf"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "The settings of cmtftp serve: configuration file, environment, flags",
	}
	cmd.AddCommand(newConfigShowCmd())
	return cmd
}

func newConfigShowCmd() *cobra.Command {
	var asJSON bool
	var file string
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print every serve setting's effective value and where it came from",
		Long: `Print every setting of "cmtftp serve": its name, the value serve would
use with no flags given, and its source: env CMTFTP_…, file F:LINE or
default (a flag given to serve beats them all). The configuration file is
--config's, else CMTFTP_CONFIG's, else ` + serveconf.DefaultPath + ` when present.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fl := newServeCmd().Flags()
			if cmd.Flags().Changed(serveconf.ConfigFlag) {
				if err := fl.Set(serveconf.ConfigFlag, file); err != nil {
					return err
				}
			}
			res, err := loadServeSettings(fl)
			if err != nil {
				return err
			}
			if asJSON {
				return printSettingsJSON(cmd, res)
			}
			return printSettings(cmd, res)
		},
	}
	cmd.Flags().StringVar(&file, serveconf.ConfigFlag, serveconf.DefaultPath, `configuration file (or set CMTFTP_CONFIG); "" reads none`)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: the file and every setting's name, value, values (lists) and source")
	return cmd
}

func printSettings(cmd *cobra.Command, res serveconf.Result) error {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	if res.File == "" {
		fmt.Fprintln(w, "# no configuration file")
	} else {
		fmt.Fprintf(w, "# configuration file %s\n", res.File)
	}
	fmt.Fprintln(w, "SETTING\tVALUE\tSOURCE")
	for _, s := range res.Settings {
		v := s.Value
		if v == "" {
			v = `""`
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", s.Name, v, s.From)
	}
	return w.Flush()
}

func printSettingsJSON(cmd *cobra.Command, res serveconf.Result) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		File     string              `json:"file"`
		Settings []serveconf.Setting `json:"settings"`
	}{res.File, res.Settings})
}
