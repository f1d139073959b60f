package domain

import (
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// ParamType is the type of a parameter's value.
type ParamType string

// Parameter types.
const (
	TypeString ParamType = "string"
	TypeInt    ParamType = "int"
	TypeBool   ParamType = "bool"
	TypeURL    ParamType = "url"
	TypeEnum   ParamType = "enum"
	TypePath   ParamType = "path"
)

// ParamDef documents one enterprise or service parameter.
type ParamDef struct {
	Scope       Kind      `json:"scope"`
	Name        string    `json:"name"`
	Type        ParamType `json:"type"`
	Default     string    `json:"default"`
	Min, Max    int       `json:"-"`
	Values      []string  `json:"values,omitempty"` // for TypeEnum
	Description string    `json:"description"`
}

// Values of the Build CNF Files service parameter.
const (
	BuildSelective = "Build Selective"
	BuildAll       = "Build All"
	BuildNone      = "Build None"
)

// Names of the parameters other packages read.
const (
	ParamBuildCNFFiles        = "BuildCNFFiles"
	ParamMaxServingCount      = "MaxServingCount"
	ParamCacheConfigFiles     = "EnableCachingOfConfigurationFiles"
	ParamCacheConstantFiles   = "EnableCachingOfConstantAndBinFiles"
	ParamLogMissedFiles       = "LogMissedFiles"
	ParamTransferTimeout      = "TFTPFileTransferTimeout"
	ParamAutoRegistration     = "autoRegistrationEnabled"
	ParamAutoRegistrationPool = "autoRegistrationPool"
	ParamIdleTimeout          = "idleTimeout"
	ParamClusterSecurityMode  = "ClusterSecurityMode"
	ParamSignatureHash        = "TFTPSignatureHashAlgorithm"
)

// Values of the ClusterSecurityMode enterprise parameter.
const (
	SecurityModeNonSecure = "non-secure"
	SecurityModeMixed     = "mixed"
)

// Values of the TFTPSignatureHashAlgorithm enterprise parameter.
const (
	SignatureSHA512 = "SHA-512"
	SignatureSHA1   = "SHA-1"
)

// MaxAlternateFileLocations is how many Alternate File Location parameters exist.
const MaxAlternateFileLocations = 10

// ParamDefs returns every parameter, enterprise parameters first, each scope
// in a stable order.
func ParamDefs() []ParamDef {
	defs := []ParamDef{
		{Scope: KindEnterprise, Name: "servicesURL", Type: TypeURL, Description: "URL of the Services button (servicesURL)"},
		{Scope: KindEnterprise, Name: "directoryURL", Type: TypeURL, Description: "URL of the Directories button (directoryURL)"},
		{Scope: KindEnterprise, Name: "idleURL", Type: TypeURL, Description: "URL shown when the phone is idle (idleURL)"},
		{Scope: KindEnterprise, Name: "informationURL", Type: TypeURL, Description: "URL of the help (i) button (informationURL)"},
		{Scope: KindEnterprise, Name: "messagesURL", Type: TypeURL, Description: "URL of the Messages button (messagesURL)"},
		{Scope: KindEnterprise, Name: "authenticationURL", Type: TypeURL, Description: "URL that authenticates pushes to the phone (authenticationURL)"},
		{Scope: KindEnterprise, Name: "proxyServerURL", Type: TypeString, Description: "HTTP proxy for the phone's browser (proxyServerURL), host:port"},
		{Scope: KindEnterprise, Name: ParamIdleTimeout, Type: TypeInt, Default: "0", Min: 0, Max: 86400, Description: "seconds of idle time before idleURL is shown; 0 = never"},
		{Scope: KindEnterprise, Name: ParamAutoRegistration, Type: TypeBool, Default: "false", Description: "phones not in the database get XMLDefault.cnf.xml and may auto-register"},
		{Scope: KindEnterprise, Name: ParamClusterSecurityMode, Type: TypeEnum, Default: SecurityModeNonSecure, Values: []string{SecurityModeNonSecure, SecurityModeMixed},
			Description: "non-secure: trust-list names are not found and no file is signed; mixed: ITL/CTL files are served and every configuration-type file also has a signed .sgn (needs cmtftp keys init)"},
		{Scope: KindEnterprise, Name: ParamSignatureHash, Type: TypeEnum, Default: SignatureSHA512, Values: []string{SignatureSHA512, SignatureSHA1},
			Description: "hash of the signatures of .sgn files and trust lists; SHA-1 for old firmware"},
		{Scope: KindEnterprise, Name: ParamAutoRegistrationPool, Type: TypeString, Description: "device pool whose call-control group XMLDefault.cnf.xml names"},

		{Scope: KindService, Name: ParamBuildCNFFiles, Type: TypeEnum, Default: BuildSelective, Values: []string{BuildSelective, BuildAll, BuildNone},
			Description: "which devices also get the legacy SEP<MAC>.cnf: Build Selective = only the Table 11-1 models, Build All = every device, Build None = none"},
		{Scope: KindService, Name: ParamMaxServingCount, Type: TypeInt, Default: "200", Min: 1, Max: 10000, Description: "transfers served at once (TFTP and HTTP together); more are told to retry later"},
	}
	for i := 1; i <= MaxAlternateFileLocations; i++ {
		defs = append(defs, ParamDef{Scope: KindService, Name: fmt.Sprintf("AlternateFileLocation%d", i), Type: TypePath,
			Description: fmt.Sprintf("directory searched after the TFTP root (location %d of %d, in order)", i, MaxAlternateFileLocations)})
	}
	defs = append(defs,
		ParamDef{Scope: KindService, Name: ParamCacheConfigFiles, Type: TypeBool, Default: "true", Description: "keep built configuration files in memory"},
		ParamDef{Scope: KindService, Name: ParamCacheConstantFiles, Type: TypeBool, Default: "true", Description: "load ring lists, locale files and firmware into memory at start-up"},
		ParamDef{Scope: KindService, Name: ParamLogMissedFiles, Type: TypeBool, Default: "false", Description: "log every request for a file that was not found (rate-limited)"},
		ParamDef{Scope: KindService, Name: ParamTransferTimeout, Type: TypeInt, Default: "300", Min: 1, Max: 3600, Description: "seconds a single transfer may take before it is aborted"},
	)
	return defs
}

// paramIndex maps scope and lower-case name to a definition, built once.
var paramIndex = sync.OnceValue(func() map[string]ParamDef {
	m := map[string]ParamDef{}
	for _, d := range ParamDefs() {
		m[string(d.Scope)+"/"+strings.ToLower(d.Name)] = d
	}
	return m
})

// LookupParam returns the definition of a parameter by scope and name. The
// name is matched case-insensitively.
func LookupParam(scope Kind, name string) (ParamDef, bool) {
	d, ok := paramIndex()[string(scope)+"/"+strings.ToLower(name)]
	return d, ok
}

// FindParam looks a parameter up by name in either scope.
func FindParam(name string) (ParamDef, bool) {
	if d, ok := LookupParam(KindEnterprise, name); ok {
		return d, true
	}
	return LookupParam(KindService, name)
}

// Normalize checks v against the definition and returns it in canonical
// form (enum values in their documented spelling, bools as true/false).
func (d ParamDef) Normalize(v string) (string, error) {
	switch d.Type {
	case TypeInt:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return "", fmt.Errorf("%s: %q is not a whole number", d.Name, v)
		}
		if n < d.Min || n > d.Max {
			return "", fmt.Errorf("%s: %d is out of range %d–%d", d.Name, n, d.Min, d.Max)
		}
		return strconv.Itoa(n), nil
	case TypeBool:
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return "", fmt.Errorf("%s: %q is not true or false", d.Name, v)
		}
		return strconv.FormatBool(b), nil
	case TypeEnum:
		for _, ok := range d.Values {
			if strings.EqualFold(strings.Join(strings.Fields(v), " "), ok) {
				return ok, nil
			}
		}
		return "", fmt.Errorf("%s: %q is not one of %s", d.Name, v, strings.Join(d.Values, ", "))
	case TypeURL:
		if v == "" {
			return "", nil
		}
		if len(v) > 255 {
			return "", fmt.Errorf("%s: longer than 255 characters", d.Name)
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("%s: %q is not an http:// or https:// URL", d.Name, v)
		}
		return v, nil
	case TypePath:
		if v != "" && !strings.HasPrefix(v, "/") {
			return "", fmt.Errorf("%s: %q is not an absolute path", d.Name, v)
		}
		return v, nil
	}
	if strings.ContainsAny(v, "\r\n\x00") {
		return "", fmt.Errorf("%s: control characters are not allowed", d.Name)
	}
	return v, nil
}

