package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newGenDocsCmd returns the hidden "gen-docs" command scripts/package runs
// to write the man pages and shell completions the Debian package ships.
func newGenDocsCmd() *cobra.Command {
	var manDir, complDir string
	cmd := &cobra.Command{
		Use:    "gen-docs --man DIR --completions DIR",
		Short:  "Write man pages and shell completions (for packaging)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if manDir == "" && complDir == "" {
				return fmt.Errorf("gen-docs: give --man DIR, --completions DIR or both")
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true
			if manDir != "" {
				if err := writeManPages(root, manDir); err != nil {
					return err
				}
			}
			if complDir != "" {
				return writeCompletions(root, complDir)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&manDir, "man", "", "directory to write the section 1 man pages into (one per command)")
	cmd.Flags().StringVar(&complDir, "completions", "", "directory to write cmtftp.bash, _cmtftp (zsh) and cmtftp.fish into")
	return cmd
}

// writeManPages writes one section 1 page per visible command into dir.
func writeManPages(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	header := &doc.GenManHeader{Title: "CMTFTP", Section: "1", Source: "cmtftp " + versionString(), Manual: "cmtftp manual"}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return nil
}

// writeCompletions writes the bash, zsh and fish completion scripts into dir.
func writeCompletions(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("completions: %w", err)
	}
	shells := []struct {
		name  string
		write func(f *os.File) error
	}{
		{"cmtftp.bash", func(f *os.File) error { return root.GenBashCompletionV2(f, true) }},
		{"_cmtftp", func(f *os.File) error { return root.GenZshCompletion(f) }},
		{"cmtftp.fish", func(f *os.File) error { return root.GenFishCompletion(f, true) }},
	}
	for _, sh := range shells {
		if err := writeFile(filepath.Join(dir, sh.name), sh.write); err != nil {
			return fmt.Errorf("completions: %w", err)
		}
	}
	return nil
}

// writeFile creates path and fills it with write, reporting the first error
// of either the write or the close.
func writeFile(path string, write func(f *os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
