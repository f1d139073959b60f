package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
)

// keysDevice is a device of storetest.Site, keysServer one of its
// call-control servers.
const (
	keysDevice = "SEP001122AABB02"
	keysServer = "cm1"
)

// changesAfter returns the change log's rows after id as "op kind key".
func changesAfter(t *testing.T, s *sqlstore.DB, id int64) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	last, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last <= id {
		return nil
	}
	ch, err := s.Changes(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for c := range ch {
		out = append(out, fmt.Sprintf("%s %s %s", c.Op, c.Kind, c.Key))
		if c.ID >= last {
			break
		}
	}
	return out
}

func lastChange(t *testing.T, s *sqlstore.DB) int64 {
	t.Helper()
	id, err := s.LastChange(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// keyIDs returns "role:id" (with "-retired") for each key.
func keyIDs(keys []store.Key) []string {
	var out []string
	for _, k := range keys {
		s := fmt.Sprintf("%s:%d", k.Role, k.ID)
		if k.Retired {
			s += "-retired"
		}
		out = append(out, s)
	}
	return out
}

// TestRotateKeys: keys come back oldest first with their bytes, retired
// ones only when asked; each rotation is one change of kind keys; an
// unknown ID to retire fails with ErrNotFound and writes nothing; a bad
// role is refused.
func TestRotateKeys(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			before := lastChange(t, s)
			added, err := s.RotateKeys(ctx, nil, []store.Key{
				{Role: store.KeySAST, Cert: []byte("sast1"), Sealed: []byte("sealed-sast1")},
				{Role: store.KeyTFTP, Cert: []byte("tftp1"), Sealed: []byte("sealed-tftp1")},
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(added) != 2 || added[0].ID == 0 || added[1].ID <= added[0].ID || added[0].Created.IsZero() {
				t.Fatalf("added %+v", added)
			}
			if got := changesAfter(t, s, before); !slices.Equal(got, []string{"update keys "}) {
				t.Errorf("changes of the first rotation: %q", got)
			}
			before = lastChange(t, s)
			second, err := s.RotateKeys(ctx, []int64{added[1].ID, added[0].ID}, []store.Key{
				{Role: store.KeySAST, Cert: []byte("sast2"), Sealed: []byte("sealed-sast2")},
				{Role: store.KeyTFTP, Cert: []byte("tftp2"), Sealed: []byte("sealed-tftp2")},
			}, []int64{added[1].ID})
			if err != nil {
				t.Fatal(err)
			}
			if got := changesAfter(t, s, before); !slices.Equal(got, []string{"update keys "}) {
				t.Errorf("changes of the second rotation: %q", got)
			}
			checkKeys(t, s, added, second)
			checkRotateRefused(t, s)
		})
	}
}

// checkKeys checks Keys after the two rotations of TestRotateKeys.
func checkKeys(t *testing.T, s *sqlstore.DB, first, second []store.Key) {
	t.Helper()
	ctx := context.Background()
	active, err := s.Keys(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{fmt.Sprintf("sast:%d", first[0].ID), fmt.Sprintf("sast:%d", second[0].ID), fmt.Sprintf("tftp:%d", second[1].ID)}
	if got := keyIDs(active); !slices.Equal(got, want) {
		t.Errorf("active keys %v, want %v", got, want)
	}
	all, err := s.Keys(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{fmt.Sprintf("sast:%d", first[0].ID), fmt.Sprintf("tftp:%d-retired", first[1].ID), want[1], want[2]}
	if got := keyIDs(all); !slices.Equal(got, want) {
		t.Errorf("all keys %v, want %v", got, want)
	}
	if k := all[1]; !bytes.Equal(k.Cert, []byte("tftp1")) || !bytes.Equal(k.Sealed, []byte("sealed-tftp1")) || !k.Created.Equal(first[1].Created) {
		t.Errorf("key read back: %+v, want %+v", k, first[1])
	}
}

// checkRotateRefused: a rotation retiring an unknown or retired key,
// adding a key of no known role, or made from a view of the active keys
// that is not the store's, writes nothing.
func checkRotateRefused(t *testing.T, s *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	before := lastChange(t, s)
	all0, _ := s.Keys(ctx, true)
	active := activeIDs(t, s)
	x := []store.Key{{Role: store.KeySAST, Cert: []byte("x"), Sealed: []byte("y")}}
	for _, id := range []int64{9999, all0[1].ID} {
		if _, err := s.RotateKeys(ctx, active, x, []int64{id}); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("retiring key %d: %v, want ErrNotFound", id, err)
		}
	}
	if _, err := s.RotateKeys(ctx, active, []store.Key{{Role: "capf", Cert: []byte("x"), Sealed: []byte("y")}}, nil); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("a capf key: %v, want ErrInvalid", err)
	}
	for _, seen := range [][]int64{nil, active[1:], append(slices.Clone(active), 9999), append(active[1:], all0[1].ID)} {
		if _, err := s.RotateKeys(ctx, seen, x, nil); !errors.Is(err, store.ErrKeysChanged) {
			t.Errorf("a rotation from active keys %v (they are %v): %v, want ErrKeysChanged", seen, active, err)
		}
	}
	all1, _ := s.Keys(ctx, true)
	if !slices.Equal(keyIDs(all0), keyIDs(all1)) {
		t.Errorf("a refused rotation changed the keys: %v, then %v", keyIDs(all0), keyIDs(all1))
	}
	if got := changesAfter(t, s, before); len(got) != 0 {
		t.Errorf("a refused rotation logged %q", got)
	}
}

// activeIDs returns the IDs of the active keys.
func activeIDs(t *testing.T, s *sqlstore.DB) []int64 {
	t.Helper()
	keys, err := s.Keys(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	return ids
}

// TestRotateKeysConflict: two rotations made from the same view of the
// keys — the second fails with ErrKeysChanged and writes nothing — and, at
// once from two goroutines, exactly one of them wins each round.
func TestRotateKeysConflict(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			first, err := s.RotateKeys(ctx, nil, []store.Key{{Role: store.KeySAST, Cert: []byte("s1"), Sealed: []byte("x")}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			seen := []int64{first[0].ID}
			add := []store.Key{{Role: store.KeySAST, Cert: []byte("s2"), Sealed: []byte("x")}}
			if _, err := s.RotateKeys(ctx, seen, add, nil); err != nil {
				t.Fatal(err)
			}
			before, keys0 := lastChange(t, s), activeIDs(t, s)
			if _, err := s.RotateKeys(ctx, seen, add, seen); !errors.Is(err, store.ErrKeysChanged) {
				t.Errorf("the second rotation from keys %v: %v, want ErrKeysChanged", seen, err)
			}
			if _, err := s.RotateKeys(ctx, nil, add, nil); !errors.Is(err, store.ErrKeysChanged) {
				t.Errorf("an Init over keys: %v, want ErrKeysChanged", err)
			}
			if got := activeIDs(t, s); !slices.Equal(got, keys0) || len(changesAfter(t, s, before)) != 0 {
				t.Errorf("refused rotations wrote: active %v (was %v), changes %q", got, keys0, changesAfter(t, s, before))
			}
			for range 5 {
				checkRacingRotations(t, s)
			}
		})
	}
}

// checkRacingRotations runs two rotations from the same view at once:
// one succeeds, the other fails with ErrKeysChanged, and one key more is
// active.
func checkRacingRotations(t *testing.T, s *sqlstore.DB) {
	t.Helper()
	seen := activeIDs(t, s)
	errs := make(chan error, 2)
	for i := range 2 {
		go func() {
			add := []store.Key{{Role: store.KeyHTTPS, Cert: []byte{byte(i)}, Sealed: []byte("x")}}
			_, err := s.RotateKeys(context.Background(), seen, add, nil)
			errs <- err
		}()
	}
	var won, lost int
	for range 2 {
		switch err := <-errs; {
		case err == nil:
			won++
		case errors.Is(err, store.ErrKeysChanged):
			lost++
		default:
			t.Errorf("a racing rotation: %v", err)
		}
	}
	if got := activeIDs(t, s); won != 1 || lost != 1 || len(got) != len(seen)+1 {
		t.Errorf("racing rotations: %d won, %d lost, active %v from %v", won, lost, got, seen)
	}
}

// TestDeviceCert: a device's certificate is put, replaced, read and
// deleted, each write a change of the device; an unknown device or a
// device without one is ErrNotFound; deleting the device deletes its
// certificate.
func TestDeviceCert(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := siteStore(t, b.make(t))
			if _, err := s.DeviceCert(ctx, keysDevice); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("no certificate yet: %v, want ErrNotFound", err)
			}
			if err := s.PutDeviceCert(ctx, "SEP0000DEADBEEF", []byte("der")); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("certificate of an unknown device: %v, want ErrNotFound", err)
			}
			before := lastChange(t, s)
			for _, der := range []string{"der-1", "der-2"} {
				if err := s.PutDeviceCert(ctx, keysDevice, []byte(der)); err != nil {
					t.Fatal(err)
				}
				if got, err := s.DeviceCert(ctx, keysDevice); err != nil || string(got) != der {
					t.Errorf("certificate %q %v, want %q", got, err, der)
				}
			}
			if err := s.DeleteDeviceCert(ctx, keysDevice); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteDeviceCert(ctx, keysDevice); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("deleting again: %v, want ErrNotFound", err)
			}
			want := slices.Repeat([]string{"update device " + keysDevice}, 3)
			if got := changesAfter(t, s, before); !slices.Equal(got, want) {
				t.Errorf("changes %q, want %q", got, want)
			}
			checkCertCascade(t, s)
		})
	}
}

