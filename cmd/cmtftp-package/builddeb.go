package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
)

// ErrUnknownVariable reports a ${NAME} in the nfpm configuration that the
// build does not define: the environment is never consulted, so a build is
// the same on every machine. (nfpm's own NFPM_* names, the signing
// passphrases, are empty: the package is not signed.)
var ErrUnknownVariable = errors.New("unknown variable in the nfpm configuration")

// BuildDeb builds the Debian package config describes, with ${NAME} in it
// replaced from vars, into outDir under Debian's conventional file name
// (NAME_VERSION_ARCH.deb), and returns its path. The file appears whole or
// not at all.
func BuildDeb(config string, vars map[string]string, outDir string) (string, error) {
	var unknown []string
	conf, err := nfpm.ParseFileWithEnvMapping(config, func(name string) string {
		v, ok := vars[name]
		if !ok && !strings.HasPrefix(name, "NFPM_") && !slices.Contains(unknown, name) {
			unknown = append(unknown, name)
		}
		return v
	})
	if err != nil {
		return "", fmt.Errorf("%s: %w", config, err)
	}
	if len(unknown) > 0 {
		return "", fmt.Errorf("%s: %q: %w", config, unknown, ErrUnknownVariable)
	}
	info, err := conf.Get("deb")
	if err != nil {
		return "", fmt.Errorf("%s: %w", config, err)
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.Validate(info); err != nil {
		return "", fmt.Errorf("%s: %w", config, err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", fmt.Errorf("output folder: %w", err)
	}
	path := filepath.Join(outDir, deb.Default.ConventionalFileName(info))
	info.Target = path
	if err := writeAtomic(path, func(f *os.File) error { return deb.Default.Package(info, f) }); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return path, nil
}

// writeAtomic writes path through a temporary file in the same folder,
// renamed into place only once write and close succeeded.
func writeAtomic(path string, write func(f *os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
