package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/domain"
	"cmtftp/internal/keys"
	"cmtftp/internal/store"
)

// newDeviceCertCmd is "device cert": a device's certificate (its LSC or
// MIC), to which its encrypted configuration is encrypted.
func newDeviceCertCmd() *cobra.Command {
	key := func(name string) string { return deviceKey(domain.KindDevice, name) }
	return newCertCmd(certCmd{
		noun:  "DEVICE",
		short: "A device's certificate (PEM or DER, RSA), for its encrypted configuration; opens the database directly (--db)",
		set:   "Store the device's certificate (FILE - reads stdin) and print its certHash (MD5)",
		del:   "Remove the device's certificate",
		put: func(ctx context.Context, ks store.KeyStore, name string, data []byte) (keys.CertInfo, error) {
			return keys.PutDeviceCert(ctx, ks, key(name), data)
		},
		get: func(ctx context.Context, ks store.KeyStore, name string) ([]byte, keys.CertInfo, error) {
			return keys.DeviceCert(ctx, ks, key(name))
		},
		remove: func(ctx context.Context, ks store.KeyStore, name string) error {
			return ks.DeleteDeviceCert(ctx, key(name))
		},
	})
}

// certCmd describes a "cert" command: whose certificate it keeps, and how.
type certCmd struct {
	noun            string // DEVICE, SERVER
	short, set, del string // the help of the command, of set and of delete
	put             func(ctx context.Context, ks store.KeyStore, name string, data []byte) (keys.CertInfo, error)
	get             func(ctx context.Context, ks store.KeyStore, name string) ([]byte, keys.CertInfo, error)
	remove          func(ctx context.Context, ks store.KeyStore, name string) error
}

// newCertCmd is "cert set NAME FILE | show NAME | delete NAME" of c, on
// the database directly (--db), like keys.
func newCertCmd(c certCmd) *cobra.Command {
	var f keysFlags
	cmd := &cobra.Command{Use: "cert", Short: c.short}
	f.registerDB(cmd)
	set := &cobra.Command{Use: "set " + c.noun + " FILE", Short: c.set, Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readCertFile(cmd.InOrStdin(), args[1])
			if err != nil {
				return err
			}
			return withKeyStore(cmd, &f, func(ctx context.Context, ks store.KeyStore) error {
				info, err := c.put(ctx, ks, args[0], data)
				if err != nil {
					return err
				}
				printCertInfo(cmd.OutOrStdout(), info)
				return nil
			})
		}}
	show := &cobra.Command{Use: "show " + c.noun, Short: "Print the certificate: what it is, then PEM", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withKeyStore(cmd, &f, func(ctx context.Context, ks store.KeyStore) error {
				p, info, err := c.get(ctx, ks, args[0])
				if err != nil {
					return err
				}
				printCertInfo(cmd.OutOrStdout(), info)
				_, err = cmd.OutOrStdout().Write(p)
				return err
			})
		}}
	del := &cobra.Command{Use: "delete " + c.noun, Aliases: []string{"rm"}, Short: c.del, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withKeyStore(cmd, &f, func(ctx context.Context, ks store.KeyStore) error { return c.remove(ctx, ks, args[0]) })
		}}
	cmd.AddCommand(set, show, del)
	return cmd
}

// withKeyStore opens the database of f (which must exist) and runs fn.
func withKeyStore(cmd *cobra.Command, f *keysFlags, fn func(context.Context, store.KeyStore) error) error {
	ctx, cancel := cmdContext(cmd)
	defer cancel()
	st, err := f.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(ctx, st)
}

// readCertFile reads the certificate file (stdin for "-"), at most 1 MiB.
func readCertFile(stdin io.Reader, path string) ([]byte, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, 1<<20))
}

// printCertInfo writes what a certificate is, one field a line.
func printCertInfo(w io.Writer, i keys.CertInfo) {
	fmt.Fprintf(w, "subject:   %s\nissuer:    %s\nkey:       %s\nserial:    %s\nnot after: %s\nSHA-1:     %s\nSHA-256:   %s\ncertHash:  %s\n",
		i.Subject, i.Issuer, i.Key, i.Serial, i.NotAfter.Format(time.DateOnly), i.SHA1, i.SHA256, i.CertHash)
}
