package device

import (
	"time"

	"cmtftp/internal/dhcp"
)

// Outcome is how one request of a boot ended (a Step's).
type Outcome string

// The outcomes of a request.
const (
	Found       Outcome = "found"       // the file arrived (and parsed, when the device reads it)
	NotFound    Outcome = "not-found"   // the server answered: no such file (TFTP ERROR 1, HTTP 404)
	BusyRetry   Outcome = "busy-retry"  // the server said busy (ERROR 0 "busy, retry later", HTTP 503): the device waits and asks it again
	Stalled     Outcome = "stalled"     // TFTP: the server answered, then the transfer stopped: asked again, of the same server
	TimedOut    Outcome = "timeout"     // TFTP: no answer within Timeout × (Retries+1), or the request could not be sent: the next server is tried
	Unreachable Outcome = "unreachable" // HTTP: no connection, or no answer (or a body quiet) for the timeout; the boot goes on over TFTP
	Broken      Outcome = "broken"      // the file arrived but cannot be read (Step.Note says why)
	// Failed is a request that failed on the server in use without the
	// server falling silent: another error answer (an HTTP status other than 200,
	// 404 and 503), an exchange the server broke (options it was not
	// asked for, a block larger than agreed, an answer that is not HTTP,
	// a connection dropped mid-file), or a socket of the device's that
	// cannot send. Step.Note has the error; the next server is not tried.
	Failed   Outcome = "error"
	Canceled Outcome = "canceled" // the caller's context ended
)

// Cause is why a device did not end configured.
type Cause string

// The causes of a failed boot.
const (
	CauseNoAnswer      Cause = "no server answered"
	CauseBusy          Cause = "busy past the retry bound"
	CauseNoConfig      Cause = "configuration not found"
	CauseBrokenConfig  Cause = "configuration broken"
	CauseNoCallControl Cause = "no call control in the configuration"
	CauseLoadFailed    Cause = "load failed"
	CauseServerError   Cause = "server error" // a request for a file the device needs ended Failed (Detail)
	CauseCanceled      Cause = "canceled"
	// CauseTrustList is a secure phone's trust list that failed ("Trust
	// List update failed" on a phone), or a secure phone left with none.
	CauseTrustList Cause = "trust list not accepted"
	// CauseSignature is a file a secure phone asked for signed that came
	// unsigned, wrongly signed, signed by a certificate not in its trust
	// list, or signed under another name.
	CauseSignature Cause = "signature failed"
	// CauseEncrypted is an encrypted configuration the phone cannot
	// decrypt: no phone key, or not its key.
	CauseEncrypted Cause = "encrypted configuration"
)

// Configured and NotConfigured are the values of Report.Outcome.
const (
	Configured    = "configured"
	NotConfigured = "not configured"
)

// Step is one request a device sent and how it ended.
type Step struct {
	At      time.Duration `json:"at_ns"`   // since the boot began
	Server  string        `json:"server"`  // the server's address (TFTP port; HTTP port for HTTP)
	Proto   string        `json:"proto"`   // tftp or http
	Name    string        `json:"name"`    // the file asked for
	Outcome Outcome       `json:"outcome"` // how it ended
	Bytes   int64         `json:"bytes"`   // bytes received
	Took    time.Duration `json:"took_ns"`
	Note    string        `json:"note,omitempty"` // what the device made of it
	// Signed is who signed the file, for a secure device's signed files
	// and trust lists that it accepted; nil for a file it took unsigned.
	Signed *Signature `json:"signed,omitempty"`
}

// Signature is the certificate of a trust list that signed a file a
// secure device accepted.
type Signature struct {
	Signer string `json:"signer"` // the certificate's subject
	Role   string `json:"role"`   // its role in the trust list: SAST, TFTP, CCM+TFTP
	// SHA1 is the SHA-1 fingerprint of the certificate, as a phone shows
	// it: hex byte pairs joined by colons.
	SHA1   string `json:"sha1"`
	SHA256 string `json:"sha256"` // the same, of SHA-256
	// Verified is false when the signature was not checked
	// (Config.SkipVerify).
	Verified bool `json:"verified"`
}

// TrustListReport is the trust list a secure device ended with.
type TrustListReport struct {
	// Name is the file the device accepted on this boot; "" when it kept
	// the list it had installed (the server served none).
	Name string `json:"name,omitempty"`
	// How says why the device took it: "leap of faith" (no list was
	// installed), "signed by a SAST of the installed list", or "installed
	// list kept".
	How string `json:"how"`
	// Signer is the SAST that signed the list (nil for a list kept).
	Signer *Signature `json:"signer,omitempty"`
	// Records counts the list's certificates; FileSigners are those the
	// device checks signed files against (the TFTP and CCM+TFTP records).
	Records     int         `json:"records"`
	FileSigners []Signature `json:"file_signers"`
}

