package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/render"
	"cmtftp/internal/sitebuild"
)

func newBuildCmd() *cobra.Command {
	var db, out, cpuProfile string
	var quiet bool
	cmd := &cobra.Command{Use: "build --db DSN --out DIR", Short: "Write every configuration file of every device, and the default files, into a directory",
		Long: "build renders every file the database describes — SEP<MAC>.cnf.xml, .cnf (per Build CNF Files),\n" +
			"SIP<MAC>.cnf, ld/gk profiles, dial plans, softkey templates, XMLDefault.cnf.xml, SEPDefault.cnf,\n" +
			"SIPDefault.cnf, every gateway's files (docs/gateways.md) — into a new directory, and only then puts it in place of DIR: a reader of DIR\n" +
			"sees the old set or the new one, never half of one. Useful with any TFTP server.\n\n" +
			"The devices are streamed from the database while they are written, so a build takes the\n" +
			"records as they are when each is read: for one consistent set, build from a database no one\n" +
			"is changing. A device that names a record created after the build started fails it; run it again.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("build: --out DIR is required")
			}
			dbs, err := parseDB(db)
			if err != nil {
				return err
			}
			if dbs.driver == "sqlite" && !fileExists(dbs.target) {
				return fmt.Errorf("build: %s does not exist", dbs.target)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Minute)
			defer cancel()
			st, err := openStore(ctx, dbs)
			if err != nil {
				return err
			}
			defer st.Close()
			buildGC()
			stopProfile, err := startCPUProfile(cpuProfile)
			if err != nil {
				return err
			}
			defer stopProfile()
			start := time.Now()
			var progress *buildProgress
			if !quiet {
				progress = newBuildProgress(cmd.ErrOrStderr())
			}
			n, err := sitebuild.Build(ctx, st, out, progress.add)
			progress.done()
			if err != nil {
				return err
			}
			var ru runtimeStats
			ru.read()
			fmt.Fprintf(cmd.OutOrStdout(), "built %d files for %d devices and %d gateways into %s in %v; max RSS %d MiB\n",
				n.Files, n.Devices, n.Gateways, out, time.Since(start).Round(time.Millisecond), ru.maxRSSMiB)
			return nil
		}}
	cmd.Flags().StringVar(&db, "db", "sqlite:cmtftp.db", "configuration database (sqlite:PATH or postgres://…)")
	cmd.Flags().StringVar(&out, "out", "", "directory to write (replaced as a whole)")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress bar")
	cmd.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the build to this file")
	cmd.Flags().MarkHidden("cpuprofile")
	return cmd
}

// buildGC sets the collector's target for a build, unless GOGC does: the
// heap is a few tens of megabytes whatever the site; at the default a
// collection runs every few MB allocated, ~4% of the CPU and write
// barriers on for ~12% of the build. 400 makes it ~1%.
func buildGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// startCPUProfile starts a CPU profile into the file path ("" profiles
// nothing) and returns the function that stops it and closes the file.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("build: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func newShowCmd() *cobra.Command {
	var cf clientFlags
	var verbose bool
	cmd := &cobra.Command{Use: "show NAME", Short: "Print the file cmtftp builds for a name (-v: and the records it comes from)",
		Example: "  cmtftp show SEP0000DE000002.cnf.xml\n  cmtftp show -v XMLDefault.cnf.xml",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			b, sources, err := cf.client().Built(ctx, args[0])
			if err != nil {
				return err
			}
			if verbose {
				fmt.Fprintf(cmd.ErrOrStderr(), "# %s: %d bytes, sha256 %s, built from:\n", args[0], len(b), render.Hash(b)[:16])
				for _, s := range sources {
					fmt.Fprintf(cmd.ErrOrStderr(), "#   %s\n", s)
				}
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		}}
	cf.register(cmd)
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also print the records the file is built from (on stderr)")
	return cmd
}
