// Command cmtftp-package builds the cmtftp Debian package with nfpm from
// packaging/nfpm.yaml and a build folder scripts/package has filled (the
// binary, man pages, completions), and maps "git describe" output to a
// Debian version. Run it through scripts/package.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cmtftp-package:", err)
		os.Exit(1)
	}
}

// run parses args and either prints a Debian version (-describe) or builds
// the package and prints its path.
func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("cmtftp-package", flag.ContinueOnError)
	describe := fs.String("describe", "", `print the Debian version of this "git describe --tags --always" output and exit`)
	date := fs.String("date", "", "the commit date as YYYYMMDD, with -describe")
	config := fs.String("config", "packaging/nfpm.yaml", "nfpm configuration")
	version := fs.String("version", "", "package version, in Debian form (${CMTFTP_VERSION} in the configuration)")
	build := fs.String("build", "", "folder holding the binary, man/ and completions/ (${CMTFTP_BUILD} in the configuration)")
	outDir := fs.String("out", "dist", "folder the .deb is written into")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *describe != "" {
		v, err := DebianVersion(*describe, *date)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(out, v)
		return err
	}
	if err := CheckDebianVersion(*version); err != nil {
		return fmt.Errorf("-version: %w", err)
	}
	if *build == "" {
		return fmt.Errorf("-build: the build folder is required")
	}
	path, err := BuildDeb(*config, map[string]string{"CMTFTP_VERSION": *version, "CMTFTP_BUILD": *build}, *outDir)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, path)
	return err
}
