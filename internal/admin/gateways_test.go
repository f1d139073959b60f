package admin

import (
	"context"
	"strings"
	"testing"

	"cmtftp/internal/domain"
)

// TestGatewayConfig: GET /api/v1/gateways/{name}/config gives the gateway
// with its model, group, servers, pool and lines, by its name or an ATA
// 190's port-2 name; an unknown name is a 404.
func TestGatewayConfig(t *testing.T) {
	c, _, srv := newAPI(t, "")
	ctx := context.Background()
	if _, err := c.Apply(ctx, domain.DemoSite()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ ask, name, model, line string }{
		{"SKIGW00DE0000A1", "SKIGW00DE0000A1", "VG224", "4201"},
		{"ATA0000DE0000B1", "ATA0000DE0000B1", "ATA190", "4301"},
		{domain.ATAPort2Name("0000DE0000B1"), "ATA0000DE0000B1", "ATA190", "4301"},
		{"isr4321.demo.example", "isr4321.demo.example", "ISR4321", "4401"},
	} {
		g, err := c.GatewayConfig(ctx, tc.ask)
		if err != nil {
			t.Fatalf("%s: %v", tc.ask, err)
		}
		if g.Gateway.Name != tc.name || g.Model.Name != tc.model || g.Group.Name != "Demo-Group" || len(g.Servers) == 0 ||
			g.Pool == nil || len(g.Endpoints) == 0 || g.Endpoints[0].Line.Number != tc.line || len(g.Units) == 0 {
			t.Errorf("%s: %+v", tc.ask, g)
		}
	}
	_, err := c.GatewayConfig(ctx, "SKIGW0000000000")
	apiErr(t, err, 404, CodeNotFound)
	if status, body := call(t, "GET", srv.URL+"/api/v1/gateways/nosuch.example/config", ""); status != 404 || !strings.Contains(body, `"not_found"`) {
		t.Errorf("unknown gateway: %d %s", status, body)
	}
}

// TestGatewayBodies: a gateway body that is malformed, has an unknown
// field or is too long is refused with the error other kinds get.
func TestGatewayBodies(t *testing.T) {
	_, _, srv := newAPI(t, "")
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		msg                      string
	}{
		{"malformed", "POST", "/api/v1/gateways", `{"name": "gw1.example", "endpoints": [{"port": "x"}]}`, 400, "request body: json: cannot unmarshal"},
		{"unknown field", "POST", "/api/v1/gateways", `{"name": "gw1.example", "slots": 3}`, 400, `unknown field \"slots\"`},
		{"cut off", "PUT", "/api/v1/gateways/gw1.example", `{"name": "gw1.example", "units": [`, 400, "request body"},
		{"a bad port", "POST", "/api/v1/gateways", `{"name": "gw1.example", "model": "ISR4321", "group": "G", "endpoints": [{"unit": 12, "line": "4001"}]}`, 422, "out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, tc.method, srv.URL+tc.path, tc.body)
			if status != tc.status || !strings.Contains(body, tc.msg) {
				t.Errorf("%d %s, want %d with %q", status, body, tc.status, tc.msg)
			}
		})
	}
	body, n := bigBody(`{"name":"gw1.example","description":"`, "aaaaaaaa", `"}`, 100<<10)
	if status, e := rawPost(t, srv.Listener.Addr().String(), "POST /api/v1/gateways", body, n); status != 413 || !strings.Contains(e.Message, "more than 65536 bytes") {
		t.Errorf("oversized gateway: %d %+v", status, e)
	}
}
