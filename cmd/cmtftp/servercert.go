package main

import (
	"context"

	"github.com/spf13/cobra"

	"cmtftp/internal/keys"
	"cmtftp/internal/store"
)

// newServerCertCmd is "server cert": a call-control server's certificate
// (its CallManager certificate, RSA), which the CTL lists as a CCM record
// named by the server's host. It opens the database directly (--db), like
// keys and device cert.
func newServerCertCmd() *cobra.Command {
	var f keysFlags
	cmd := &cobra.Command{Use: "cert", Short: "A call-control server's certificate (PEM or DER, RSA), listed in the CTL; opens the database directly (--db)"}
	f.registerDB(cmd)
	set := &cobra.Command{Use: "set SERVER FILE", Short: "Store the server's certificate (FILE - reads stdin) and print what it is", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readCertFile(cmd.InOrStdin(), args[1])
			if err != nil {
				return err
			}
			return withKeyStore(cmd, &f, func(ctx context.Context, ks store.KeyStore) error {
				info, err := keys.PutServerCert(ctx, ks, args[0], data)
				if err != nil {
					return err
				}
				printCertInfo(cmd.OutOrStdout(), info)
				return nil
			})
		}}
	show := &cobra.Command{Use: "show SERVER", Short: "Print the server's certificate: what it is, then PEM", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withKeyStore(cmd, &f, func(ctx context.Context, ks store.KeyStore) error {
				p, info, err := keys.ServerCert(ctx, ks, args[0])
				if err != nil {
					return err
				}
				printCertInfo(cmd.OutOrStdout(), info)
				_, err = cmd.OutOrStdout().Write(p)
				return err
			})
		}}
	del := &cobra.Command{Use: "delete SERVER", Aliases: []string{"rm"}, Short: "Remove the server's certificate (and its CTL record)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withKeyStore(cmd, &f, func(ctx context.Context, ks store.KeyStore) error {
				return ks.DeleteServerCert(ctx, args[0])
			})
		}}
	cmd.AddCommand(set, show, del)
	return cmd
}
