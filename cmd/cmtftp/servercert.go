package main

import (
	"context"

	"github.com/spf13/cobra"

	"cmtftp/internal/keys"
	"cmtftp/internal/store"
)

// newServerCertCmd is "server cert": a call-control server's certificate
// (its CallManager certificate, RSA), which the CTL lists as a CCM record
// named by the server's host.
func newServerCertCmd() *cobra.Command {
	return newCertCmd(certCmd{
		noun:   "SERVER",
		short:  "A call-control server's certificate (PEM or DER, RSA), listed in the CTL; opens the database directly (--db)",
		set:    "Store the server's certificate (FILE - reads stdin) and print what it is",
		del:    "Remove the server's certificate (and its CTL record)",
		put:    keys.PutServerCert,
		get:    keys.ServerCert,
		remove: func(ctx context.Context, ks store.KeyStore, name string) error { return ks.DeleteServerCert(ctx, name) },
	})
}
