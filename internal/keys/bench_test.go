package keys_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"cmtftp/internal/keys"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/trust"
)

// BenchmarkTrustList builds and signs the ITL a server serves, through
// Keyring.TrustList with the keys cmtftp keys init makes (RSA 2048, one
// SAST and one TFTP key, from a real SQLite file), by hash: the cost of
// one trust list after a key or mode change.
func BenchmarkTrustList(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "keys.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	k, err := keys.Init(ctx, s, secret, keys.Options{TFTPNames: []string{"tftp.example.net", "127.0.0.1"}})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	for _, h := range []struct {
		name string
		hash trust.Hash
	}{{"sha512", trust.SHA512}, {"sha1", trust.SHA1}} {
		b.Run(h.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				itl, err := k.TrustList("ITLFile.tlv", false, h.hash, now, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(itl)))
			}
		})
	}
}
