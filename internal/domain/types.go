package domain

import "time"

// Server is a call-control server (a CUCM node, a CME router, an Asterisk
// box): where phones register. Ports default to the well-known ones.
type Server struct {
	Name              string `json:"name" yaml:"name" db:"name"`
	Host              string `json:"host" yaml:"host" db:"host"` // IPv4, IPv6 or DNS name
	Description       string `json:"description,omitempty" yaml:"description,omitempty" db:"description"`
	SCCPPort          int    `json:"sccpPort,omitempty" yaml:"sccpPort,omitempty" db:"sccp_port"`                             // default 2000
	SCCPTLSPort       int    `json:"sccpTlsPort,omitempty" yaml:"sccpTlsPort,omitempty" db:"sccp_tls_port"`                   // default 2443
	SIPPort           int    `json:"sipPort,omitempty" yaml:"sipPort,omitempty" db:"sip_port"`                                // default 5060
	SIPTLSPort        int    `json:"sipTlsPort,omitempty" yaml:"sipTlsPort,omitempty" db:"sip_tls_port"`                      // default 5061
	MGCPPort          int    `json:"mgcpPort,omitempty" yaml:"mgcpPort,omitempty" db:"mgcp_port"`                             // default 2427
	MGCPKeepAlivePort int    `json:"mgcpKeepAlivePort,omitempty" yaml:"mgcpKeepAlivePort,omitempty" db:"mgcp_keepalive_port"` // default 2428
}

// MaxGroupServers is how many servers a call-control group may list.
const MaxGroupServers = 3

// Group is a call-control group: up to three servers in priority order (the
// order they appear in a device's configuration file).
type Group struct {
	Name        string   `json:"name" yaml:"name" db:"name"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty" db:"description"`
	TFTPDefault bool     `json:"tftpDefault,omitempty" yaml:"tftpDefault,omitempty" db:"tftp_default"`
	Servers     []string `json:"servers" yaml:"servers" db:"child:group_members,group_name,priority,server"`
}

// Pool is a device pool: the call-control group, time and locale settings
// shared by many devices.
type Pool struct {
	Name          string `json:"name" yaml:"name" db:"name"`
	Group         string `json:"group" yaml:"group" db:"group_name"`
	DateTemplate  string `json:"dateTemplate,omitempty" yaml:"dateTemplate,omitempty" db:"date_template"` // default M/D/Y
	TimeZone      string `json:"timeZone,omitempty" yaml:"timeZone,omitempty" db:"time_zone"`             // Windows-style name
	OlsonTimeZone string `json:"olsonTimeZone,omitempty" yaml:"olsonTimeZone,omitempty" db:"olson_time_zone"`
	UserLocale    string `json:"userLocale,omitempty" yaml:"userLocale,omitempty" db:"user_locale"`          // e.g. English_United_States
	NetworkLocale string `json:"networkLocale,omitempty" yaml:"networkLocale,omitempty" db:"network_locale"` // e.g. United_States
	Region        string `json:"region,omitempty" yaml:"region,omitempty" db:"region"`
	SRST          string `json:"srst,omitempty" yaml:"srst,omitempty" db:"srst"` // SRST reference host, optional
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

	// Gateway families (class gateway).
	FamilySKIGW  = "skigw"    // SKIGW<tail>.cnf.xml and AN<tail><port>.cnf.xml (SCCP analog gateways)
	FamilyMGCP   = "mgcp.xml" // <hostname>.cnf.xml (MGCP IOS gateways, ccm-manager config)
	FamilyATAXML = "ata.xml"  // ATA<MAC>.cnf.xml, and ATA<shifted MAC>.cnf.xml for port 2 (ATA 190/191)
	FamilyATATxt = "ata.txt"  // ata<mac> (ATA 186/188)
	FamilySAA    = "saa"      // SAA<MAC>.cnf (WS-X6624), falling back to SAADefault.cnf
	FamilySDA    = "sda"      // SDA<MAC>.cnf (WS-X6608), falling back to SDADefault.cnf
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
	ProtocolMGCP = "MGCP" // gateways only
)

