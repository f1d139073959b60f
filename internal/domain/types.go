package domain

import "time"

// Server is a call-control server (a CUCM node, a CME router, an Asterisk
// box): where phones register. Ports default to the well-known ones.
type Server struct {
	Name              string `json:"name" yaml:"name"`
	Host              string `json:"host" yaml:"host"` // IPv4, IPv6 or DNS name
	Description       string `json:"description,omitempty" yaml:"description,omitempty"`
	SCCPPort          int    `json:"sccpPort,omitempty" yaml:"sccpPort,omitempty"`                   // default 2000
	SCCPTLSPort       int    `json:"sccpTlsPort,omitempty" yaml:"sccpTlsPort,omitempty"`             // default 2443
	SIPPort           int    `json:"sipPort,omitempty" yaml:"sipPort,omitempty"`                     // default 5060
	SIPTLSPort        int    `json:"sipTlsPort,omitempty" yaml:"sipTlsPort,omitempty"`               // default 5061
	MGCPPort          int    `json:"mgcpPort,omitempty" yaml:"mgcpPort,omitempty"`                   // default 2427
	MGCPKeepAlivePort int    `json:"mgcpKeepAlivePort,omitempty" yaml:"mgcpKeepAlivePort,omitempty"` // default 2428
}

// MaxGroupServers is how many servers a call-control group may list.
const MaxGroupServers = 3

// Group is a call-control group: up to three servers in priority order (the
// order they appear in a device's configuration file).
type Group struct {
	Name        string   `json:"name" yaml:"name"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty"`
	TFTPDefault bool     `json:"tftpDefault,omitempty" yaml:"tftpDefault,omitempty"`
	Servers     []string `json:"servers" yaml:"servers"`
}

// Pool is a device pool: the call-control group, time and locale settings
// shared by many devices.
type Pool struct {
	Name          string `json:"name" yaml:"name"`
	Group         string `json:"group" yaml:"group"`
	DateTemplate  string `json:"dateTemplate,omitempty" yaml:"dateTemplate,omitempty"` // default M/D/Y
	TimeZone      string `json:"timeZone,omitempty" yaml:"timeZone,omitempty"`         // Windows-style name
	OlsonTimeZone string `json:"olsonTimeZone,omitempty" yaml:"olsonTimeZone,omitempty"`
	UserLocale    string `json:"userLocale,omitempty" yaml:"userLocale,omitempty"`       // e.g. English_United_States
	NetworkLocale string `json:"networkLocale,omitempty" yaml:"networkLocale,omitempty"` // e.g. United_States
	Region        string `json:"region,omitempty" yaml:"region,omitempty"`
	SRST          string `json:"srst,omitempty" yaml:"srst,omitempty"` // SRST reference host, optional
}

// File families a model can get (Table 11-3 of the chapter).
const (
	FamilyCnfXML  = "cnf.xml"  // SEP<MAC>.cnf.xml
	FamilyCnf     = "cnf"      // SEP<MAC>.cnf (legacy, per Build CNF Files)
	FamilySIPCnf  = "sip.cnf"  // SIP<MAC>.cnf (7940/7960 SIP)
	FamilyLD      = "ld"       // ld<mac> (7905 SIP)
	FamilyGK      = "gk"       // gk<mac> (7912 SIP)
	FamilyDR      = "dr"       // DR<dialplan>.xml (79x1 SIP)
	FamilyDialXML = "dial.xml" // <dialplan>.xml (7940/7960 SIP)
	FamilySoftkey = "sk"       // SK<template>.xml (79x1 SIP)
)

// Dial-plan families: which phones read a plan and in which format.
const (
	DialFamily79x1 = "79x1" // DR<plan>.xml, read by 7970/71, 7961, 7941, 7911, 88xx …
	DialFamily7940 = "7940" // <plan>.xml DIALTEMPLATE, read by 7940/7960 SIP
	DialFamily7905 = "7905" // compact rules inside ld/gk, read by 7905/7912 SIP
)

