// Package doctor checks a running cmtftp site the way an admin would
// before the phones arrive, and says what to fix: the ports answer, every
// device in the database boots (the device emulator plays each one against
// the TFTP server), the files its configuration names and the loads it
// would fetch are there, no password goes out over plain TFTP, and — when
// the site's directory is given — the TFTP root and the database are laid
// out safely; on a master, that the remote clusters' servers are up.
package doctor

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"cmtftp/internal/admin"
)

// Severity is how much a finding matters.
type Severity string

// The severities, from harmless to blocking.
const (
	OK   Severity = "ok"   // checked, nothing to do
	Warn Severity = "warn" // works, but should be fixed
	Fail Severity = "fail" // a device will not boot, or the site is exposed
)

// Finding is one result of one check.
type Finding struct {
	Severity Severity `json:"severity"`
	Check    string   `json:"check"`
	Detail   string   `json:"detail"`
	Fix      string   `json:"fix,omitempty"`
}

// Report is everything the doctor found.
type Report struct {
	Findings []Finding `json:"findings"`
	// Devices is how many devices were booted, Configured how many ended
	// configured.
	Devices    int `json:"devices"`
	Configured int `json:"configured"`
	// Gateways is how many gateways were booted, GatewaysConfigured how
	// many ended configured.
	Gateways           int `json:"gateways"`
	GatewaysConfigured int `json:"gatewaysConfigured"`
}

// OK reports whether nothing failed.
func (r *Report) OK() bool {
	for _, f := range r.Findings {
		if f.Severity == Fail {
			return false
		}
	}
	return true
}

func (r *Report) add(s Severity, check, detail, fix string) {
	r.Findings = append(r.Findings, Finding{Severity: s, Check: check, Detail: detail, Fix: fix})
}

// Config says which site to check.
type Config struct {
	// Admin is the site's admin API.
	Admin *admin.Client
	// TFTP is the TFTP server the devices use; HTTPPort its HTTP port
	// (0: 6970; -1: not checked).
	TFTP     netip.AddrPort
	HTTPPort int
	// Root and DB, when set, are the server's TFTP root directory and its
	// SQLite database file, checked on this host.
	Root, DB string
	// DHCPIface, when set, is an interface on a phone network: the doctor
	// runs a phone's DHCP exchange there (DHCPv6 with DHCPv6) and checks
	// the answer leads to TFTP. It needs root and puts the lease on the
	// interface while it runs.
	DHCPIface string
	DHCPv6    bool
	// Concurrency bounds the devices booting at once (default 20);
	// Timeout is the emulated devices' wait for an answer (default 2 s).
	Concurrency int
	Timeout     time.Duration
}

// Run checks the site. The error is for a site it cannot check at all
// (the admin API does not answer); everything else is a finding.
func Run(ctx context.Context, c Config) (_ *Report, err error) {
	r := &Report{}
	// The DHCP exchange first: on a phone network the lease may be this
	// host's only address.
	release := checkDHCP(ctx, c, r)
	defer func() { err = errors.Join(err, release()) }()
	site, err := c.Admin.Export(ctx)
	if err != nil {
		return nil, err
	}
	r.add(OK, "admin API", "answers at "+c.Admin.Base, "")
	checkAdminToken(ctx, c, r)
	checkTFTP(ctx, c, r)
	checkHTTP(ctx, c, r)
	checkRoot(c, r)
	checkSecrets(site, r)
	checkRemotes(ctx, c, site, r)
	bootAll(ctx, c, site, r)
	bootGateways(ctx, c, site, r)
	return r, nil
}
