package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"cmtftp/internal/keys"
	"cmtftp/internal/store"
)

// newKeysTrustCmd is "cmtftp keys trust add FILE | rm ID": other clusters'
// TFTP certificates the trust lists also name (centralized TFTP).
func newKeysTrustCmd(f *keysFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "trust", Short: "Other clusters' TFTP certificates this cluster's trust lists also name, so that their phones booting through it (centralized TFTP) accept their signed files"}
	add := &cobra.Command{Use: "add FILE", Short: "List another cluster's TFTP certificate (PEM or DER, RSA: that cluster's cmtftp keys cert tftp; - reads stdin)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readCertFile(cmd.InOrStdin(), args[0])
			if err != nil {
				return err
			}
			return withKeyStore(cmd, f, func(ctx context.Context, ks store.KeyStore) error {
				k, err := keys.Trust(ctx, ks, data)
				if err != nil {
					return err
				}
				ci, err := keys.Describe(k.Cert)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "key %d: %s (SHA-1 %s) is listed as a TFTP record of the trust lists\n", k.ID, ci.Subject, ci.SHA1)
				return err
			})
		}}
	rm := &cobra.Command{Use: "rm ID", Short: "Take a trusted certificate (its ID in cmtftp keys show) out of the trust lists", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("keys trust rm %q: an ID of cmtftp keys show", args[0])
			}
			return withKeyStore(cmd, f, func(ctx context.Context, ks store.KeyStore) error { return keys.Untrust(ctx, ks, id) })
		}}
	cmd.AddCommand(add, rm)
	return cmd
}
