package main

import (
	"errors"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"cmtftp/internal/assembly"
	"cmtftp/internal/source/remote"
)

// remoteFlags are serve's flags for centralized TFTP: this server's ID and
// how other clusters' servers are asked.
type remoteFlags struct {
	serverID    string
	timeout     time.Duration
	budget      time.Duration
	downFor     time.Duration
	keep        time.Duration
	concurrency int
	common      []string
	affinityTTL time.Duration
}

func (f *remoteFlags) bind(fl *pflag.FlagSet) {
	fl.StringVar(&f.serverID, "server-id", "", "this server's name in the X-Cmtftp-Via header of requests between clusters (loop detection); default: random per start")
	fl.DurationVar(&f.timeout, "remote-timeout", remote.DefaultTimeout, "how long a remote cluster server may take to begin its answer, or pause in it, before the next is asked and it is marked down")
	fl.DurationVar(&f.budget, "remote-budget", remote.DefaultBudget, "the most one device request waits for remote clusters in all; past it the device is told busy")
	fl.DurationVar(&f.downFor, "remote-down-for", remote.DefaultDownFor, "how long a remote server that timed out or refused a connection is left out before it is probed")
	fl.DurationVar(&f.keep, "remote-keep", remote.DefaultKeep, "how long a file fetched from a remote cluster is served before it is revalidated (If-None-Match)")
	fl.IntVar(&f.concurrency, "remote-concurrency", remote.DefaultConcurrency, "requests to remote cluster servers in flight at once")
	fl.StringSliceVar(&f.common, "remote-common-files", remote.DefaultCommonFiles(), `patterns of the common files a device whose configuration came from another cluster gets from that cluster first (home-cluster affinity); "" turns affinity off`)
	fl.DurationVar(&f.affinityTTL, "remote-affinity-ttl", remote.DefaultAffinityTTL, "how long a device address is sent to the cluster its configuration came from")
}

// apply puts the flags into cfg.
func (f *remoteFlags) apply(cfg *assembly.Config) error {
	if f.timeout <= 0 || f.budget <= 0 || f.downFor <= 0 || f.keep <= 0 || f.affinityTTL <= 0 || f.concurrency < 1 {
		return errors.New("--remote-timeout, --remote-budget, --remote-down-for, --remote-keep, --remote-affinity-ttl and --remote-concurrency must be positive")
	}
	cfg.ServerID = f.serverID
	common := []string{}
	for _, p := range f.common {
		if p = strings.TrimSpace(p); p != "" {
			common = append(common, p)
		}
	}
	cfg.Remote = remote.Config{Timeout: f.timeout, Budget: f.budget, DownFor: f.downFor, Keep: f.keep,
		Concurrency: f.concurrency, CommonFiles: common, AffinityTTL: f.affinityTTL}
	return nil
}
