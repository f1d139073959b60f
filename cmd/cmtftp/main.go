// Command cmtftp is a provisioning server for Cisco-style IP phones and
// gateways: it builds and serves their configuration files, firmware and
// other files over TFTP and HTTP. Run "cmtftp serve --demo" to try it.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRoot().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "cmtftp:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "cmtftp",
		Short:         "Provisioning server for IP phones and gateways (TFTP and HTTP)",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionString(),
	}
	root.AddCommand(newServeCmd(), newGetCmd(), newBenchCmd())
	root.AddCommand(newRecordCmds()...)
	root.AddCommand(newKeysCmd(), newEMCmd(), newParamCmd(), newFileCmd(), newApplyCmd(), newExportCmd(), newImportCmd(), newBuildCmd(), newShowCmd(), newCountersCmd(), newCacheCmd(), newClusterCmd(), newDHCPCmd(), newSimulateCmd(), newDoctorCmd())
	root.AddCommand(newConfigCmd())
	root.AddCommand(newGenDocsCmd())
	return root
}
