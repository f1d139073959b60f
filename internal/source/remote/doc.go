// Package remote is the serving chain's last step: other clusters' TFTP
// servers, asked over HTTP when the local chain lacks a file (the chapter's
// "Centralized TFTP"), and the home-cluster affinity that sends a device's
// requests for common files to the cluster its configuration came from.
package remote
