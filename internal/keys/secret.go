package keys

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// The environment variables LoadSecret reads.
const (
	// EnvSecretFile names a file holding the secret.
	EnvSecretFile = "CMTFTP_KEYS_SECRET_FILE"
	// EnvSecret holds the secret itself.
	EnvSecret = "CMTFTP_KEYS_SECRET"
)

// MinSecret is the shortest secret LoadSecret accepts, in bytes.
const MinSecret = 16

// ErrNoSecret reports that no secret was given, or one too short.
var ErrNoSecret = errors.New("keys: no secret to seal the private keys")

// LoadSecret returns the secret that seals the private keys: the contents
// of file (the --keys-secret-file flag) when it is not empty, else of the
// file the environment variable CMTFTP_KEYS_SECRET_FILE names, else the
// value of CMTFTP_KEYS_SECRET. Trailing line ends of a file are not part
// of the secret. A secret shorter than MinSecret bytes is refused. Errors
// never hold the secret.
func LoadSecret(file string, getenv func(string) string) ([]byte, error) {
	from := "--keys-secret-file " + file
	if file == "" {
		file = getenv(EnvSecretFile)
		from = EnvSecretFile + "=" + file
	}
	var secret []byte
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("keys secret from %s: %w", from, err)
		}
		secret = bytes.TrimRight(b, "\r\n")
	case getenv(EnvSecret) != "":
		secret, from = []byte(getenv(EnvSecret)), EnvSecret
	default:
		return nil, fmt.Errorf("%w: give --keys-secret-file FILE, or set %s to the path of a file holding it, or %s to the secret itself (at least %d bytes)",
			ErrNoSecret, EnvSecretFile, EnvSecret, MinSecret)
	}
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("%w: the secret from %s has %d bytes, at least %d are needed", ErrNoSecret, from, len(secret), MinSecret)
	}
	return secret, nil
}
