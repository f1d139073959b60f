package admin

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cmtftp/internal/devicecsv"
	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/storetest"
)

// TestImportGateways: rows of one gateway in two spellings of its name
// arrive as one gateway with both ports; the server's refusal of a later
// gateway (its MAC is a phone's) names that gateway's first CSV line,
// found by the normalized name the server answers with.
func TestImportGateways(t *testing.T) {
	c, st, _ := newAPI(t, "")
	ctx := context.Background()
	if _, err := c.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	site, err := store.LoadSite(ctx, c, domain.KindModel, domain.KindGroup, domain.KindPool)
	if err != nil {
		t.Fatal(err)
	}
	const csv = "GATEWAY NAME,GATEWAY TYPE,PROTOCOL,CALL MANAGER GROUP,PORT,DIRECTORY NUMBER\n" +
		"SKIGW00de0000a1,VG224,SCCP,G1,2/0,4801\n" +
		"SKIGW00DE0000A1,VG224,SCCP,G1,2/1,4802\n" +
		"ata001122aabb02,ATA190,,G1,0/0,4803\n"
	f, errs := devicecsv.ParseGateways(strings.NewReader(csv), site)
	if len(errs) > 0 || len(f.Gateways) != 2 {
		t.Fatalf("parse: %+v %v", f.Gateways, errs)
	}
	res, err := c.ImportGateways(ctx, f, 1, nil)
	var le *LineError
	if !errors.As(err, &le) || le.Line != 4 || !strings.Contains(err.Error(), `device "SEP001122AABB02"`) {
		t.Errorf("import: %v, want the ATA's MAC refused on line 4", err)
	}
	if res.Created == 0 {
		t.Errorf("import: %+v, want the VG224's batch written", res)
	}
	g, err := store.Get[*domain.Gateway](ctx, st, "SKIGW00DE0000A1")
	if err != nil || len(g.Endpoints) != 2 {
		t.Errorf("the VG224: %+v %v, want ports 2/0 and 2/1", g, err)
	}
}
