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
	tftpKey    string
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
	return keys.Options{Bits: f.bits, TFTPKey: keys.KeyType(f.tftpKey), TFTPNames: f.tftpNames, Org: f.org, OrgUnit: f.unit}
}

func (f *keysFlags) registerDB(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.db, "db", "sqlite:cmtftp.db", "configuration database (sqlite:PATH or postgres://…)")
}

// registerMake adds the flags of the commands that make keys.
func (f *keysFlags) registerMake(cmd *cobra.Command, what string) {
	cmd.Flags().StringVar(&f.secretFile, "keys-secret-file", "", "file holding the secret that seals the private keys (else "+keys.EnvSecretFile+" names one, or "+keys.EnvSecret+" holds it)")
	cmd.Flags().IntVar(&f.bits, "bits", 0, "RSA key size, 1024 or 2048 ("+what+")")
	cmd.Flags().StringVar(&f.tftpKey, "tftp-key", "", "TFTP key type: rsa, or ec (P-256, served on HTTPS 6971; trust lists of signer version 1.1) ("+what+")")
	cmd.Flags().StringArrayVar(&f.tftpNames, "tftp-name", nil, "a name of the TFTP certificate, host name or IP address, repeatable; the first host name is its CN ("+what+")")
	cmd.Flags().StringVar(&f.org, "org", "", "the certificates' organisation, O ("+what+")")
	cmd.Flags().StringVar(&f.unit, "org-unit", "", "the certificates' organisational unit, OU ("+what+")")
}

func newKeysCmd() *cobra.Command {
	var f keysFlags
	cmd := &cobra.Command{Use: "keys", Short: "The signing keys of a secure cluster: SAST (signs the trust lists) and TFTP (signs files, serves HTTPS 6971)",
		Long: "keys manages the key pairs cmtftp signs with, kept in the database with each private key sealed\n" +
			"under a secret of the operator's (--keys-secret-file, " + keys.EnvSecretFile + " or " + keys.EnvSecret + ",\n" +
			"at least 16 bytes): without it the keys cannot be used, and it is never stored, printed or logged.\n" +
			"The keys are not part of the site document: export never includes them."}
	f.registerDB(cmd)
	cmd.AddCommand(newKeysMakeCmd(&f, "init"), newKeysMakeCmd(&f, "rotate"), newKeysShowCmd(&f), newKeysCertCmd(&f))
	return cmd
}

// newKeysMakeCmd is "keys init" or "keys rotate".
func newKeysMakeCmd(f *keysFlags, verb string) *cobra.Command {
	short, what := "Create the first SAST and TFTP key pairs (RSA 2048 unless told)", "default 2048, rsa, this host's names, O=cmtftp"
	run := keys.Init
	if verb == "rotate" {
		short = "Replace the TFTP key and add a SAST (the oldest of two retires): phones holding the lists accept the next"
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
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			st, err := f.open(ctx, false)
			if err != nil {
				return err
			}
			defer st.Close()
			return printKeys(ctx, cmd.OutOrStdout(), st)
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
		state := "active"
		switch {
		case i.Retired:
			state = "retired"
		case i.ListSigner:
			state, signer = "active, signs lists", fmt.Sprintf("key %d, %s (SHA-1 %s)", i.ID, i.Subject, i.SHA1)
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

func newKeysCertCmd(f *keysFlags) *cobra.Command {
	return &cobra.Command{Use: "cert sast|tftp", Short: "Print the active certificate as PEM: the SAST that signs the lists, or the TFTP certificate",
		Args: cobra.ExactArgs(1), ValidArgs: []string{"sast", "tftp"},
		RunE: func(cmd *cobra.Command, args []string) error {
			role := store.KeyRole(args[0])
			if role != store.KeySAST && role != store.KeyTFTP {
				return fmt.Errorf("keys cert %q: sast or tftp", args[0])
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			st, err := f.open(ctx, false)
			if err != nil {
				return err
			}
			defer st.Close()
			der, err := keys.ActiveCert(ctx, st, role)
			if err != nil {
				return err
			}
			return pem.Encode(cmd.OutOrStdout(), &pem.Block{Type: "CERTIFICATE", Bytes: der})
		}}
}
