package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"cmtftp/internal/admin"
)

// openUpload opens what `file put` sends (path, or "-": standard input,
// spooled to a temporary file removed when it is closed) with its size
// and SHA-256, read once to compute it; the file is left at its start.
func openUpload(path string) (*os.File, int64, string, error) {
	var f *os.File
	h := sha256.New()
	if path == "-" {
		tmp, err := os.CreateTemp("", "cmtftp-put-")
		if err != nil {
			return nil, 0, "", err
		}
		os.Remove(tmp.Name()) // gone once closed
		if _, err := io.Copy(io.MultiWriter(tmp, h), os.Stdin); err != nil {
			tmp.Close()
			return nil, 0, "", fmt.Errorf("reading standard input: %w", err)
		}
		f = tmp
	} else {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, 0, "", err
		}
		if _, err := io.Copy(h, f); err != nil {
			f.Close()
			return nil, 0, "", fmt.Errorf("%s: %w", path, err)
		}
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, 0, "", err
	}
	return f, size, hex.EncodeToString(h.Sum(nil)), nil
}

// getFile writes custom file name to path ("-": out) as it arrives; a
// file is written beside path and renamed into place only once its
// SHA-256 checked, so a failed download leaves no partial file.
func getFile(ctx context.Context, c *admin.Client, name, path string, out io.Writer) error {
	if path == "-" {
		if _, _, err := c.GetFile(ctx, name, out); err != nil {
			return fmt.Errorf("file get %s: %w", name, err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, _, err = c.GetFile(ctx, name, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("file get %s: %w", name, err)
	}
	return os.Rename(tmp.Name(), path)
}
