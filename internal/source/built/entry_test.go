package built

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/source"
)

// TestAllocSize: allocSize is what the runtime gives a byte slice of n
// bytes (append rounds its capacity up to the allocation's size).
func TestAllocSize(t *testing.T) {
	for n := int64(17); n <= 40000; n++ { // below 17, the tiny allocator
		if n > 4096 && n%8 > 1 { // past 4 KiB every edge is a multiple of 8: its neighbours tell
			continue
		}
		if got, want := allocSize(n), int64(cap(append([]byte(nil), make([]byte, n)...))); got != want {
			t.Fatalf("allocSize(%d) = %d, the runtime gives %d", n, got, want)
		}
	}
}

// TestKeptFields: a kept file's fields read back as stored, and its deps
// decode to the ones it was built from (own and shared), keys in the
// file's name included.
func TestKeptFields(t *testing.T) {
	name := "SEP00112233AABB.cnf.xml"
	dep := func(k domain.Kind, key string) render.Dep { return render.Dep{Kind: k, Key: key} }
	deps := []render.Dep{dep(domain.KindDevice, "SEP00112233AABB"), dep(domain.KindModel, "8841"),
		dep(domain.KindLogin, "SEP00112233AABB"), dep(domain.KindLine, "4001"), dep(domain.KindLine, ""),
		dep(domain.KindEnterprise, render.AnyKey), dep("newkind", "x"), dep(domain.KindProfile, string(make([]byte, 300)))}
	mod := time.Unix(1700000000, 123456789)
	f := source.NewMemory([]byte("<device/>"), mod)
	for _, z := range [][]byte{nil, []byte("zz")} {
		k, ok := newKept(name, f, deps, z, &codec{})
		if !ok {
			t.Fatal("not kept")
		}
		if k.name() != name || k.size() != 9 || !k.mod().Equal(mod) || k.z() != string(z) || (k.f != nil) != (z == nil) {
			t.Errorf("kept %q: name %q size %d mod %v z %q f %v", z, k.name(), k.size(), k.mod(), k.z(), k.f)
		}
		var got []render.Dep
		for _, enc := range []string{k.own(), k.shared.Value()} {
			for enc != "" {
				var d render.Dep
				d, enc = nextDep(enc, name)
				got = append(got, d)
			}
		}
		slices.SortFunc(got, cmpDep)
		want := slices.SortedFunc(slices.Values(deps), cmpDep)
		if !slices.Equal(got, want) {
			t.Errorf("deps %v, want %v", got, want)
		}
	}
	if _, ok := newKept(string(make([]byte, 70000)), f, deps, nil, nil); ok {
		t.Error("a name too long for the entry was kept")
	}
}

func cmpDep(a, b render.Dep) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Key, b.Key))
}
