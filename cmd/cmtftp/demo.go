package main

import (
	"fmt"
	"os"
	"path/filepath"

	"cmtftp/internal/domain"
)

// demoLoad is the demo's large firmware archive, for trying big transfers.
const demoLoad = domain.DemoLargeArchive

// writeDemoRoot writes the demo files (domain.DemoRoot) that are missing
// into dir; files an admin has changed are left alone.
func writeDemoRoot(dir string) error {
	for name, b := range domain.DemoRoot() {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("demo root: %w", err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return fmt.Errorf("demo root: %w", err)
		}
	}
	return nil
}
