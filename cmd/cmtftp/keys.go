package main

import (
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/keys"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
)

// keysFlags are the flags of the commands that open the database
// directly to reach the keys.
type keysFlags struct {
	db         string
	secretFile string
	bits       int
	httpsKey   string
	tftpNames  []string
	org, unit  string
}

// open opens the database --db names; one that does not exist is made
// only when create is set (keys init).
func (f *keysFlags) open(ctx context.Context, create bool) (*sqlstore.DB, error) {
	dbs, err := parseDB(f.db)
	if err != nil {
		return nil, err
	}
	if dbs.driver == "sqlite" && !create && !fileExists(dbs.target) {
		return nil, fmt.Errorf("%s does not exist", dbs.target)
	}
	return openStore(ctx, dbs)
}

// options are the key options the flags give.
func (f *keysFlags) options() keys.Options {
	return keys.Options{Bits: f.bits, HTTPSKey: keys.KeyType(f.httpsKey), TFTPNames: f.tftpNames, Org: f.org, OrgUnit: f.unit}
}

func (f *keysFlags) registerDB(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.db, "db", "sqlite:cmtftp.db", "configuration database (sqlite:PATH or postgres://…)")
}

// registerMake adds the flags of the commands that make keys.
func (f *keysFlags) registerMake(cmd *cobra.Command, what string) {
	cmd.Flags().StringVar(&f.secretFile, "keys-secret-file", "", "file holding the secret that seals the private keys (else "+keys.EnvSecretFile+" names one, or "+keys.EnvSecret+" holds it)")
	cmd.Flags().IntVar(&f.bits, "bits", 0, "RSA key size, 1024 or 2048 ("+what+")")
	cmd.Flags().StringVar(&f.httpsKey, "https-key", "", "key of the HTTPS 6971 certificate: rsa (the TFTP certificate serves it), or ec (a P-256 key of its own, named in the trust lists as a second TFTP record, signer version 1.1; the TFTP key stays RSA and signs the files) ("+what+")")
	// --tftp-key was this flag's first name; kept as a deprecated alias.
	cmd.Flags().StringVar(&f.httpsKey, "tftp-key", "", "old name of --https-key")
	_ = cmd.Flags().MarkDeprecated("tftp-key", "use --https-key (the TFTP key is always RSA; ec adds an HTTPS key)")
	cmd.Flags().StringArrayVar(&f.tftpNames, "tftp-name", nil, "a name of the TFTP certificate, host name or IP address, repeatable; the first host name is its CN ("+what+")")
	cmd.Flags().StringVar(&f.org, "org", "", "the certificates' organisation, O ("+what+")")
	cmd.Flags().StringVar(&f.unit, "org-unit", "", "the certificates' organisational unit, OU ("+what+")")
}

func newKeysCmd() *cobra.Command {
	var f keysFlags
	cmd := &cobra.Command{Use: "keys", Short: "The signing keys of a secure cluster: SAST (signs the trust lists), TFTP (signs files, serves HTTPS 6971) and an optional EC HTTPS key (serves HTTPS 6971 instead)",
		Long: "keys manages the key pairs cmtftp signs with, kept in the database with each private key sealed\n" +
			"under a secret of the operator's (--keys-secret-file, " + keys.EnvSecretFile + " or " + keys.EnvSecret + ",\n" +
			"at least 16 bytes): without it the keys cannot be used, and it is never stored, printed or logged.\n" +
			"The keys are not part of the site document: export never includes them."}
	f.registerDB(cmd)
	cmd.AddCommand(newKeysMakeCmd(&f, "init"), newKeysMakeCmd(&f, "rotate"), newKeysShowCmd(&f), newKeysCertCmd(&f), newKeysTrustCmd(&f))
	return cmd
}