// CallManager is one entry of the call-control list a configuration
// names, in priority order. A port the file does not give is 0.
type CallManager struct {
	Name      string `json:"name,omitempty"`
	Host      string `json:"host"`
	SCCPPort  int    `json:"sccp_port,omitempty"`
	SIPPort   int    `json:"sip_port,omitempty"`
	SIPSPort  int    `json:"sips_port,omitempty"`
	MGCPPort  int    `json:"mgcp_port,omitempty"`
	Secondary bool   `json:"backup,omitempty"` // a backup proxy (7940/7960 SIP)
}

// Report is the timeline and the outcome of one boot.
type Report struct {
	Device    string          `json:"device"` // SEP<MAC>, or a gateway's hostname
	MAC       string          `json:"mac,omitempty"`
	Model     string          `json:"model,omitempty"`
	Protocol  string          `json:"protocol,omitempty"`
	Kind      Kind            `json:"kind"`
	Via       Via             `json:"via"`
	Servers   []string        `json:"servers"`
	Discovery *dhcp.Discovery `json:"discovery,omitempty"` // how DHCP found the servers (Config.Discovery)

	Outcome string `json:"outcome"`          // Configured or NotConfigured
	Cause   Cause  `json:"cause,omitempty"`  // why not configured
	Detail  string `json:"detail,omitempty"` // the cause in words: which file, which server

	Steps []Step `json:"steps"`
	// Server is the address that answered last: the server the device
	// ended on (its HTTP port when the answer came over HTTP).
	Server string `json:"server,omitempty"`
	// Config is the configuration file the device took its settings from;
	// FromDefault says it is a default file (XMLDefault.cnf.xml,
	// SIPDefault.cnf alone, lddefault.cfg, SEPDefault.cnf): the device is
	// not in the database.
	Config       string        `json:"config,omitempty"`
	FromDefault  bool          `json:"from_default,omitempty"`
	CallManagers []CallManager `json:"call_managers,omitempty"`
	// LoadID is the load the configuration names ("" keeps the running
	// one); Upgraded says the device fetched it, Archives what it fetched.
	LoadID   string   `json:"load_id,omitempty"`
	Upgraded bool     `json:"upgraded,omitempty"`
	Archives []string `json:"archives,omitempty"`
	// The files and locales the configuration names.
	DialTemplate  string   `json:"dial_template,omitempty"`
	SoftkeyFile   string   `json:"softkey_file,omitempty"`
	UserLocale    string   `json:"user_locale,omitempty"`
	NetworkLocale string   `json:"network_locale,omitempty"`
	Warnings      []string `json:"warnings,omitempty"`

	// Family is a gateway's file family (docs/gateways.md: skigw,
	// mgcp.xml, ata.xml, ata.txt, saa, sda, cnf); "" for a phone and for a
	// gateway played without a model (its <hostname>.cnf.xml only).
	Family string `json:"family,omitempty"`
	// Ports are a gateway's ports as its files configure them, in file
	// order; a port the gateway asked for and was not given is there with
	// Configured false.
	Ports []GatewayPort `json:"ports,omitempty"`
	// IOS is the Cisco IOS configuration an IOS gateway (SCCP stcapp,
	// MGCP ccm-manager config) derives from its files, line by line, per
	// docs/gateways.md "IOS mapping".
	IOS []string `json:"ios,omitempty"`

	// Secure says the device played a phone with a trust list
	// (Config.Secure); TrustList is the list it ended with.
	Secure    bool             `json:"secure,omitempty"`
	TrustList *TrustListReport `json:"trust_list,omitempty"`
	// AcceptedTrustList is the trust-list file the device accepted on this
	// boot (nil when none): what it would hold on its next boot
	// (Config.TrustList). When it accepted both a CTL and an ITL, the ITL.
	AcceptedTrustList []byte `json:"-"`

	Took time.Duration `json:"took_ns"`
}

// OK reports whether the device ended configured.
func (r *Report) OK() bool { return r.Outcome == Configured }

// Names returns the names the device asked for, in order, each once.
func (r *Report) Names() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range r.Steps {
		if !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s.Name)
		}
	}
	return out
}

// GatewayPort is one port of a gateway as its files configure it.
type GatewayPort struct {
	// File is the file the port's settings came from (an AN…, ATA…
	// file); "" when the gateway's own file holds them.
	File string `json:"file,omitempty"`
	// Port is the port's address as the file gives it (IOS 2/0, 0/1/0;
	// an ATA's or a Catalyst module's port number).
	Port string `json:"port"`
	// Endpoint is an MGCP endpoint's name (AALN/S0/SU1/0@host, aaln/0).
	Endpoint    string `json:"endpoint,omitempty"`
	Line        string `json:"line,omitempty"` // the directory number
	DisplayName string `json:"display_name,omitempty"`
	Label       string `json:"label,omitempty"`
	Locale      string `json:"locale,omitempty"` // the port's network locale (IOS cptone)
	Configured  bool   `json:"configured"`
	Note        string `json:"note,omitempty"` // why not configured
}