// checkCertCascade: deleting a device deletes its certificate, and the
// certificate's deletion logs no change of its own (the device's deletion
// says it all).
func checkCertCascade(t *testing.T, s *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	if err := s.PutDeviceCert(ctx, keysDevice, []byte("der-3")); err != nil {
		t.Fatal(err)
	}
	before := lastChange(t, s)
	if err := s.Delete(ctx, domain.KindDevice, keysDevice); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeviceCert(ctx, keysDevice); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("certificate of the deleted device: %v, want ErrNotFound", err)
	}
	var n int
	if err := s.SQL().QueryRow("SELECT count(*) FROM device_certs").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d certificates left, %v", n, err)
	}
	got := changesAfter(t, s, before)
	if !slices.Contains(got, "delete device "+keysDevice) || slices.Contains(got, "update device "+keysDevice) {
		t.Errorf("deleting the device logged %q", got)
	}
}

// keysMigrations are, per backend, the migrations folder, goose's dialect
// and the version before the keys' migration.
var keysMigrations = map[string]struct {
	dir     string
	dialect goose.Dialect
	before  int64
}{
	"sqlite":   {"../sqlite/migrations", goose.DialectSQLite3, 6},
	"postgres": {"../postgres/migrations", goose.DialectPostgres, 5},
}

