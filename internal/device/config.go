// Package device emulates the boot of Cisco-style IP phones and gateways
// against real TFTP and HTTP servers: which files a device of each family
// asks for, in which order, over which transport, what it does when a
// server does not answer or says it is busy, and what it makes of the
// files it receives. Boot plays one device; Storm plays many at once.
//
// The package finds no servers itself: the caller passes them in order
// (from flags, or from the DHCP discovery rules) and says how in
// Config.Discovery.
package device

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"cmtftp/internal/dhcp"
	"cmtftp/internal/tftp"
)

// Kind is what sort of device boots.
type Kind string

// The kinds of device.
const (
	Phone   Kind = "phone"   // asks for its family's files (see Boot)
	Gateway Kind = "gateway" // asks for its model's gateway files (<Hostname>.cnf.xml without a model)
)

// Via is the transport a device tries first.
type Via string

// The transports.
const (
	ViaTFTP Via = "tftp" // TFTP only
	// ViaHTTP asks http://SERVER:HTTPPort/NAME first, as newer phones do;
	// a connection that fails or times out sends the rest of the boot to
	// TFTP. 404 is an answer, 503 is busy.
	ViaHTTP Via = "http"
)

// Defaults for Config's zero fields: close to a phone's, small enough to
// wait for.
const (
	DefaultHTTPPort       = 6970
	DefaultTimeout        = 2 * time.Second
	DefaultRetries        = 3
	DefaultBlockSize      = 1428
	DefaultBusyWait       = time.Second
	DefaultMaxBusyRetries = 30
)

// Config describes one device and how it reaches its servers. A number
// left 0 takes its default; a negative one (or a port past 65535) is an
// error wrapping ErrConfig.
type Config struct {
	// MAC is the device's MAC address, 12 hex digits with or without the
	// usual separators. Required for a phone, and for a gateway whose
	// files carry it (SCCP VG, ATA, WS-X6624, WS-X6608).
	MAC string
	// Model is a model of the built-in catalogue (domain.Catalogue), such
	// as "7961". Required for a phone. A gateway's is of class gateway
	// (VG224, ISR4321, ATA190 …) and picks its family's files; a gateway
	// without one asks for <Hostname>.cnf.xml and reads its call-control
	// list only.
	Model string
	// Protocol is SIP, SCCP or (gateways) MGCP, either case; "" is the
	// model's first.
	Protocol string
	// Kind is Phone (the default) or Gateway.
	Kind Kind
	// Hostname is a gateway's host name: an MGCP gateway (and one without
	// a model) asks for <Hostname>.cnf.xml, an Analog Access or Voice Mail
	// Port for <Hostname>.cnf.
	Hostname string
	// Servers are the TFTP servers in the order the device tries them.
	Servers []netip.AddrPort
	// Discovery says how the servers were found when a DHCP exchange
	// found them (nil: they were given); it is only reported.
	Discovery *dhcp.Discovery
	// Via is the transport tried first; default ViaTFTP.
	Via Via
	// HTTPPort is the HTTP port of every server; default 6970.
	HTTPPort int
	// Load is the load ID the device runs. When the configuration names
	// another, the device fetches that load. "" means the device already
	// runs whatever its configuration names.
	Load string
	// Timeout is how long the device waits for a packet (or an HTTP
	// connection) before sending again; default 2 s. An HTTP answer not
	// begun within Timeout × (Retries+1) is no answer, as a silent TFTP
	// server is.
	Timeout time.Duration
	// Retries is how many times a TFTP request is sent again before the
	// server counts as not answering; default 3. A silent server costs
	// Timeout × (Retries+1) before the next one is tried.
	Retries int
	// BlockSize is the TFTP blksize asked for; default 1428 (an Ethernet
	// frame). -1 asks for no option (512-byte blocks).
	BlockSize int
	// BusyWait is how long the device waits after a busy answer (ERROR 0
	// "busy, retry later", or HTTP 503 without Retry-After) before asking
	// the same server again; default 1 s, plus up to a quarter of it at
	// random so that devices told at once do not come back at once.
	BusyWait time.Duration
	// MaxBusyRetries bounds the busy answers taken for one file; default 30.
	MaxBusyRetries int
	// LocalAddr, when valid, is the address the device's requests leave
	// from, over TFTP and HTTP; by default the system picks one. When a
	// DHCP exchange found the servers, the caller sets it to the leased
	// address, so that the servers see the device where DHCP put it. It
	// must be of the servers' address family.
	LocalAddr netip.Addr

	// Secure plays a phone of a secure (mixed-mode) cluster, one that
	// holds a trust list (spec §11): it asks for its trust lists first
	// and accepts one only when it verifies (see TrustList), then asks
	// for the signed name X.sgn of every configuration-type file (its
	// configuration, locales, dial template, softkeys, ring list; firmware
	// names stay as they are), accepts each only when a TFTP (or
	// CCM+TFTP) record of the accepted list signed it under the name
	// asked, and reads the payload. Only phones with XML loads (the
	// families that ask for trust lists) can be secure.
	Secure bool
	// TrustList is the trust list (an ITL or CTL file) the phone installed
	// on an earlier boot; nil is a phone with none, which takes the first
	// list it gets on the strength of its own SAST ("leap of faith"). With
	// one installed, a new list must be signed by a SAST of it (the
	// rollover rule, §11.2). Secure only.
	TrustList []byte
	// PhoneKey is the phone's private key (of the certificate the server
	// encrypts to): with it, an encrypted configuration
	// (SEP<MAC>.cnf.xml.enc.sgn, §11.3) is decrypted; without it, a
	// configuration that says it is encrypted ends the boot. Secure only.
	PhoneKey *rsa.PrivateKey
	// SkipVerify, with Secure, still asks for the signed names and reads
	// their headers (signer, name), but checks no signature: a storm's
	// devices spend their time on the wire, not on RSA.
	SkipVerify bool
}