var paramDefaults = sync.OnceValue(func() ParamValues {
	v := ParamValues{}
	for _, d := range ParamDefs() {
		v[d.Name] = d.Default
	}
	return v
})

// ParamValues is the effective value of every parameter: stored values over
// defaults.
type ParamValues map[string]string

// EffectiveParams merges stored parameters over the defaults. Stored values
// that no longer validate fall back to the default.
func EffectiveParams(stored []Param) ParamValues {
	v := maps.Clone(paramDefaults())

	for _, p := range stored {
		if d, ok := LookupParam(p.Scope, p.Name); ok {
			if n, err := d.Normalize(p.Value); err == nil {
				v[d.Name] = n
			}
		}
	}
	return v
}

// Int returns an integer parameter (0 if unset or not a number).
func (v ParamValues) Int(name string) int {
	n, _ := strconv.Atoi(v[name])
	return n
}

// Bool returns a boolean parameter.
func (v ParamValues) Bool(name string) bool { return v[name] == "true" }

// AlternateFileLocations returns the configured alternate file locations, in order.
func (v ParamValues) AlternateFileLocations() []string {
	var out []string
	for i := 1; i <= MaxAlternateFileLocations; i++ {
		if p := v[fmt.Sprintf("AlternateFileLocation%d", i)]; p != "" {
			out = append(out, p)
		}
	}
	return out
}
