package domain

// RemoteCluster is another cluster's TFTP servers, the chapter's
// "Centralized TFTP": a master TFTP server that lacks a file asks each
// enabled remote cluster in turn (lowest Priority first, then by name), and
// within it each of its servers in order, over HTTP.
type RemoteCluster struct {
	// Name names the cluster; the boot timeline and the metrics show it.
	Name string `json:"name" yaml:"name" db:"name"`
	// Priority orders the clusters, lowest first; equal priorities go by
	// name. In a site document the list order is the search order: a
	// record without a priority (0) gets its 1-based position. Shown even
	// when 0, so an export says the order.
	Priority int `json:"priority" yaml:"priority" db:"priority"`
	// Disabled is the chapter's "uncheck Enable for TFTP": the cluster is
	// kept but not asked. Site documents, the API and the CLI show and take
	// it as "enabled" (default true; see remotewire.go); the flag tag makes
	// the CLI's --enabled set it negated.
	Disabled bool `json:"-" yaml:"-" db:"disabled" flag:"enabled,negate"`
	// Servers are up to MaxRemoteServers TFTP servers of the cluster in the
	// order they are asked: "host[:port]", the host an IPv4 address, an
	// IPv6 address in brackets or a name; the port is the HTTP port,
	// RemoteHTTPPort by default.
	Servers []string `json:"servers" yaml:"servers" db:"child:remote_cluster_servers,cluster,position,server"`
	// Description is free text.
	Description string `json:"description,omitempty" yaml:"description,omitempty" db:"description"`
}

// MaxRemoteServers is how many TFTP servers one remote cluster may list
// (the chapter: up to three alternate servers per cluster).
const MaxRemoteServers = 3

// RemoteHTTPPort is the HTTP port a remote server is asked on when its
// address names none: the TFTP service's HTTP port.
const RemoteHTTPPort = 6970
