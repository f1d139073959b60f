package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
)

// readSite reads a site document (YAML or JSON) from path ("-" is stdin)
// within the admin API's default limits (admin.ReadSite).
func readSite(path string) (*domain.Site, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	site, err := admin.ReadSite(r, admin.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return site, nil
}

func newApplyCmd() *cobra.Command {
	var cf clientFlags
	var file string
	cmd := &cobra.Command{Use: "apply -f site.yaml", Short: "Create or update everything a site document lists, in one transaction",
		Long: "apply reads a site document (see examples/site.yaml) and writes every record in it in one\n" +
			"transaction: if any record is invalid nothing is written. Applying the same file again\n" +
			"changes nothing. Records not in the file are left alone.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return fmt.Errorf("apply: -f FILE is required (- reads stdin)")
			}
			site, err := readSite(file)
			if err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			res, err := cf.client().Apply(ctx, site)
			if err != nil {
				return fmt.Errorf("apply %s: %w (nothing was written)", file, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "applied %s: %d created, %d updated, %d unchanged\n", file, res.Created, res.Updated, res.Unchanged)
			return nil
		}}
	cf.register(cmd)
	cmd.Flags().StringVarP(&file, "file", "f", "", "site document, YAML or JSON (- for stdin)")
	return cmd
}

func newExportCmd() *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{Use: "export", Short: "Write the whole configuration as a site document that apply takes back",
		Long: `Write the whole configuration as a site document that apply takes back,
YAML by default (-o yaml, or -o table: the same YAML under a comment line),
JSON with -o json. Every format is written as the server streams it, one
record at a time, so memory stays bounded at any size of the site: with
-o json the server's document is copied as it comes; the YAML is written
record by record from it, the same bytes as a whole site marshalled at once.
A transfer cut short is an error, after the part already written.`, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			if cf.output == "json" { // streamed as the server writes it: memory bounded at any size
				return cf.client().ExportTo(ctx, cmd.OutOrStdout())
			}
			out := cmd.OutOrStdout()
			if cf.output == "table" { // the comment goes out with the first bytes, not before an error
				out = &prefixWriter{w: out, prefix: "# cmtftp site document; cmtftp apply -f FILE takes it back\n"}
			}
			return exportYAML(ctx, cf.client(), out)
		}}
	cf.register(cmd)
	return cmd
}

func newFileCmd() *cobra.Command {
	var cf clientFlags
	f := &cobra.Command{Use: "file", Short: "Custom files stored in the database and served by every server of the cluster"}
	cf.register(f)
	put := &cobra.Command{Use: "put NAME PATH", Short: "Upload a file under NAME (PATH - reads stdin)",
		Long: "put streams the file to the server, never holding it whole: its SHA-256 is computed first and\n" +
			"sent with it, and the server stores nothing unless the bytes it received have it. Standard\n" +
			"input is spooled to a temporary file first. The server takes files of up to 512 MiB.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := strings.TrimPrefix(args[0], "/")
			// Check the name here too: a name with ".." would not even reach the API's route.
			if err := domain.Normalize(&domain.CustomFile{Name: name}); err != nil {
				return err
			}
			f, size, sum, err := openUpload(args[1])
			if err != nil {
				return err
			}
			defer f.Close()
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			cfile, changed, err := cf.client().PutFile(ctx, name, f, size, sum)
			if err != nil {
				return fmt.Errorf("file put %s: %w", name, err)
			}
			note := ""
			if !changed {
				note = ", unchanged"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "stored %s (%d bytes, sha256 %s%s)\n", cfile.Name, cfile.Size, cfile.SHA256[:12], note)
			return nil
		}}
	get := &cobra.Command{Use: "get NAME [PATH]", Short: "Download a file to PATH (default or - : stdout), checked against its SHA-256",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			path := "-"
			if len(args) == 2 {
				path = args[1]
			}
			return getFile(ctx, cf.client(), strings.TrimPrefix(args[0], "/"), path, cmd.OutOrStdout())
		}}
	list := listCmd(&cf, domain.KindFile, "List custom files", []string{"name", "size", "sha256", "modified"})
	rm := &cobra.Command{Use: "rm NAME...", Short: "Delete custom files", Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			for _, a := range args {
				if err := cf.client().Delete(ctx, domain.KindFile, a); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "deleted file %s\n", a)
			}
			return nil
		}}
	f.AddCommand(put, get, list, rm)
	return f
}