// Model is one supported device model.
type Model struct {
	Name           string   `json:"name" yaml:"name" db:"name"`                                                    // e.g. "7961"
	Description    string   `json:"description,omitempty" yaml:"description,omitempty" db:"description"`           // e.g. "Cisco 7961"
	TypeID         int      `json:"typeId" yaml:"typeId" db:"type_id"`                                             // CUCM device-type number (loadInformation<N>)
	Class          string   `json:"class" yaml:"class" db:"class"`                                                 // phone | gateway
	Protocols      []string `json:"protocols" yaml:"protocols" db:"protocols,json"`                                // SCCP, SIP
	XMLConfig      bool     `json:"xmlConfig,omitempty" yaml:"xmlConfig,omitempty" db:"xml_config"`                // its loads read SEP<MAC>.cnf.xml
	SIPFiles       []string `json:"sipFiles,omitempty" yaml:"sipFiles,omitempty" db:"sip_files,json"`              // file families under SIP
	SCCPFiles      []string `json:"sccpFiles,omitempty" yaml:"sccpFiles,omitempty" db:"sccp_files,json"`           // file families under SCCP
	MGCPFiles      []string `json:"mgcpFiles,omitempty" yaml:"mgcpFiles,omitempty" db:"mgcp_files,json"`           // file families under MGCP (gateways)
	BuildSelective bool     `json:"buildSelective,omitempty" yaml:"buildSelective,omitempty" db:"build_selective"` // Table 11-1: gets .cnf under Build Selective
	DialFamily     string   `json:"dialFamily,omitempty" yaml:"dialFamily,omitempty" db:"dial_family"`
	SCCPLoad       string   `json:"sccpLoad,omitempty" yaml:"sccpLoad,omitempty" db:"sccp_load"` // default load ID under SCCP
	SIPLoad        string   `json:"sipLoad,omitempty" yaml:"sipLoad,omitempty" db:"sip_load"`    // default load ID under SIP
	MaxLines       int      `json:"maxLines" yaml:"maxLines" db:"max_lines"`
	Builtin        bool     `json:"builtin,omitempty" yaml:"-" db:"builtin"` // shipped in the catalogue; set by the store
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
	Button int    `json:"button" yaml:"button" db:"button"`
	Line   string `json:"line" yaml:"line" db:"line"`
}

// Device is a phone or gateway.
type Device struct {
	Name            string       `json:"name" yaml:"name" db:"name"`                       // SEP<MAC> for phones
	MAC             string       `json:"mac,omitempty" yaml:"mac,omitempty" db:"mac,null"` // 12 upper-case hex digits
	Description     string       `json:"description,omitempty" yaml:"description,omitempty" db:"description"`
	Model           string       `json:"model" yaml:"model" db:"model"`
	Protocol        string       `json:"protocol" yaml:"protocol" db:"protocol"`
	Pool            string       `json:"pool" yaml:"pool" db:"pool"`
	SoftkeyTemplate string       `json:"softkeyTemplate,omitempty" yaml:"softkeyTemplate,omitempty" db:"softkey_template,null"`
	SIPProfile      string       `json:"sipProfile,omitempty" yaml:"sipProfile,omitempty" db:"sip_profile,null"`
	DialPlan        string       `json:"dialPlan,omitempty" yaml:"dialPlan,omitempty" db:"dial_plan,null"`
	SecurityMode    string       `json:"securityMode,omitempty" yaml:"securityMode,omitempty" db:"security_mode"`
	Load            string       `json:"load,omitempty" yaml:"load,omitempty" db:"load"` // overrides the model default
	UserLocale      string       `json:"userLocale,omitempty" yaml:"userLocale,omitempty" db:"user_locale"`
	NetworkLocale   string       `json:"networkLocale,omitempty" yaml:"networkLocale,omitempty" db:"network_locale"`
	URLs            URLs         `json:"urls,omitzero" yaml:"urls,omitempty" db:"urls,json"`
	AutoRegistered  bool         `json:"autoRegistered,omitempty" yaml:"autoRegistered,omitempty" db:"auto_registered"`
	Lines           []Appearance `json:"lines,omitempty" yaml:"lines,omitempty" db:"child:device_lines,device,button,line"`
}

// Line is a directory number. One line may appear on several devices.
type Line struct {
	Number         string `json:"number" yaml:"number" db:"number"`
	DisplayName    string `json:"displayName,omitempty" yaml:"displayName,omitempty" db:"display_name"`
	Label          string `json:"label,omitempty" yaml:"label,omitempty" db:"label"`
	AuthName       string `json:"authName,omitempty" yaml:"authName,omitempty" db:"auth_name"`
	AuthPassword   string `json:"authPassword,omitempty" yaml:"authPassword,omitempty" db:"auth_password"`
	VoicemailPilot string `json:"voicemailPilot,omitempty" yaml:"voicemailPilot,omitempty" db:"voicemail_pilot"`
	MWIPolicy      int    `json:"mwiPolicy,omitempty" yaml:"mwiPolicy,omitempty" db:"mwi_policy"` // messageWaitingLampPolicy 0–6
	MaxCalls       int    `json:"maxCalls,omitempty" yaml:"maxCalls,omitempty" db:"max_calls"`    // default 2
}