// ErrConfig is wrapped by every error Boot and Storm return for a Config
// they cannot play.
var ErrConfig = errors.New("device: bad configuration")

func badConfig(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, a...))
}

// checkNumbers reports a number of c out of range, before withDefaults
// gives the zero ones their defaults.
func (c *Config) checkNumbers() error {
	for _, n := range []struct {
		name   string
		v, def int
	}{{"retries", c.Retries, DefaultRetries}, {"busy retries", c.MaxBusyRetries, DefaultMaxBusyRetries}} {
		if n.v < 0 {
			return badConfig("%s %d: want 0 (%d) or more", n.name, n.v, n.def)
		}
	}
	for _, d := range []struct {
		name   string
		v, def time.Duration
	}{{"timeout", c.Timeout, DefaultTimeout}, {"busy wait", c.BusyWait, DefaultBusyWait}} {
		if d.v < 0 {
			return badConfig("%s %v: want 0 (%v) or more", d.name, d.v, d.def)
		}
	}
	if c.HTTPPort < 0 || c.HTTPPort > 65535 {
		return badConfig("HTTP port %d: want 1 to 65535 (0: %d)", c.HTTPPort, DefaultHTTPPort)
	}
	if b := c.BlockSize; b != 0 && b != -1 && (b < tftp.MinBlockSize || b > tftp.MaxBlockSize) {
		return badConfig("block size %d: want %d to %d, or -1 for none (0: %d)", b, tftp.MinBlockSize, tftp.MaxBlockSize, DefaultBlockSize)
	}
	return nil
}

// withDefaults returns c with its zero fields set.
func (c Config) withDefaults() Config {
	if c.Kind == "" {
		c.Kind = Phone
	}
	if c.Via == "" {
		c.Via = ViaTFTP
	}
	c.Protocol = strings.ToUpper(c.Protocol)
	c.HTTPPort = orDefault(c.HTTPPort, DefaultHTTPPort)
	c.Retries = orDefault(c.Retries, DefaultRetries)
	c.BlockSize = orDefault(c.BlockSize, DefaultBlockSize)
	c.MaxBusyRetries = orDefault(c.MaxBusyRetries, DefaultMaxBusyRetries)
	c.Timeout = orDefault(c.Timeout, DefaultTimeout)
	c.BusyWait = orDefault(c.BusyWait, DefaultBusyWait)
	c.LocalAddr = c.LocalAddr.Unmap()
	servers := make([]netip.AddrPort, len(c.Servers)) // [::ffff:a.b.c.d] is a.b.c.d; the caller's slice is left alone
	for i, s := range c.Servers {
		servers[i] = netip.AddrPortFrom(s.Addr().Unmap(), s.Port())
	}
	c.Servers = servers
	return c
}

func orDefault[T int | time.Duration](v, d T) T {
	if v == 0 {
		return d
	}
	return v
}

// check reports what makes c unplayable.
func (c *Config) check() error {
	if len(c.Servers) == 0 {
		return badConfig("no TFTP server")
	}
	for _, s := range c.Servers {
		if !s.IsValid() || s.Port() == 0 {
			return badConfig("server %v: want an address and a port", s)
		}
		if c.LocalAddr.IsValid() && c.LocalAddr.Is4() != s.Addr().Is4() {
			return badConfig("server %v cannot be reached from local address %v: not the same address family", s, c.LocalAddr)
		}
	}
	if c.Via != ViaTFTP && c.Via != ViaHTTP {
		return badConfig("via %q: want tftp or http", c.Via)
	}
	if !c.Secure && (c.TrustList != nil || c.PhoneKey != nil || c.SkipVerify) {
		return badConfig("an installed trust list, a phone key or skipping verification is for a secure phone")
	}
	switch c.Kind {
	case Phone:
	case Gateway: // its model says what it needs (gatewayPlan)
	default:
		return badConfig("device kind %q: want phone or gateway", c.Kind)
	}
	return nil
}
