package tftpd

import (
	"context"
	"time"

	"cmtftp/internal/source"
)

// testSource serves files from a map, in memory.
func testSource(files map[string][]byte) source.Source {
	return source.Func(func(_ context.Context, r *source.Request) (source.File, error) {
		b, ok := files[r.Path]
		if !ok {
			return nil, source.ErrNotFound
		}
		return source.NewMemory(b, time.Time{}), nil
	})
}