// Protocols a device can run.
const (
	ProtocolSCCP = "SCCP"
	ProtocolSIP  = "SIP"
)

// Model is one supported device model.
type Model struct {
	Name           string   `json:"name" yaml:"name"`                                         // e.g. "7961"
	Description    string   `json:"description,omitempty" yaml:"description,omitempty"`       // e.g. "Cisco 7961"
	TypeID         int      `json:"typeId" yaml:"typeId"`                                     // CUCM device-type number (loadInformation<N>)
	Class          string   `json:"class" yaml:"class"`                                       // phone | gateway
	Protocols      []string `json:"protocols" yaml:"protocols"`                               // SCCP, SIP
	XMLConfig      bool     `json:"xmlConfig,omitempty" yaml:"xmlConfig,omitempty"`           // its loads read SEP<MAC>.cnf.xml
	SIPFiles       []string `json:"sipFiles,omitempty" yaml:"sipFiles,omitempty"`             // file families under SIP
	SCCPFiles      []string `json:"sccpFiles,omitempty" yaml:"sccpFiles,omitempty"`           // file families under SCCP
	BuildSelective bool     `json:"buildSelective,omitempty" yaml:"buildSelective,omitempty"` // Table 11-1: gets .cnf under Build Selective
	DialFamily     string   `json:"dialFamily,omitempty" yaml:"dialFamily,omitempty"`
	SCCPLoad       string   `json:"sccpLoad,omitempty" yaml:"sccpLoad,omitempty"` // default load ID under SCCP
	SIPLoad        string   `json:"sipLoad,omitempty" yaml:"sipLoad,omitempty"`   // default load ID under SIP
	MaxLines       int      `json:"maxLines" yaml:"maxLines"`
	Builtin        bool     `json:"builtin,omitempty" yaml:"-"` // shipped in the catalogue; set by the store
}

// Security modes of a device (deviceSecurityMode).
const (
	SecurityNonSecure     = "non-secure"
	SecurityAuthenticated = "authenticated"
	SecurityEncrypted     = "encrypted"
)

// URLs are the enterprise URLs a phone's buttons open; on a device they
// override the enterprise parameters field by field.
type URLs struct {
	Services       string `json:"services,omitempty" yaml:"services,omitempty"`
	Directory      string `json:"directory,omitempty" yaml:"directory,omitempty"`
	Idle           string `json:"idle,omitempty" yaml:"idle,omitempty"`
	Information    string `json:"information,omitempty" yaml:"information,omitempty"`
	Messages       string `json:"messages,omitempty" yaml:"messages,omitempty"`
	Authentication string `json:"authentication,omitempty" yaml:"authentication,omitempty"`
	ProxyServer    string `json:"proxyServer,omitempty" yaml:"proxyServer,omitempty"`
}

// Appearance puts a line (directory number) on a button of a device or a
// device profile. Buttons start at 1.
type Appearance struct {
	Button int    `json:"button" yaml:"button"`
	Line   string `json:"line" yaml:"line"`
}

// Device is a phone or gateway.
type Device struct {
	Name            string       `json:"name" yaml:"name"`                   // SEP<MAC> for phones
	MAC             string       `json:"mac,omitempty" yaml:"mac,omitempty"` // 12 upper-case hex digits
	Description     string       `json:"description,omitempty" yaml:"description,omitempty"`
	Model           string       `json:"model" yaml:"model"`
	Protocol        string       `json:"protocol" yaml:"protocol"`
	Pool            string       `json:"pool" yaml:"pool"`
	SoftkeyTemplate string       `json:"softkeyTemplate,omitempty" yaml:"softkeyTemplate,omitempty"`
	SIPProfile      string       `json:"sipProfile,omitempty" yaml:"sipProfile,omitempty"`
	DialPlan        string       `json:"dialPlan,omitempty" yaml:"dialPlan,omitempty"`
	SecurityMode    string       `json:"securityMode,omitempty" yaml:"securityMode,omitempty"`
	Load            string       `json:"load,omitempty" yaml:"load,omitempty"` // overrides the model default
	UserLocale      string       `json:"userLocale,omitempty" yaml:"userLocale,omitempty"`
	NetworkLocale   string       `json:"networkLocale,omitempty" yaml:"networkLocale,omitempty"`
	URLs            URLs         `json:"urls,omitzero" yaml:"urls,omitempty"`
	AutoRegistered  bool         `json:"autoRegistered,omitempty" yaml:"autoRegistered,omitempty"`
	Lines           []Appearance `json:"lines,omitempty" yaml:"lines,omitempty"`
}