// TestKeysMigrationDownUp: undoing the keys' migration drops its tables
// and leaves the rest (the change log keeps its rows); doing it again gives
// empty tables whose writes are logged as before.
func TestKeysMigrationDownUp(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := siteStore(t, b.make(t))
			if _, err := s.RotateKeys(ctx, nil, []store.Key{{Role: store.KeySAST, Cert: []byte("c"), Sealed: []byte("s")}}, nil); err != nil {
				t.Fatal(err)
			}
			if err := s.PutDeviceCert(ctx, keysDevice, []byte("der")); err != nil {
				t.Fatal(err)
			}
			if err := s.PutServerCert(ctx, keysServer, []byte("der")); err != nil {
				t.Fatal(err)
			}
			m := keysMigrations[b.name]
			p, err := goose.NewProvider(m.dialect, s.SQL(), os.DirFS(m.dir))
			if err != nil {
				t.Fatal(err)
			}
			logged := lastChange(t, s)
			if _, err := p.DownTo(ctx, m.before); err != nil {
				t.Fatal(err)
			}
			for _, tbl := range []string{"signing_keys", "key_rotations", "device_certs", "server_certs"} {
				if _, err := s.SQL().ExecContext(ctx, "SELECT 1 FROM "+tbl); err == nil {
					t.Errorf("%s is still there after down", tbl)
				}
			}
			if got := lastChange(t, s); got != logged {
				t.Errorf("the change log ends at %d after down, %d before", got, logged)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			checkKeysAfterUp(t, s)
		})
	}
}

