package serveconf

import (
	"fmt"
	"strings"
)

// Kind says which layer a setting's value came from.
type Kind int

// The layers, lowest precedence first: a flag beats the environment,
// which beats the file, which beats the default.
const (
	Default Kind = iota
	File
	Env
	Flag
)

// String is the kind's name as config show prints it.
func (k Kind) String() string {
	switch k {
	case File:
		return "file"
	case Env:
		return "env"
	case Flag:
		return "flag"
	}
	return "default"
}

// Source is where a setting's value came from: its layer and, for the
// file, the file and line; for the environment, the variable.
type Source struct {
	Kind Kind
	File string // File: the configuration file
	Line int    // File: the line of the setting
	Env  string // Env: the variable
}

// String is "flag", "env CMTFTP_X", "file F:LINE" or "default".
func (s Source) String() string {
	switch s.Kind {
	case File:
		return fmt.Sprintf("file %s:%d", s.File, s.Line)
	case Env:
		return "env " + s.Env
	}
	return s.Kind.String()
}

// EnvName is the environment variable of setting name: CMTFTP_ and the
// name in capitals with "-" as "_" (tftp-addr: CMTFTP_TFTP_ADDR).
func EnvName(name string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// EnvPrefix starts every setting's environment variable.
const EnvPrefix = "CMTFTP_"
