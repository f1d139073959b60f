package main

import (
	"os"

	"github.com/spf13/pflag"

	"cmtftp/internal/assembly"
	"cmtftp/internal/serveconf"
)

// serveConfigHelp ends serve's help: where its settings come from.
const serveConfigHelp = `

Every flag below can also be set in the YAML configuration file (--config,
default ` + serveconf.DefaultPath + ` when present; its keys are the flag names)
or in an environment variable (CMTFTP_ and the name in capitals with "_"
for "-": --tftp-addr is CMTFTP_TFTP_ADDR; lists comma-separated). A flag
beats the environment, which beats the file, which beats the default;
"cmtftp config show" prints each value and where it came from. SIGHUP reads
the file again and reloads the log level, the admin token file and the
admin TLS certificate.`

// loadServeSettings gives serve's flags their values from the environment
// and the configuration file, under the command line's.
func loadServeSettings(fl *pflag.FlagSet) (serveconf.Result, error) {
	return serveconf.Load(fl, serveconf.Options{LookupEnv: os.LookupEnv})
}

// serveReloader resolves serve's reloadable settings again on SIGHUP: a
// new set of serve's flags with the same command line and environment,
// and the file read again.
func serveReloader(first serveconf.Result) assembly.Loader {
	return func() (assembly.Update, error) {
		fl := newServeCmd().Flags()
		if err := first.Replay(fl); err != nil {
			return assembly.Update{}, err
		}
		if _, err := loadServeSettings(fl); err != nil {
			return assembly.Update{}, err
		}
		value := func(name string) string { return fl.Lookup(name).Value.String() }
		return assembly.Update{LogLevel: value("log-level"), AdminTokenFile: value("admin-token-file"),
			AdminTLSCert: value("admin-tls-cert"), AdminTLSKey: value("admin-tls-key")}, nil
	}
}