// SIPProfile holds the sipProfile settings shared by SIP phones.
type SIPProfile struct {
	Name                 string `json:"name" yaml:"name" db:"name"`
	Description          string `json:"description,omitempty" yaml:"description,omitempty" db:"description"`
	PreferredCodec       string `json:"preferredCodec,omitempty" yaml:"preferredCodec,omitempty" db:"preferred_codec"` // none, g711ulaw, g711alaw, g729a, g722
	RegisterWithProxy    bool   `json:"registerWithProxy,omitempty" yaml:"registerWithProxy,omitempty" db:"register_with_proxy"`
	TimerRegisterExpires int    `json:"timerRegisterExpires,omitempty" yaml:"timerRegisterExpires,omitempty" db:"timer_register_expires"` // default 3600
	StartMediaPort       int    `json:"startMediaPort,omitempty" yaml:"startMediaPort,omitempty" db:"start_media_port"`                   // default 16384
	StopMediaPort        int    `json:"stopMediaPort,omitempty" yaml:"stopMediaPort,omitempty" db:"stop_media_port"`                      // default 32766
	DTMFAvtPayload       int    `json:"dtmfAvtPayload,omitempty" yaml:"dtmfAvtPayload,omitempty" db:"dtmf_avt_payload"`                   // default 101
	NATEnabled           bool   `json:"natEnabled,omitempty" yaml:"natEnabled,omitempty" db:"nat_enabled"`
	NATAddress           string `json:"natAddress,omitempty" yaml:"natAddress,omitempty" db:"nat_address"`
	PhoneLabel           string `json:"phoneLabel,omitempty" yaml:"phoneLabel,omitempty" db:"phone_label"`                 // ≤ 12 characters
	Transport            string `json:"transport,omitempty" yaml:"transport,omitempty" db:"transport"`                     // udp, tcp, tls
	VoIPControlPort      int    `json:"voipControlPort,omitempty" yaml:"voipControlPort,omitempty" db:"voip_control_port"` // default 5060
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
	Name        string     `json:"name" yaml:"name" db:"name"`
	Description string     `json:"description,omitempty" yaml:"description,omitempty" db:"description"`
	Family      string     `json:"family" yaml:"family" db:"family"`
	Rules       []DialRule `json:"rules" yaml:"rules" db:"rules,json"`
}

// SoftkeySet is the list of soft keys shown in one call state.
type SoftkeySet struct {
	State string   `json:"state" yaml:"state"`
	Keys  []string `json:"keys" yaml:"keys"`
}

// SoftkeyTemplate is a softkey template: soft keys per call state.
type SoftkeyTemplate struct {
	Name        string       `json:"name" yaml:"name" db:"name"`
	Description string       `json:"description,omitempty" yaml:"description,omitempty" db:"description"`
	Sets        []SoftkeySet `json:"sets" yaml:"sets" db:"sets,json"`
}

// DeviceProfile is an extension-mobility profile: the lines, dial plan and
// softkey template a user carries to whichever phone they log in on.
type DeviceProfile struct {
	Name            string       `json:"name" yaml:"name" db:"name"`
	Description     string       `json:"description,omitempty" yaml:"description,omitempty" db:"description"`
	DialPlan        string       `json:"dialPlan,omitempty" yaml:"dialPlan,omitempty" db:"dial_plan,null"`
	SoftkeyTemplate string       `json:"softkeyTemplate,omitempty" yaml:"softkeyTemplate,omitempty" db:"softkey_template,null"`
	UserLocale      string       `json:"userLocale,omitempty" yaml:"userLocale,omitempty" db:"user_locale"`
	Lines           []Appearance `json:"lines,omitempty" yaml:"lines,omitempty" db:"child:profile_lines,profile,button,line"`
}

// Login says that a device profile is logged in on a device (extension
// mobility). A device has at most one login; deleting it logs out.
type Login struct {
	Device  string    `json:"device" yaml:"device" db:"device"`
	Profile string    `json:"profile" yaml:"profile" db:"profile"`
	Since   time.Time `json:"since,omitzero" yaml:"-" db:"since,micros"` // set by the store
}

// Param is the value of one enterprise or service parameter as stored.
// Parameters not stored have their default (see Params).
type Param struct {
	Scope Kind   `json:"scope" yaml:"-" db:"-"` // KindEnterprise or KindService
	Name  string `json:"name" yaml:"name" db:"name"`
	Value string `json:"value" yaml:"value" db:"value"`
}

// CustomFile is a cluster-wide file an admin uploads once, served by every
// server of the cluster. Its bytes are kept in chunks of their own table
// (the store's FileStore streams them); Data carries them inline for a site
// document and for files of at most the store's InlineFileBytes.
type CustomFile struct {
	Name     string    `json:"name" yaml:"name" db:"name"`
	Data     []byte    `json:"data,omitempty" yaml:"data,omitempty" db:"-"`
	Size     int64     `json:"size" yaml:"-" db:"size"`
	SHA256   string    `json:"sha256" yaml:"-" db:"sha256"`
	Modified time.Time `json:"modified,omitzero" yaml:"-" db:"modified,micros"`
}

// IsReference reports whether f gives its size and SHA-256 without its
// bytes: a site document's stand-in for a file too large to carry (an
// export leaves out the bytes of files above 64 MiB), which applies only
// where those very bytes are stored already.
func (f *CustomFile) IsReference() bool { return len(f.Data) == 0 && f.Size > 0 }

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
func (*RemoteCluster) Kind() Kind   { return KindRemote }

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
func (e *RemoteCluster) Key() string   { return e.Name }
