// Package domain holds cmtftp's configuration records as plain values: the
// record types, their normalisation and validation, the model and parameter
// catalogues, the site document, the demo site, the in-memory join that
// assembles a DeviceConfig, and one table describing every record kind. It
// does no I/O and imports nothing of cmtftp's; the store persists these
// records and the renderers read them.
package domain
