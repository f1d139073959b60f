package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"time"

	"cmtftp/internal/admin"
	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
)

// probe is a name no site holds: a server that answers it "not found" is
// up and serving.
const probe = "cmtftp-doctor-probe.txt"

// checkTFTP asks the TFTP server for the probe: "not found" is the
// healthy answer.
func checkTFTP(ctx context.Context, c Config, r *Report) {
	cl := tftpclient.Client{Timeout: time.Second, Retries: 2}
	_, err := cl.Get(ctx, c.TFTP.String(), probe, io.Discard)
	var re *tftpclient.RemoteError
	switch {
	case errors.As(err, &re) && re.Code == tftp.ErrFileNotFound:
		r.add(OK, "TFTP", "answers on "+c.TFTP.String(), "")
	case errors.As(err, &re):
		r.add(Warn, "TFTP", fmt.Sprintf("%s answers a missing file with ERROR %d %q", c.TFTP, re.Code, re.Message), "look at the server's log")
	case err == nil:
		r.add(Warn, "TFTP", c.TFTP.String()+" serves "+probe, "remove that file from the TFTP root")
	default:
		r.add(Fail, "TFTP", fmt.Sprintf("%s does not answer: %v", c.TFTP, err),
			"start cmtftp serve there, or open UDP port "+strconv.Itoa(int(c.TFTP.Port()))+" on the firewall")
	}
}

// checkHTTP asks the HTTP port for the probe: 404 is the healthy answer.
func checkHTTP(ctx context.Context, c Config, r *Report) {
	if c.HTTPPort < 0 {
		return
	}
	port := c.HTTPPort
	if port == 0 {
		port = 6970
	}
	u := url.URL{Scheme: "http", Host: net.JoinHostPort(c.TFTP.Addr().String(), strconv.Itoa(port)), Path: "/" + probe}
	hc := &http.Client{Timeout: 3 * time.Second}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	resp, err := hc.Do(req)
	if err != nil {
		r.add(Warn, "HTTP", fmt.Sprintf("nothing answers on %s: %v", u.Host, err),
			"newer phones try HTTP 6970 first and lose a timeout on every file: serve it (--http-addr) or block the port so they fall back at once")
		return
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		r.add(OK, "HTTP", "answers on "+u.Host, "")
		return
	}
	r.add(Warn, "HTTP", fmt.Sprintf("%s answers a missing file with %s", u.Host, resp.Status), "look at the server's log")
}

// checkAdminToken warns when the admin API, on an address other hosts
// reach, answers without a token.
func checkAdminToken(ctx context.Context, c Config, r *Report) {
	u, err := url.Parse(c.Admin.Base)
	if err != nil {
		return
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); (err == nil && a.IsLoopback()) || host == "localhost" {
		r.add(OK, "admin token", "the admin API is on loopback", "")
		return
	}
	bare := &admin.Client{Base: c.Admin.Base, HTTP: c.Admin.HTTP}
	if _, err := bare.Export(ctx); err == nil {
		r.add(Fail, "admin token", c.Admin.Base+" answers without a token, to anyone who reaches it",
			"start serve with --admin-token-file, or keep --admin-addr on loopback")
		return
	}
	r.add(OK, "admin token", "the admin API asks for a token", "")
}