// newKeysMakeCmd is "keys init" or "keys rotate".
func newKeysMakeCmd(f *keysFlags, verb string) *cobra.Command {
	short, what := "Create the first SAST and TFTP key pairs (RSA 2048 unless told), and an EC HTTPS key pair with --https-key ec", "default 2048, rsa, this host's names, O=cmtftp"
	run := keys.Init
	if verb == "rotate" {
		short = "Replace the TFTP (and HTTPS) key and add a SAST (the oldest of two retires): phones holding the lists accept the next"
		what, run = "default: as the keys replaced", keys.Rotate
	}
	cmd := &cobra.Command{Use: verb, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			secret, err := keys.LoadSecret(f.secretFile, os.Getenv)
			if err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			st, err := f.open(ctx, verb == "init")
			if err != nil {
				return err
			}
			defer st.Close()
			if _, err := run(ctx, st, secret, f.options()); err != nil {
				return err
			}
			return printKeys(ctx, cmd.OutOrStdout(), st)
		}}
	f.registerMake(cmd, what)
	return cmd
}

func newKeysShowCmd(f *keysFlags) *cobra.Command {
	return &cobra.Command{Use: "show", Short: "List the signing keys with their fingerprints as phones show them, and which SAST signs the trust lists", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withKeyStore(cmd, f, func(ctx context.Context, ks store.KeyStore) error { return printKeys(ctx, cmd.OutOrStdout(), ks) })
		}}
}

// printKeys writes the table of the keys of ks.
func printKeys(ctx context.Context, out io.Writer, ks store.KeyStore) error {
	infos, err := keys.Show(ctx, ks)
	if err != nil {
		return err
	}
	if len(infos) == 0 {
		return keys.ErrNoKeys
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tROLE\tSTATE\tSUBJECT\tKEY\tSERIAL\tNOT AFTER\tSHA-1\tSHA-256")
	signer := "no one: no SAST is active (cmtftp keys init)"
	for _, i := range infos {
		state := keyState(i)
		if i.ListSigner {
			signer = fmt.Sprintf("key %d, %s (SHA-1 %s)", i.ID, i.Subject, i.SHA1)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", i.ID, i.Role, state, i.Subject, i.Key, i.Serial,
			i.NotAfter.Format(time.DateOnly), i.SHA1, i.SHA256)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "trust lists are signed by %s\n", signer)
	return err
}

// keyState is what show says a key does.
func keyState(i keys.KeyInfo) string {
	switch {
	case i.Retired:
		return "retired"
	case i.ListSigner:
		return "active, signs lists"
	case i.Role == store.KeyTFTP && i.ServesHTTPS:
		return "active, signs files, serves HTTPS"
	case i.Role == store.KeyTFTP:
		return "active, signs files"
	case i.ServesHTTPS:
		return "active, serves HTTPS"
	case i.Role == store.KeyTrusted:
		return "listed: another cluster's TFTP"
	}
	return "active"
}

func newKeysCertCmd(f *keysFlags) *cobra.Command {
	return &cobra.Command{Use: "cert sast|tftp|https",
		Short: "Print an active certificate as PEM: the SAST that signs the lists, the TFTP certificate (signs the files), or the one HTTPS 6971 serves (the EC HTTPS key's, else the TFTP one)",
		Args:  cobra.ExactArgs(1), ValidArgs: []string{"sast", "tftp", "https"},
		RunE: func(cmd *cobra.Command, args []string) error {
			role := store.KeyRole(args[0])
			if role != store.KeySAST && role != store.KeyTFTP && role != store.KeyHTTPS {
				return fmt.Errorf("keys cert %q: sast, tftp or https", args[0])
			}
			return withKeyStore(cmd, f, func(ctx context.Context, ks store.KeyStore) error {
				der, err := keys.ActiveCert(ctx, ks, role)
				if err != nil {
					return err
				}
				return pem.Encode(cmd.OutOrStdout(), &pem.Block{Type: "CERTIFICATE", Bytes: der})
			})
		}}
}
