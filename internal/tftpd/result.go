package tftpd

import (
	"net/netip"
	"time"
)

// Outcome says how a request ended.
type Outcome uint8

// The outcomes of a request.
const (
	OutcomeCompleted Outcome = iota // every block acknowledged
	OutcomeNotFound                 // no source had the file
	OutcomeDenied                   // hostile name or write request
	OutcomeOverflow                 // past the Maximum Serving Count
	OutcomeBusy                     // a source answered busy
	OutcomeAborted                  // timed out, cancelled by the client, or shut down
	OutcomeFailed                   // bad mode or a source failure
)

var outcomeNames = [...]string{"completed", "not_found", "denied", "overflow", "busy", "aborted", "failed"}

// String returns the outcome's name, suitable as a metric label.
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "unknown"
}

// Result describes one finished request, for OnDone.
type Result struct {
	Name     string         // the file name as sent
	Remote   netip.AddrPort // the client
	Outcome  Outcome
	Bytes    int64         // payload bytes acknowledged
	Duration time.Duration // from request to end
	Origin   string        // the remote cluster the file came from; "" for this server's own
	Signer   string        // the key that signed the file here (source.SignerOf); "" when served as stored
	Family   string        // the configuration-file family of the name, resolved once by the chain; "" for other files

	claim *claim // the request's entry against duplicates (duplicates.go)
}