// Line is a directory number. One line may appear on several devices.
type Line struct {
	Number         string `json:"number" yaml:"number"`
	DisplayName    string `json:"displayName,omitempty" yaml:"displayName,omitempty"`
	Label          string `json:"label,omitempty" yaml:"label,omitempty"`
	AuthName       string `json:"authName,omitempty" yaml:"authName,omitempty"`
	AuthPassword   string `json:"authPassword,omitempty" yaml:"authPassword,omitempty"`
	VoicemailPilot string `json:"voicemailPilot,omitempty" yaml:"voicemailPilot,omitempty"`
	MWIPolicy      int    `json:"mwiPolicy,omitempty" yaml:"mwiPolicy,omitempty"` // messageWaitingLampPolicy 0–6
	MaxCalls       int    `json:"maxCalls,omitempty" yaml:"maxCalls,omitempty"`   // default 2
}

// SIPProfile holds the sipProfile settings shared by SIP phones.
type SIPProfile struct {
	Name                 string `json:"name" yaml:"name"`
	Description          string `json:"description,omitempty" yaml:"description,omitempty"`
	PreferredCodec       string `json:"preferredCodec,omitempty" yaml:"preferredCodec,omitempty"` // none, g711ulaw, g711alaw, g729a, g722
	RegisterWithProxy    bool   `json:"registerWithProxy,omitempty" yaml:"registerWithProxy,omitempty"`
	TimerRegisterExpires int    `json:"timerRegisterExpires,omitempty" yaml:"timerRegisterExpires,omitempty"` // default 3600
	StartMediaPort       int    `json:"startMediaPort,omitempty" yaml:"startMediaPort,omitempty"`             // default 16384
	StopMediaPort        int    `json:"stopMediaPort,omitempty" yaml:"stopMediaPort,omitempty"`               // default 32766
	DTMFAvtPayload       int    `json:"dtmfAvtPayload,omitempty" yaml:"dtmfAvtPayload,omitempty"`             // default 101
	NATEnabled           bool   `json:"natEnabled,omitempty" yaml:"natEnabled,omitempty"`
	NATAddress           string `json:"natAddress,omitempty" yaml:"natAddress,omitempty"`
	PhoneLabel           string `json:"phoneLabel,omitempty" yaml:"phoneLabel,omitempty"`           // ≤ 12 characters
	Transport            string `json:"transport,omitempty" yaml:"transport,omitempty"`             // udp, tcp, tls
	VoIPControlPort      int    `json:"voipControlPort,omitempty" yaml:"voipControlPort,omitempty"` // default 5060
}

// DialRule is one rule of a SIP dial plan. For the 7905 family Pattern holds
// the compact rule string and the other fields are unused.
type DialRule struct {
	Pattern string `json:"pattern" yaml:"pattern"`
	Timeout int    `json:"timeout,omitempty" yaml:"timeout,omitempty"` // seconds
	User    string `json:"user,omitempty" yaml:"user,omitempty"`       // ip | phone
	Rewrite string `json:"rewrite,omitempty" yaml:"rewrite,omitempty"`
	Tone    string `json:"tone,omitempty" yaml:"tone,omitempty"`
	Route   string `json:"route,omitempty" yaml:"route,omitempty"`
	Line    int    `json:"line,omitempty" yaml:"line,omitempty"` // restrict to a lineIndex (79x1)
}

// DialPlan is a SIP dial plan (SIP dial rules) of one family.
type DialPlan struct {
	Name        string     `json:"name" yaml:"name"`
	Description string     `json:"description,omitempty" yaml:"description,omitempty"`
	Family      string     `json:"family" yaml:"family"`
	Rules       []DialRule `json:"rules" yaml:"rules"`
}

