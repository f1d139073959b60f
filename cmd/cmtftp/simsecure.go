package main

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"cmtftp/internal/device"
)

// secureFlags are simulate's flags of a phone with a trust list.
type secureFlags struct {
	secure     bool
	itl        string
	saveITL    string
	phoneKey   string
	skipVerify bool
}

func (f *secureFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.secure, "secure", false, "play a phone of a secure cluster: verify the trust list, ask for and verify X.sgn files")
	fl.StringVar(&f.itl, "itl", "", "with --secure: the trust list (ITL/CTL file) the phone installed on an earlier boot (default: none, leap of faith)")
	fl.StringVar(&f.saveITL, "save-itl", "", "with --secure: write the trust list the phone accepted to this file (the next boot's --itl)")
	fl.StringVar(&f.phoneKey, "phone-key", "", "with --secure: the phone's RSA private key (PEM), to decrypt an encrypted configuration")
	fl.BoolVar(&f.skipVerify, "no-verify", false, "with --secure: ask for the signed names but check no signature (a storm's speed)")
}

// apply puts the flags into c; storm says --storm was given.
func (f *secureFlags) apply(c *device.Config, storm bool) error {
	if !f.secure {
		if f.itl != "" || f.saveITL != "" || f.phoneKey != "" || f.skipVerify {
			return errors.New("--itl, --save-itl, --phone-key and --no-verify go with --secure")
		}
		return nil
	}
	if storm && f.saveITL != "" {
		return errors.New("--save-itl keeps one phone's trust list: leave it out of a --storm")
	}
	c.Secure, c.SkipVerify = true, f.skipVerify
	if f.itl != "" {
		b, err := os.ReadFile(f.itl)
		if err != nil {
			return fmt.Errorf("--itl: %w", err)
		}
		c.TrustList = b
	}
	if f.phoneKey != "" {
		k, err := readRSAKey(f.phoneKey)
		if err != nil {
			return fmt.Errorf("--phone-key: %w", err)
		}
		c.PhoneKey = k
	}
	return nil
}

// readRSAKey reads a PEM RSA private key: PKCS#1 ("RSA PRIVATE KEY") or
// PKCS#8 ("PRIVATE KEY").
func readRSAKey(file string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%s holds no PEM block", file)
	}
	switch blk.Type {
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(blk.Bytes)
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, err
		}
		if rk, ok := k.(*rsa.PrivateKey); ok {
			return rk, nil
		}
		return nil, fmt.Errorf("%s holds a %T key, not RSA", file, k)
	}
	return nil, fmt.Errorf("%s holds a PEM %q block, not an RSA private key", file, blk.Type)
}

// saveTrustList writes the trust list the device accepted to file ("":
// not asked); a boot that accepted none writes nothing and says so.
func saveTrustList(cmd *cobra.Command, r *device.Report, file string) error {
	if file == "" {
		return nil
	}
	if r.AcceptedTrustList == nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "--save-itl: the phone accepted no trust list on this boot; %s not written\n", file)
		return nil
	}
	if err := os.WriteFile(file, r.AcceptedTrustList, 0o644); err != nil {
		return fmt.Errorf("--save-itl: %w", err)
	}
	return nil
}
