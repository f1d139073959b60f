package domain

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// RemoteServerAddr parses one server of a remote cluster, "host[:port]":
// the host an IPv4 address, an IPv6 address in brackets ("[2001:db8::1]",
// "[2001:db8::1]:6970") or a DNS host name (RFC 1123 labels), the port
// 1–65535 and RemoteHTTPPort when none is given. It returns the host
// without brackets, so the serving side builds the base URL as
// "http://" + net.JoinHostPort(host, strconv.Itoa(port)). A scheme, a
// path, user info or an unbracketed IPv6 address is an error saying what
// to give instead. Surrounding spaces are ignored.
func RemoteServerAddr(s string) (host string, port int, err error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", 0, errors.New("is empty")
	case strings.Contains(s, "://"):
		return "", 0, fmt.Errorf("%q is a URL: give host[:port], e.g. 192.0.2.31 or tftp-b.example.net:6970", s)
	case strings.ContainsAny(s, "/@?#\\ "):
		return "", 0, fmt.Errorf("%q: give host[:port] only, without a path or user info", s)
	}
	host, portText, err := splitHostPort(s)
	if err != nil {
		return "", 0, err
	}
	port = RemoteHTTPPort
	if portText != "" {
		port, err = strconv.Atoi(portText)
		if err != nil || port < 1 || port > 65535 {
			return "", 0, fmt.Errorf("%q: port %q is not a number in 1–65535", s, portText)
		}
	}
	return host, port, nil
}

// splitHostPort splits s into a checked host and the port text after a
// colon ("" when there is none).
func splitHostPort(s string) (host, port string, err error) {
	if rest, ok := strings.CutPrefix(s, "["); ok {
		addr, after, ok := strings.Cut(rest, "]")
		ip, perr := netip.ParseAddr(addr)
		if !ok || perr != nil || !ip.Is6() || ip.Zone() != "" {
			return "", "", fmt.Errorf("%q: brackets hold an IPv6 address without a zone, e.g. [2001:db8::1]:6970", s)
		}
		if after != "" && !strings.HasPrefix(after, ":") {
			return "", "", fmt.Errorf("%q: after ] comes nothing or :port", s)
		}
		return addr, strings.TrimPrefix(after, ":"), nil
	}
	if strings.Count(s, ":") > 1 {
		if _, err := netip.ParseAddr(s); err == nil {
			return "", "", fmt.Errorf("%q: put an IPv6 address in brackets: [%s] or [%s]:%d", s, s, s, RemoteHTTPPort)
		}
		return "", "", fmt.Errorf("%q is not host[:port]", s)
	}
	host, port, hasPort := strings.Cut(s, ":")
	if hasPort && port == "" {
		return "", "", fmt.Errorf("%q: the port after : is missing", s)
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is4() {
		return host, port, nil
	}
	if !isHostName(host) {
		return "", "", fmt.Errorf("%q: %q is not an IPv4 address or a host name", s, host)
	}
	return host, port, nil
}

// isHostName reports whether s is a DNS host name of RFC 1123 labels whose
// last label is not all digits (so 192.0.2.300 is no name either).
func isHostName(s string) bool {
	if len(s) > 253 || !hostName.MatchString(s) {
		return false
	}
	labels := strings.Split(strings.TrimSuffix(s, "."), ".")
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

// normRemote checks a remote cluster: a name, a priority ≥ 0 and 1 to
// MaxRemoteServers distinct servers (RemoteServerAddr), trimmed, with host
// names lower-cased.
func normRemote(r *RemoteCluster) error {
	if err := name(r, "name", r.Name); err != nil {
		return err
	}
	if r.Priority < 0 {
		return invalid(r, "priority", "%d is negative; give 0 or more (lower is asked first)", r.Priority)
	}
	if err := text(r, "description", r.Description, 128); err != nil {
		return err
	}
	switch {
	case len(r.Servers) == 0:
		return invalid(r, "servers", "at least one server is required")
	case len(r.Servers) > MaxRemoteServers:
		return invalid(r, "servers", "%d servers, at most %d allowed", len(r.Servers), MaxRemoteServers)
	}
	seen := make(map[string]int, len(r.Servers))
	for i, s := range r.Servers {
		f := "servers[" + strconv.Itoa(i) + "]"
		host, port, err := RemoteServerAddr(s)
		if err != nil {
			return invalid(r, f, "%s", err.Error())
		}
		s = strings.TrimSpace(s)
		if _, err := netip.ParseAddr(host); err != nil {
			s = strings.ToLower(s) // a host name: DNS names are case-blind
		}
		id := canonicalServer(host, port)
		if j, dup := seen[id]; dup {
			return invalid(r, f, "%q is servers[%d] again", s, j)
		}
		seen[id], r.Servers[i] = i, s
	}
	return nil
}

// canonicalServer is one spelling of a server for finding duplicates:
// "b" and "B:6970", "[2001:DB8::1]" and "[2001:db8:0::1]:6970" are the same.
func canonicalServer(host string, port int) string {
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.String()
	}
	return strings.ToLower(strings.TrimSuffix(host, ".")) + ":" + strconv.Itoa(port)
}
