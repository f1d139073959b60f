package dhcp

// Discovery is how a device found its TFTP servers on an interface: the
// lease a real exchange gave it and what its order of precedence made of
// the answer.
type Discovery struct {
	Iface string `json:"iface"`
	// Lease is the address the device got, with its prefix length;
	// Server is the DHCP server that gave it.
	Lease  string `json:"lease"`
	Server string `json:"dhcp_server,omitempty"`
	Result
}