// checkKeysAfterUp: the tables migrated again are empty and log changes.
func checkKeysAfterUp(t *testing.T, s *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	if keys, err := s.Keys(ctx, true); err != nil || len(keys) != 0 {
		t.Errorf("keys after down and up: %v %v", keyIDs(keys), err)
	}
	if _, err := s.DeviceCert(ctx, keysDevice); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("certificate after down and up: %v", err)
	}
	before := lastChange(t, s)
	if _, err := s.RotateKeys(ctx, nil, []store.Key{{Role: store.KeyTFTP, Cert: []byte("c"), Sealed: []byte("s")}}, nil); err != nil {
		t.Fatal(err)
	}
	if certs, err := s.ServerCerts(ctx); err != nil || len(certs) != 0 {
		t.Errorf("server certificates after down and up: %d, %v", len(certs), err)
	}
	if err := s.PutDeviceCert(ctx, keysDevice, []byte("der")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutServerCert(ctx, keysServer, []byte("der")); err != nil {
		t.Fatal(err)
	}
	want := []string{"update keys ", "update device " + keysDevice, "update server " + keysServer}
	if got := changesAfter(t, s, before); !slices.Equal(got, want) {
		t.Errorf("changes after down and up: %q, want %q", got, want)
	}
}

// TestServerCert: a call-control server's certificate is put, replaced,
// listed and deleted, each write a change of the server; an unknown
// server, an empty certificate, or deleting one the server has not, fail;
// deleting the server deletes its certificate, renaming it carries it.
func TestServerCert(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := siteStore(t, b.make(t))
			if certs, err := s.ServerCerts(ctx); err != nil || len(certs) != 0 {
				t.Errorf("no certificates yet: %d, %v", len(certs), err)
			}
			if err := s.PutServerCert(ctx, "nope", []byte("der")); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("certificate of an unknown server: %v, want ErrNotFound", err)
			}
			if err := s.PutServerCert(ctx, keysServer, nil); !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("an empty certificate: %v, want ErrInvalid", err)
			}
			if err := s.DeleteServerCert(ctx, keysServer); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("deleting a certificate the server has not: %v, want ErrNotFound", err)
			}
			before := lastChange(t, s)
			for _, w := range []struct{ server, der string }{{keysServer, "der-1"}, {"cm2", "der-2"}, {keysServer, "der-3"}} {
				if err := s.PutServerCert(ctx, w.server, []byte(w.der)); err != nil {
					t.Fatal(err)
				}
			}
			checkServerCerts(t, s, map[string]string{keysServer: "der-3", "cm2": "der-2"})
			if err := s.DeleteServerCert(ctx, "cm2"); err != nil {
				t.Fatal(err)
			}
			checkServerCerts(t, s, map[string]string{keysServer: "der-3"})
			want := []string{"update server " + keysServer, "update server cm2", "update server " + keysServer, "update server cm2"}
			if got := changesAfter(t, s, before); !slices.Equal(got, want) {
				t.Errorf("changes %q, want %q", got, want)
			}
			checkServerCertCascade(t, s)
		})
	}
}

// checkServerCerts checks that ServerCerts holds exactly want.
func checkServerCerts(t *testing.T, s *sqlstore.DB, want map[string]string) {
	t.Helper()
	certs, err := s.ServerCerts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for k, v := range certs {
		got[k] = string(v)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("server certificates %v, want %v", got, want)
	}
}

// checkServerCertCascade: renaming a server (plain SQL) carries its
// certificate, logged as a change of the new name; deleting it deletes
// the certificate with no change of its own.
func checkServerCertCascade(t *testing.T, s *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Put(ctx, &domain.Server{Name: "cm9", Host: "192.0.2.29"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutServerCert(ctx, "cm9", []byte("der-9")); err != nil {
		t.Fatal(err)
	}
	before := lastChange(t, s)
	if _, err := s.SQL().ExecContext(ctx, "UPDATE servers SET name = 'cm9b' WHERE name = 'cm9'"); err != nil {
		t.Fatal(err)
	}
	checkServerCerts(t, s, map[string]string{keysServer: "der-3", "cm9b": "der-9"})
	if got := changesAfter(t, s, before); !slices.Contains(got, "update server cm9b") || !slices.Contains(got, "delete server cm9") {
		t.Errorf("renaming the server logged %q", got)
	}
	before = lastChange(t, s)
	if err := s.Delete(ctx, domain.KindServer, "cm9b"); err != nil {
		t.Fatal(err)
	}
	checkServerCerts(t, s, map[string]string{keysServer: "der-3"})
	if got := changesAfter(t, s, before); !slices.Equal(got, []string{"delete server cm9b"}) {
		t.Errorf("deleting the server logged %q, want only its deletion", got)
	}
}
