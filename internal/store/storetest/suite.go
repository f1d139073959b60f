package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// Opener opens a new, empty store for one test.
type Opener func(t *testing.T) store.Store

// sqlHandle is implemented by the SQL backends; the suite uses it to write
// with plain SQL, as an admin in psql or sqlite3 would.
type sqlHandle interface{ SQL() *sql.DB }

// Run runs the whole suite against stores from open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		f    func(*testing.T, store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"PutUnchanged", testPutUnchanged},
		{"CreateExists", testCreateExists},
		{"Constraints", testConstraints},
		{"DeleteInUse", testDeleteInUse},
		{"DeleteCascades", testDeleteCascades},
		{"ApplyAtomic", testApplyAtomic},
		{"ApplyIdempotent", testApplyIdempotent},
		{"BuiltinModels", testBuiltinModels},
		{"DeviceConfig", testDeviceConfig},
		{"DeviceConfigJoins", testDeviceConfigJoins},
		{"ChangeFeed", testChangeFeed},
		{"ChangeFeedPlainSQL", testChangeFeedPlainSQL},
		{"ChangeFeedResume", testChangeFeedResume},
		{"ConcurrentWriters", testConcurrentWriters},
		{"RemoteClusters", testRemoteClusters},
		{"Each", testEach},
		{"GatewayCRUD", testGatewayCRUD},
		{"GatewayApply", testGatewayApply},
		{"GatewayConfig", testGatewayConfig},
		{"GatewayInvalid", testGatewayInvalid},
		{"GatewayDevice", testGatewayDevice},
		{"GatewayInUse", testGatewayInUse},
		{"GatewayFeed", testGatewayFeed},
		{"GatewayMAC", testGatewayMAC},
		{"GatewayPort2", testGatewayPort2},
		{"GatewayConfigMissing", testGatewayConfigMissing},
		{"SearchPaging", testSearchPaging},
		{"SearchText", testSearchText},
		{"SearchLimit", testSearchLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.f(t, open(t)) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func apply(t *testing.T, s store.Store) {
	t.Helper()
	if _, err := s.Apply(ctx(t), Site()); err != nil {
		t.Fatalf("apply fixture: %v", err)
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	site := Site()
	res, err := s.Apply(ctx(t), site)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(site.Entities()); res.Created != want || res.Updated != 0 {
		t.Fatalf("apply = %+v, want %d created", res, want)
	}
	// Every record reads back as written (after normalisation).
	for _, e := range site.Entities() {
		got, err := s.Get(ctx(t), e.Kind(), e.Key())
		if err != nil {
			t.Fatalf("get %s %q: %v", e.Kind(), e.Key(), err)
		}
		if !sameJSON(got, e) {
			t.Errorf("%s %q:\n got  %s\n want %s", e.Kind(), e.Key(), js(got), js(e))
		}
	}
	// MACs were normalised; names derived.
	d, err := store.Get[*domain.Device](ctx(t), s, "SEP001122AABB01")
	if err != nil || d.MAC != "001122AABB01" || d.SecurityMode != domain.SecurityNonSecure {
		t.Fatalf("device from MAC: %+v, %v", d, err)
	}
	if d, err := store.Get[*domain.Device](ctx(t), s, "SEP001122AABB03"); err != nil || d.Protocol != "SIP" {
		t.Fatalf("device from Cisco-dotted MAC: %+v %v", d, err)
	}
	// Lists are ordered by key and carry child lists.
	devs, err := store.List[*domain.Device](ctx(t), s)
	if err != nil || len(devs) != 3 {
		t.Fatalf("list devices: %d, %v", len(devs), err)
	}
	for i := 1; i < len(devs); i++ {
		if devs[i-1].Name >= devs[i].Name {
			t.Errorf("devices not ordered: %q before %q", devs[i-1].Name, devs[i].Name)
		}
	}
	if devs[1].Name != "SEP001122AABB02" || len(devs[1].Lines) != 2 || devs[1].Lines[1].Line != "4100" {
		t.Errorf("listed device lines: %+v", devs[1])
	}
	g, _ := store.Get[*domain.Group](ctx(t), s, "G1")
	if len(g.Servers) != 2 || g.Servers[0] != "cm2" || g.Servers[1] != "cm1" {
		t.Errorf("group order lost: %v", g.Servers)
	}
	files, err := store.List[*domain.CustomFile](ctx(t), s)
	if err != nil || len(files) != 1 || files[0].Data != nil || files[0].Size != 24 || len(files[0].SHA256) != 64 {
		t.Errorf("file listing: %+v %v", files, err)
	}
	f, err := store.Get[*domain.CustomFile](ctx(t), s, "Desktops/320x212x12/List.xml")
	if err != nil || string(f.Data) != "<CiscoIPPhoneImageList/>" {
		t.Errorf("file data: %+v %v", f, err)
	}
	p, err := s.Get(ctx(t), domain.KindService, "BuildCNFFiles")
	if err != nil || p.(*domain.Param).Value != domain.BuildAll {
		t.Errorf("param normalised: %+v %v", p, err)
	}
	if _, err := s.Get(ctx(t), domain.KindDevice, "SEP000000000000"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("missing device: %v, want ErrNotFound", err)
	}
}

func testPutUnchanged(t *testing.T, s store.Store) {
	apply(t, s)
	last, _ := s.LastChange(ctx(t))
	d, _ := store.Get[*domain.Device](ctx(t), s, "SEP001122AABB02")
	changed, err := s.Put(ctx(t), d)
	if err != nil || changed {
		t.Fatalf("put same device: changed=%v err=%v", changed, err)
	}
	if now, _ := s.LastChange(ctx(t)); now != last {
		t.Fatalf("an unchanged put wrote change events %d..%d", last, now)
	}
	d.Description = "lobby"
	if changed, err := s.Put(ctx(t), d); err != nil || !changed {
		t.Fatalf("put changed device: changed=%v err=%v", changed, err)
	}
	d.Lines = d.Lines[:1]
	if changed, err := s.Put(ctx(t), d); err != nil || !changed {
		t.Fatalf("put with fewer lines: changed=%v err=%v", changed, err)
	}
	got, _ := store.Get[*domain.Device](ctx(t), s, d.Name)
	if got.Description != "lobby" || len(got.Lines) != 1 {
		t.Fatalf("device after updates: %+v", got)
	}
}

func testCreateExists(t *testing.T, s store.Store) {
	apply(t, s)
	err := s.Create(ctx(t), &domain.Line{Number: "4001"})
	if !errors.Is(err, domain.ErrExists) {
		t.Fatalf("create duplicate line: %v, want ErrExists", err)
	}
	// Same MAC under a different spelling is the same device.
	err = s.Create(ctx(t), &domain.Device{MAC: "00-11-22-AA-BB-01", Model: "7961", Pool: "HQ"})
	if !errors.Is(err, domain.ErrExists) {
		t.Fatalf("create duplicate device: %v, want ErrExists", err)
	}
}

func fieldErr(t *testing.T, err error, sentinel error, field string) {
	t.Helper()
	var fe *domain.FieldError
	if !errors.Is(err, sentinel) || !errors.As(err, &fe) || fe.Field != field {
		t.Errorf("error %v: want %v on field %q", err, sentinel, field)
	}
}

func testConstraints(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	put := func(e domain.Entity) error { _, err := s.Put(c, e); return err }

	s.Put(c, &domain.Server{Name: "cm4", Host: "192.0.2.24"})
	fieldErr(t, put(&domain.Group{Name: "G1", Servers: []string{"cm1", "cm2", "cm3", "cm4"}}), domain.ErrInvalid, "servers")
	fieldErr(t, put(&domain.Group{Name: "G2", Servers: []string{"cm1", "nope"}}), domain.ErrNotFound, "servers")
	fieldErr(t, put(&domain.Group{Name: "G2", Servers: []string{"cm1", "cm1"}}), domain.ErrInvalid, "servers")
	fieldErr(t, put(&domain.Server{Name: "bad", Host: "not a host!"}), domain.ErrInvalid, "host")
	fieldErr(t, put(&domain.Pool{Name: "P2", Group: "missing"}), domain.ErrNotFound, "group")
	for _, mac := range []string{"00112233445", "0011223344GG", "00:11:22:33:44", "001122334455667"} {
		fieldErr(t, put(&domain.Device{MAC: mac, Model: "7961", Pool: "HQ"}), domain.ErrInvalid, "mac")
	}
	fieldErr(t, put(&domain.Device{Name: "SEPXYZ", Model: "7961", Pool: "HQ"}), domain.ErrInvalid, "name")
	fieldErr(t, put(&domain.Device{MAC: "0011223344FF", Model: "9999", Pool: "HQ"}), domain.ErrNotFound, "model")
	fieldErr(t, put(&domain.Device{MAC: "0011223344FF", Model: "7961", Pool: "nowhere"}), domain.ErrNotFound, "pool")
	fieldErr(t, put(&domain.Device{MAC: "0011223344FF", Model: "8841", Protocol: "SCCP", Pool: "HQ"}), domain.ErrInvalid, "protocol")
	fieldErr(t, put(&domain.Device{MAC: "0011223344FF", Model: "7961", Protocol: "SIP", Pool: "HQ", DialPlan: "dp7940"}), domain.ErrInvalid, "dialPlan")
	// A 7940 running SIP gets SIP<MAC>.cnf, which has no signed or encrypted form.
	fieldErr(t, put(&domain.Device{MAC: "0011223344FF", Model: "7940", Protocol: "SIP", Pool: "HQ", SecurityMode: domain.SecurityEncrypted}), domain.ErrInvalid, "securityMode")
	fieldErr(t, put(&domain.Device{MAC: "0011223344FF", Model: "7911", Pool: "HQ",
		Lines: []domain.Appearance{{Button: 1, Line: "4001"}, {Button: 2, Line: "4002"}}}), domain.ErrInvalid, "lines")
	fieldErr(t, put(&domain.Device{MAC: "0011223344FF", Model: "7961", Pool: "HQ", Lines: []domain.Appearance{{Button: 1, Line: "9999"}}}), domain.ErrNotFound, "lines")
	fieldErr(t, put(&domain.Device{Name: "SEP0011223344FF", MAC: "0011223344FE", Model: "7961", Pool: "HQ"}), domain.ErrInvalid, "mac")
	fieldErr(t, put(&domain.Line{Number: "40 01"}), domain.ErrInvalid, "number")
	fieldErr(t, put(&domain.Line{Number: "4003", DisplayName: "a\nb"}), domain.ErrInvalid, "displayName")
	fieldErr(t, put(&domain.DialPlan{Name: "../x", Family: "79x1"}), domain.ErrInvalid, "name")
	fieldErr(t, put(&domain.SoftkeyTemplate{Name: "S2", Sets: []domain.SoftkeySet{{State: "On Hook", Keys: []string{"Explode"}}}}), domain.ErrInvalid, "sets[0].keys")
	fieldErr(t, put(&domain.Login{Device: "SEP001122AABB01", Profile: "ghost"}), domain.ErrNotFound, "profile")
	fieldErr(t, put(&domain.Param{Scope: domain.KindService, Name: "MaxServingCount", Value: "lots"}), domain.ErrInvalid, "value")
	fieldErr(t, put(&domain.Param{Scope: domain.KindService, Name: "NoSuchParam", Value: "1"}), domain.ErrInvalid, "name")
	fieldErr(t, put(&domain.CustomFile{Name: "../etc/passwd", Data: []byte("x")}), domain.ErrInvalid, "name")
	// A MAC already used by another device.
	err := put(&domain.Device{Name: "SEP001122AABB01", MAC: "001122AABB01", Model: "7961", Pool: "HQ"})
	if err != nil {
		t.Errorf("re-put existing device: %v", err)
	}
	// Nothing above was written.
	if _, err := s.Get(c, domain.KindGroup, "G2"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("invalid group was written: %v", err)
	}
	if _, err := s.Get(c, domain.KindDevice, "SEP0011223344FF"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("invalid device was written: %v", err)
	}
}

func testDeleteInUse(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	for _, tc := range []struct {
		k   domain.Kind
		key string
	}{{domain.KindServer, "cm1"}, {domain.KindGroup, "G1"}, {domain.KindPool, "HQ"}, {domain.KindLine, "4100"},
		{domain.KindDialPlan, "dp79x1"}, {domain.KindSoftkey, "Standard"}, {domain.KindSIPProfile, "Standard SIP"}} {
		if err := s.Delete(c, tc.k, tc.key); !errors.Is(err, domain.ErrInUse) {
			t.Errorf("delete %s %q: %v, want ErrInUse", tc.k, tc.key, err)
		}
	}
	if err := s.Delete(c, domain.KindServer, "cm3"); err != nil {
		t.Errorf("delete unused server: %v", err)
	}
	if err := s.Delete(c, domain.KindServer, "cm3"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("delete twice: %v, want ErrNotFound", err)
	}
}

func testDeleteCascades(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	if err := s.Delete(c, domain.KindDevice, "SEP001122AABB02"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(c, domain.KindLogin, "SEP001122AABB02"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("login survived its device: %v", err)
	}
	// Its lines are no longer in use by it; 4002 is free now.
	if err := s.Delete(c, domain.KindLine, "4002"); err != nil {
		t.Errorf("delete line freed by device delete: %v", err)
	}
	if err := s.Delete(c, domain.KindService, "BuildCNFFiles"); err != nil {
		t.Errorf("reset parameter: %v", err)
	}
}

func testApplyAtomic(t *testing.T, s store.Store) {
	c := ctx(t)
	site := Site()
	site.Devices = append(site.Devices, &domain.Device{MAC: "00112233445Z", Model: "7961", Pool: "HQ"})
	before, _ := s.LastChange(c)
	_, err := s.Apply(c, site)
	var fe *domain.FieldError
	if !errors.As(err, &fe) || fe.Kind != domain.KindDevice || fe.Field != "mac" {
		t.Fatalf("apply with a bad device: %v, want a field error on device mac", err)
	}
	for _, k := range domain.Kinds() {
		es, err := s.List(c, k)
		if err != nil {
			t.Fatal(err)
		}
		if k != domain.KindModel && len(es) != 0 {
			t.Errorf("%d %s records written by a failed apply", len(es), k)
		}
	}
	if after, _ := s.LastChange(c); after != before {
		t.Errorf("failed apply left change events %d..%d", before, after)
	}
}

func testApplyIdempotent(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	last, _ := s.LastChange(c)
	res, err := s.Apply(c, Site())
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 0 || res.Updated != 0 || res.Unchanged != len(Site().Entities()) {
		t.Errorf("second apply = %+v, want all unchanged", res)
	}
	if now, _ := s.LastChange(c); now != last {
		t.Errorf("second apply wrote change events %d..%d", last, now)
	}
}

func testBuiltinModels(t *testing.T, s store.Store) {
	c := ctx(t)
	models, err := store.List[*domain.Model](c, s)
	if err != nil || len(models) != len(domain.Catalogue()) {
		t.Fatalf("catalogue: %d models, %v; want %d", len(models), err, len(domain.Catalogue()))
	}
	m, err := store.Get[*domain.Model](c, s, "12SP+")
	if err != nil || !m.Builtin || !m.BuildSelective || m.TypeID != 2 {
		t.Fatalf("12SP+: %+v %v", m, err)
	}
	m.MaxLines = 2
	if _, err := s.Put(c, m); !errors.Is(err, domain.ErrReadOnly) {
		t.Errorf("changing a built-in model: %v, want ErrReadOnly", err)
	}
	if err := s.Delete(c, domain.KindModel, "7961"); !errors.Is(err, domain.ErrReadOnly) {
		t.Errorf("deleting a built-in model: %v, want ErrReadOnly", err)
	}
	custom := &domain.Model{Name: "8865NR", TypeID: 36225, Protocols: []string{"SIP"}, XMLConfig: true,
		SIPFiles: []string{"cnf.xml", "dr", "sk"}, DialFamily: "79x1", SIPLoad: "sip8845_65.14-2-1", MaxLines: 10}
	if err := s.Create(c, custom); err != nil {
		t.Fatalf("admin model: %v", err)
	}
	if got, _ := store.Get[*domain.Model](c, s, "8865NR"); got == nil || got.Builtin {
		t.Errorf("admin model read back as %+v", got)
	}
}

func testDeviceConfig(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	cfg, err := s.DeviceConfig(c, "SEP001122AABB02")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Model.TypeID != 30006 || cfg.Pool.Name != "HQ" || cfg.Group.Name != "G1" || len(cfg.Servers) != 2 ||
		cfg.Servers[0].Name != "cm2" || cfg.SIPProfile == nil || cfg.Softkey == nil || cfg.Params["BuildCNFFiles"] != domain.BuildAll {
		t.Fatalf("config: %+v", cfg)
	}
	// Logged in: the profile's lines and dial plan.
	if cfg.Login == nil || cfg.Profile == nil || len(cfg.Lines) != 1 || cfg.Lines[0].Line.Number != "4100" || cfg.DialPlan.Name != "dp79x1" {
		t.Fatalf("logged-in config: lines %+v plan %+v", cfg.Lines, cfg.DialPlan)
	}
	if err := s.Delete(c, domain.KindLogin, "SEP001122AABB02"); err != nil {
		t.Fatal(err)
	}
	cfg, err = s.DeviceConfig(c, "SEP001122AABB02")
	if err != nil || cfg.Login != nil || len(cfg.Lines) != 2 || cfg.Lines[0].Line.Number != "4002" || cfg.Lines[0].Line.MaxCalls != 4 {
		t.Fatalf("logged-out config: %+v %v", cfg.Lines, err)
	}
	if _, err := s.DeviceConfig(c, "SEP0000000000AA"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("config of a missing device: %v", err)
	}
}

// testDeviceConfigJoins: the login-override join exists twice, in SQL
// (the store's DeviceConfig) and in Go (domain.Index, for cmtftp build);
// both give the same DeviceConfig for every device, logged in or not.
func testDeviceConfigJoins(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	site, err := store.LoadSite(c, s)
	if err != nil {
		t.Fatal(err)
	}
	x := domain.NewIndex(site)
	loggedIn := 0
	for _, name := range x.Devices() {
		fromSQL, err := s.DeviceConfig(c, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fromIndex, err := x.DeviceConfig(name)
		if err != nil {
			t.Fatalf("%s from the index: %v", name, err)
		}
		if fromSQL.Login != nil {
			loggedIn++
		}
		if !reflect.DeepEqual(fromSQL, fromIndex) {
			t.Errorf("%s: the two joins differ:\nSQL   %+v\nindex %+v", name, fromSQL, fromIndex)
		}
	}
	if loggedIn == 0 || len(x.Devices()) < 3 {
		t.Fatalf("%d devices, %d logged in: the fixture lost its login", len(x.Devices()), loggedIn)
	}
}

// collect reads events until n arrive or the timeout passes.
func collect(t *testing.T, ch <-chan store.Change, n int, timeout time.Duration) []store.Change {
	t.Helper()
	var got []store.Change
	deadline := time.After(timeout)
	for len(got) < n {
		select {
		case c, ok := <-ch:
			if !ok {
				t.Fatalf("change feed closed after %v", got)
			}
			got = append(got, c)
		case <-deadline:
			t.Fatalf("got %d of %d change events in %v: %v", len(got), n, timeout, got)
		}
	}
	return got
}

func has(cs []store.Change, k domain.Kind, key string, op store.Op) bool {
	for _, c := range cs {
		if c.Kind == k && c.Key == key && c.Op == op {
			return true
		}
	}
	return false
}

// feedStep is one write of testChangeFeed and the event it must cause.
type feedStep struct {
	do   func() error
	kind domain.Kind
	key  string
	op   store.Op
}

func testChangeFeed(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	last, err := s.LastChange(c)
	if err != nil || last == 0 {
		t.Fatalf("last change after apply: %d %v", last, err)
	}
	ch, err := s.Changes(c, last)
	if err != nil {
		t.Fatal(err)
	}
	prev := last
	for i, st := range feedSteps(c, s) {
		if err := st.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got := collect(t, ch, 1, 5*time.Second)
		// A step may write more than one event (a row and its child rows);
		// read what else arrives promptly.
	more:
		for {
			select {
			case c := <-ch:
				got = append(got, c)
			case <-time.After(50 * time.Millisecond):
				break more
			}
		}
		if !has(got, st.kind, st.key, st.op) {
			t.Errorf("step %d: events %v, want %s %s %q", i, got, st.op, st.kind, st.key)
		}
		for _, c := range got {
			if c.ID <= prev {
				t.Errorf("step %d: event IDs not increasing: %d after %d", i, c.ID, prev)
			}
			prev = c.ID
			if c.At.IsZero() || time.Since(c.At) > time.Minute {
				t.Errorf("event time %v", c.At)
			}
		}
	}
}

// feedSteps are the writes testChangeFeed makes, one of each kind of
// change, with the event each must cause.
func feedSteps(c context.Context, s store.Store) []feedStep {
	put := func(e domain.Entity) error { _, err := s.Put(c, e); return err }
	return []feedStep{
		{func() error {
			l, _ := store.Get[*domain.Line](c, s, "4100")
			l.DisplayName = "Front desk"
			return put(l)
		}, domain.KindLine, "4100", store.OpUpdate},
		{func() error {
			d, _ := store.Get[*domain.Device](c, s, "SEP001122AABB01")
			d.Lines = append(d.Lines, domain.Appearance{Button: 3, Line: "4002"})
			return put(d)
		}, domain.KindDevice, "SEP001122AABB01", store.OpUpdate},
		{func() error { return s.Create(c, &domain.Login{Device: "SEP001122AABB01", Profile: "ada-em"}) }, domain.KindLogin, "SEP001122AABB01", store.OpInsert},
		{func() error { return s.Delete(c, domain.KindLogin, "SEP001122AABB01") }, domain.KindLogin, "SEP001122AABB01", store.OpDelete},
		{func() error {
			return put(&domain.Param{Scope: domain.KindService, Name: "BuildCNFFiles", Value: "Build None"})
		}, domain.KindService, "BuildCNFFiles", store.OpUpdate},
		{func() error {
			return put(&domain.Param{Scope: domain.KindEnterprise, Name: "directoryURL", Value: "http://192.0.2.30/dir"})
		}, domain.KindEnterprise, "directoryURL", store.OpInsert},
		{func() error {
			g, _ := store.Get[*domain.Group](c, s, "G1")
			g.Servers = []string{"cm1", "cm2", "cm3"}
			return put(g)
		}, domain.KindGroup, "G1", store.OpUpdate},
		{func() error {
			p, _ := store.Get[*domain.DialPlan](c, s, "dp79x1")
			p.Rules = append(p.Rules, domain.DialRule{Pattern: "*", Timeout: 5})
			return put(p)
		}, domain.KindDialPlan, "dp79x1", store.OpUpdate},
		{func() error {
			return put(&domain.CustomFile{Name: "RingList.xml", Data: []byte("<CiscoIPPhoneRingList/>")})
		}, domain.KindFile, "RingList.xml", store.OpInsert},
		{func() error {
			r, _ := store.Get[*domain.RemoteCluster](c, s, "B")
			r.Servers = []string{r.Servers[2], r.Servers[0]} // the servers only
			return put(r)
		}, domain.KindRemote, "B", store.OpUpdate},
		{func() error { return s.Delete(c, domain.KindDevice, "SEP001122AABB03") }, domain.KindDevice, "SEP001122AABB03", store.OpDelete},
	}
}

func testChangeFeedPlainSQL(t *testing.T, s store.Store) {
	h, ok := s.(sqlHandle)
	if !ok {
		t.Fatalf("%T does not expose its SQL handle", s)
	}
	apply(t, s)
	c := ctx(t)
	last, _ := s.LastChange(c)
	ch, err := s.Changes(c, last)
	if err != nil {
		t.Fatal(err)
	}
	// As an admin in psql or sqlite3 would: no cmtftp code on the write path.
	for _, q := range []string{
		"UPDATE lines SET display_name = 'Typed in SQL' WHERE number = '4001'",
		"INSERT INTO lines (number) VALUES ('4999')",
		"DELETE FROM device_lines WHERE device = 'SEP001122AABB01' AND button = 2",
		"UPDATE service_params SET value = 'Build None' WHERE name = 'BuildCNFFiles'",
		"DELETE FROM remote_cluster_servers WHERE cluster = 'B' AND position = 2",
	} {
		if _, err := h.SQL().ExecContext(c, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	got := collect(t, ch, 5, 5*time.Second)
	for _, w := range []struct {
		k   domain.Kind
		key string
		op  store.Op
	}{{domain.KindLine, "4001", store.OpUpdate}, {domain.KindLine, "4999", store.OpInsert},
		{domain.KindDevice, "SEP001122AABB01", store.OpUpdate}, {domain.KindService, "BuildCNFFiles", store.OpUpdate},
		{domain.KindRemote, "B", store.OpUpdate}} {
		if !has(got, w.k, w.key, w.op) {
			t.Errorf("plain SQL: events %v, want %s %s %q", got, w.op, w.k, w.key)
		}
	}
}

func testChangeFeedResume(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	mid, _ := s.LastChange(c)
	for i := 0; i < 3; i++ {
		if _, err := s.Put(c, &domain.Line{Number: fmt.Sprint(5000 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	// A reader that was away catches up from where it stopped: nothing lost.
	ch, err := s.Changes(c, mid)
	if err != nil {
		t.Fatal(err)
	}
	got := collect(t, ch, 3, 5*time.Second)
	for i := 0; i < 3; i++ {
		if got[i].Kind != domain.KindLine || got[i].Key != fmt.Sprint(5000+i) || got[i].Op != store.OpInsert {
			t.Errorf("resumed event %d = %v", i, got[i])
		}
	}
	// A reader from before the oldest kept event is told to resync.
	if h, ok := s.(sqlHandle); ok {
		if _, err := h.SQL().ExecContext(c, "DELETE FROM changes WHERE id <= "+fmt.Sprint(mid)); err != nil {
			t.Fatal(err)
		}
		ch2, err := s.Changes(c, 1)
		if err != nil {
			t.Fatal(err)
		}
		if first := collect(t, ch2, 1, 5*time.Second)[0]; first.Kind != store.KindResync {
			t.Errorf("reader behind the pruned log got %v first, want resync", first)
		}
	}
}

func testConcurrentWriters(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	last, _ := s.LastChange(c)
	ch, err := s.Changes(c, last)
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				n := fmt.Sprintf("6%02d%03d", w, i)
				if _, err := s.Put(c, &domain.Line{Number: n}); err != nil {
					errs <- err
					continue
				}
				// And every writer edits the same shared record.
				if _, err := s.Put(c, &domain.Line{Number: "4100", DisplayName: n}); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent put: %v", err)
	}
	lines, err := store.List[*domain.Line](c, s)
	if err != nil || len(lines) != 3+writers*each {
		t.Fatalf("lines after concurrent writers: %d, %v", len(lines), err)
	}
	got := collect(t, ch, writers*each, 10*time.Second)
	seen := map[string]bool{}
	var prev int64
	for _, e := range got {
		if e.ID <= prev {
			t.Fatalf("event IDs out of order: %d after %d", e.ID, prev)
		}
		prev = e.ID
		seen[e.Key] = true
	}
	for w := 0; w < writers; w++ {
		for i := 0; i < each; i++ {
			if n := fmt.Sprintf("6%02d%03d", w, i); !seen[n] && len(got) == writers*each {
				// Interleaved 4100 updates may fill the first batch; read the rest.
				got = append(got, collect(t, ch, 1, 5*time.Second)...)
				seen[got[len(got)-1].Key] = true
			}
		}
	}
}