// SoftkeySet is the list of soft keys shown in one call state.
type SoftkeySet struct {
	State string   `json:"state" yaml:"state"`
	Keys  []string `json:"keys" yaml:"keys"`
}

// SoftkeyTemplate is a softkey template: soft keys per call state.
type SoftkeyTemplate struct {
	Name        string       `json:"name" yaml:"name"`
	Description string       `json:"description,omitempty" yaml:"description,omitempty"`
	Sets        []SoftkeySet `json:"sets" yaml:"sets"`
}

// DeviceProfile is an extension-mobility profile: the lines, dial plan and
// softkey template a user carries to whichever phone they log in on.
type DeviceProfile struct {
	Name            string       `json:"name" yaml:"name"`
	Description     string       `json:"description,omitempty" yaml:"description,omitempty"`
	DialPlan        string       `json:"dialPlan,omitempty" yaml:"dialPlan,omitempty"`
	SoftkeyTemplate string       `json:"softkeyTemplate,omitempty" yaml:"softkeyTemplate,omitempty"`
	UserLocale      string       `json:"userLocale,omitempty" yaml:"userLocale,omitempty"`
	Lines           []Appearance `json:"lines,omitempty" yaml:"lines,omitempty"`
}

// Login says that a device profile is logged in on a device (extension
// mobility). A device has at most one login; deleting it logs out.
type Login struct {
	Device  string    `json:"device" yaml:"device"`
	Profile string    `json:"profile" yaml:"profile"`
	Since   time.Time `json:"since,omitzero" yaml:"-"` // set by the store
}

// Param is the value of one enterprise or service parameter as stored.
// Parameters not stored have their default (see Params).
type Param struct {
	Scope Kind   `json:"scope" yaml:"-"` // KindEnterprise or KindService
	Name  string `json:"name" yaml:"name"`
	Value string `json:"value" yaml:"value"`
}

// CustomFile is a cluster-wide file an admin uploads once, served by every
// server of the cluster.
type CustomFile struct {
	Name     string    `json:"name" yaml:"name"`
	Data     []byte    `json:"data,omitempty" yaml:"data,omitempty"`
	Size     int64     `json:"size" yaml:"-"`
	SHA256   string    `json:"sha256" yaml:"-"`
	Modified time.Time `json:"modified,omitzero" yaml:"-"`
}

// Kind and Key implement Entity.
func (*Server) Kind() Kind          { return KindServer }
func (*Group) Kind() Kind           { return KindGroup }
func (*Pool) Kind() Kind            { return KindPool }
func (*Model) Kind() Kind           { return KindModel }
func (*Line) Kind() Kind            { return KindLine }
func (*SIPProfile) Kind() Kind      { return KindSIPProfile }
func (*DialPlan) Kind() Kind        { return KindDialPlan }
func (*SoftkeyTemplate) Kind() Kind { return KindSoftkey }
func (*Device) Kind() Kind          { return KindDevice }
func (*DeviceProfile) Kind() Kind   { return KindProfile }
func (*Login) Kind() Kind           { return KindLogin }
func (p *Param) Kind() Kind         { return p.Scope }
func (*CustomFile) Kind() Kind      { return KindFile }

func (e *Server) Key() string          { return e.Name }
func (e *Group) Key() string           { return e.Name }
func (e *Pool) Key() string            { return e.Name }
func (e *Model) Key() string           { return e.Name }
func (e *Line) Key() string            { return e.Number }
func (e *SIPProfile) Key() string      { return e.Name }
func (e *DialPlan) Key() string        { return e.Name }
func (e *SoftkeyTemplate) Key() string { return e.Name }
func (e *Device) Key() string          { return e.Name }
func (e *DeviceProfile) Key() string   { return e.Name }
func (e *Login) Key() string           { return e.Device }
func (e *Param) Key() string           { return e.Name }
func (e *CustomFile) Key() string      { return e.Name }
