package signed

import (
	"crypto/x509"
	"time"

	"cmtftp/internal/trust"
)

// encryptConfig encrypts the configuration plain as name to the phone's
// certificate, signed with st's key (spec §11.3).
func encryptConfig(name string, plain []byte, phone *x509.Certificate, st *State, now time.Time) ([]byte, error) {
	return trust.EncryptConfig(name, plain, phone, st.Signer, trust.Options{Hash: st.Hash, Time: now})
}
