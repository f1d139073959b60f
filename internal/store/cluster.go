package store

import (
	"context"
	"time"
)

// Member is one cmtftp server attached to the database, as the cluster's
// registry holds it: what it said when it registered and what its latest
// heartbeat reported.
type Member struct {
	// ID names the server for one run of its process (host and a random
	// part): two servers on one host never share it.
	ID string `json:"id"`
	// Host is the server's host name.
	Host string `json:"host"`
	// TFTPAddrs, HTTPAddr and AdminAddr are the addresses it listens on
	// (TFTPAddrs comma-separated; "" for a listener that is off).
	TFTPAddrs string `json:"tftpAddrs"`
	HTTPAddr  string `json:"httpAddr"`
	AdminAddr string `json:"adminAddr"`
	// Version is the binary's version.
	Version string `json:"version"`
	// Started is when the server registered; Heartbeat its latest
	// heartbeat; Interval how often it beats.
	Started   time.Time     `json:"started"`
	Heartbeat time.Time     `json:"heartbeat"`
	Interval  time.Duration `json:"interval"`
	Beat
}

// Beat is what a server reports with every heartbeat.
type Beat struct {
	// AppliedID is the highest change ID every one of its change handlers
	// has processed.
	AppliedID int64 `json:"appliedId"`
	// CacheBytes and CacheEntries are its cache of built files.
	CacheBytes   int64 `json:"cacheBytes"`
	CacheEntries int64 `json:"cacheEntries"`
	// Transfers is the transfers (TFTP and HTTP) it serves at the moment;
	// RequestsMinute the requests it received in the last minute.
	Transfers      int64 `json:"transfers"`
	RequestsMinute int64 `json:"requestsMinute"`
}

// MemberState is a member with what the change log says of it.
type MemberState struct {
	Member
	// Pending is the time of the oldest change it has not applied (zero
	// when it has applied every change).
	Pending time.Time `json:"pending,omitzero"`
}

// Registry is the cluster's registry of servers, kept by the SQL
// backends. Its writes never go through the change log.
type Registry interface {
	// Register adds m (replacing a row with its ID). A silent row of an
	// earlier run of the same server — same host and addresses, no
	// heartbeat for three of its intervals — is removed.
	Register(ctx context.Context, m Member) error
	// Heartbeat records one beat of the server id at time at, in one
	// UPDATE; domain.ErrNotFound when its row is gone (register again).
	Heartbeat(ctx context.Context, id string, at time.Time, b Beat) error
	// Members returns every registered server, oldest first, and the ID
	// of the newest change.
	Members(ctx context.Context) ([]MemberState, int64, error)
	// Leave removes the row of server id.
	Leave(ctx context.Context, id string) error
	// Forget removes the rows of servers silent since before the time
	// given, and returns how many went.
	Forget(ctx context.Context, silentSince time.Time) (int64, error)
}
