package doctor

import (
	"context"
	"fmt"
	"strings"

	"cmtftp/internal/domain"
)

// checkRemotes checks a master's remote clusters (centralized TFTP): each
// enabled cluster's servers answer, and auto-registration is off on the
// master, as the chapter says.
func checkRemotes(ctx context.Context, c Config, site *domain.Site, r *Report) {
	if len(site.RemoteClusters) == 0 {
		return
	}
	for _, p := range site.Enterprise {
		if p.Name == domain.ParamAutoRegistration && strings.EqualFold(p.Value, "true") {
			r.add(Warn, "remote clusters", "auto-registration is on on a master: devices of other clusters may get its XMLDefault.cnf.xml",
				"cmtftp param set "+domain.ParamAutoRegistration+" false")
		}
	}
	status, err := c.Admin.RemoteStatus(ctx)
	if err != nil {
		r.add(Warn, "remote clusters", "status unreadable: "+err.Error(), "")
		return
	}
	var down []string
	servers := 0
	for _, cs := range status {
		if !cs.Enabled {
			continue
		}
		for _, s := range cs.Servers {
			servers++
			if !s.Up {
				down = append(down, fmt.Sprintf("%s %s (%s)", cs.Cluster, s.Server, s.LastError))
			}
		}
	}
	if len(down) > 0 {
		r.add(Fail, "remote clusters", "down: "+strings.Join(down, "; "),
			"check that each server's HTTP port (6970) answers from this host, and that this host is in its --provisioning-nets")
		return
	}
	r.add(OK, "remote clusters", fmt.Sprintf("%d servers of %d clusters up", servers, len(status)), "")
}
