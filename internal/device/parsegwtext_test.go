package device

import (
	"cmtftp/internal/domain"
	"testing"
)

// TestCnfPortLineNumbers: a gateway .cnf's portN line takes every
// directory number the domain takes (review 17 #11), and nothing it
// refuses.
func TestCnfPortLineNumbers(t *testing.T) {
	for number, ok := range map[string]bool{
		"4001": true, "4001A": true, "a.b@c": true, "*55#": true, "+14155550100": true, "x_y-z": true,
		`"Ann`: false, "-1": false, ".5": false, "4001<": false,
	} {
		if domain.LineNumberOK(number) != ok {
			t.Fatalf("the domain's rule changed for %q: update the table", number)
		}
		g, err := parseCnfGateway([]byte("port1: "+number+` "Lobby Fax"`+"\n"), domain.ProtocolSCCP)
		switch {
		case ok && (err != nil || len(g.ports) != 1 || g.ports[0].Line != number || g.ports[0].DisplayName != "Lobby Fax"):
			t.Errorf("%q: %+v, %v; want the port read", number, g.ports, err)
		case !ok && err == nil:
			t.Errorf("%q: read as %+v, want an error", number, g.ports)
		}
	}
}
