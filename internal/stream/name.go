package stream

import (
	"net/netip"
	"strconv"
	"strings"
	"syscall"

	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/vlog"
)

// Default ports that OVS tools fill in when a tcp or ptcp name has none.
const (
	OVSDBPort    = 6640
	OpenFlowPort = 6653
)

var (
	logStream     = vlog.NewModule("stream")
	logSocketUtil = vlog.NewModule("socket_util")
	logTCP        = vlog.NewModule("stream_tcp")
	logUnix       = vlog.NewModule("stream_unix")
)

type method uint8

const (
	methodUnknown method = iota
	methodUnix
	methodTCP
	methodPUnix
	methodPTCP
)

func methodOf(name string) (method, string) {
	i := strings.IndexByte(name, ':')
	if i < 0 {
		return methodUnknown, ""
	}
	suffix := name[i+1:]
	switch name[:i] {
	case "unix":
		return methodUnix, suffix
	case "tcp":
		return methodTCP, suffix
	case "punix":
		return methodPUnix, suffix
	case "ptcp":
		return methodPTCP, suffix
	}
	return methodUnknown, suffix
}

// IsActive reports whether name uses an active connection method that this
// package can open ("unix:" or "tcp:"), whether or not the rest of it is
// valid.
func IsActive(name string) bool {
	m, _ := methodOf(name)
	return m == methodUnix || m == methodTCP
}

// IsPassive reports whether name uses a passive connection method that
// this package can open ("punix:" or "ptcp:").
func IsPassive(name string) bool {
	m, _ := methodOf(name)
	return m == methodPUnix || m == methodPTCP
}

// NeedsProbes reports whether connections made through name should send
// inactivity probes by default. As in OVS, unix sockets do not: a local
// peer that stops answering is a hung process, not a lost network path.
func NeedsProbes(name string) bool {
	m, _ := methodOf(name)
	return m == methodTCP || m == methodPTCP
}

// NameError is a connection name that cannot be opened: an unknown method
// or a malformed address. Its errno (EAFNOSUPPORT, or EAGAIN for a passive
// address that does not resolve) is what OVS reports to the user.
type NameError struct {
	Name string
	// Reason is OVS's complaint about the address part, e.g. `bad port
	// number "x"`, or "" when the errno says it all.
	Reason string
	Err    syscall.Errno
}

func (e *NameError) Error() string {
	if e.Reason != "" {
		return e.Name + ": " + e.Reason
	}
	return e.Name + ": " + ErrnoText(e.Err)
}

func (e *NameError) Unwrap() error { return e.Err }

// target is a parsed connection name.
type target struct {
	method method
	name   string
	suffix string
	path   string // unix, punix: absolute socket path
	host   string // tcp, ptcp: host without brackets; ptcp "" means any IPv4
	port   int
	// addrErr is set when the address part is malformed: what socket_util
	// logs about it.
	addrErr string
}

// parse splits name into its parts. It never logs; errors come back as
// *NameError.
func parse(name string) (*target, error) {
	m, suffix := methodOf(name)
	t := &target{method: m, name: name, suffix: suffix}
	switch m {
	case methodUnix, methodPUnix:
		t.path = paths.Abs("", suffix)
	case methodTCP:
		host, port, msg := splitActive(suffix)
		if msg != "" {
			t.addrErr = msg
			return t, &NameError{Name: name, Reason: msg, Err: syscall.EAFNOSUPPORT}
		}
		t.host, t.port = host, port
	case methodPTCP:
		host, port, msg, errno := splitPassive(suffix)
		if msg != "" || errno != 0 {
			t.addrErr = msg
			if errno == 0 {
				errno = syscall.EAFNOSUPPORT
			}
			return t, &NameError{Name: name, Reason: msg, Err: errno}
		}
		t.host, t.port = host, port
	default:
		return t, &NameError{Name: name, Err: syscall.EAFNOSUPPORT}
	}
	return t, nil
}

// splitActive parses "HOST:PORT" or "[IPV6]:PORT". A host with more than
// one colon and no brackets is an IPv6 address without a port, which is
// why OVS says "port must be specified" for "::1:6640".
func splitActive(s string) (host string, port int, msg string) {
	var portStr string
	hasPort := false
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", 0, s + ": port must be specified"
		}
		host = s[1:end]
		rest := s[end+1:]
		switch {
		case rest == "":
		case rest[0] == ':':
			portStr, hasPort = rest[1:], true
		default:
			return "", 0, s + ": port must be specified"
		}
	} else if i := strings.IndexByte(s, ':'); i >= 0 {
		host, portStr, hasPort = s[:i], s[i+1:], true
		if strings.IndexByte(portStr, ':') >= 0 {
			return "", 0, s + ": port must be specified"
		}
	} else {
		host = s
	}
	if !hasPort {
		return "", 0, s + ": port must be specified"
	}
	p, ok := parsePort(portStr)
	if !ok {
		return "", 0, s + ": bad port number \"" + portStr + "\""
	}
	return host, p, ""
}

// splitPassive parses "PORT[:IP]" where IP may be bracketed.
func splitPassive(s string) (host string, port int, msg string, errno syscall.Errno) {
	portStr, ip, hasIP := strings.Cut(s, ":")
	p, ok := parsePort(portStr)
	if !ok {
		return "", 0, s + ": bad port number \"" + portStr + "\"", 0
	}
	if !hasIP {
		return "", p, "", 0
	}
	if strings.HasPrefix(ip, "[") {
		ip = strings.TrimSuffix(ip[1:], "]")
	} else if strings.IndexByte(ip, ':') >= 0 {
		return "", 0, s + ": port must be specified", 0
	}
	if ip == "" {
		// OVS tries to resolve the empty name and reports the
		// resolver's "try again".
		return "", 0, "", syscall.EAGAIN
	}
	return ip, p, "", 0
}

// parsePort accepts what C's strtol accepts for a whole string in base 10
// (leading white space, an optional '+'), in the range of a TCP port.
func parsePort(s string) (int, bool) {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	s = strings.TrimPrefix(s, "+")
	if s == "" || len(s) > 10 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 || s[0] == '-' {
		return 0, false
	}
	return n, true
}

// Verify checks that name is a connection name this package can open,
// without opening it. The error is a *NameError.
func Verify(name string) error {
	_, err := parse(name)
	return err
}

// WithDefaultPort returns name with port filled in where OVS's tools fill
// it in: "tcp:IP" becomes "tcp:IP:port" (logging OVS's warning that the
// default changed when port is one of the well-known ones) and "ptcp:" or
// "ptcp::IP" gets port as its port. Other names are returned unchanged.
func WithDefaultPort(name string, port int) string {
	switch {
	case strings.HasPrefix(name, "tcp:"), strings.HasPrefix(name, "ssl:"):
		// OVS counts the non-empty colon-separated fields; fewer
		// than three means there is no port.
		fields := 0
		for _, f := range strings.Split(name, ":") {
			if f != "" {
				fields++
			}
		}
		if fields >= 3 {
			return name
		}
		switch port {
		case OVSDBPort:
			logStream.Warn("The default OVSDB port number has changed from 6632 to 6640")
		case OpenFlowPort:
			logStream.Warn("The default OpenFlow port number has changed from 6633 to 6653")
		}
		return name + ":" + strconv.Itoa(port)
	case strings.HasPrefix(name, "ptcp:"), strings.HasPrefix(name, "pssl:"):
		suffix := name[5:]
		if suffix == "" || suffix[0] == ':' {
			return name[:5] + strconv.Itoa(port) + suffix
		}
	}
	return name
}

// ActiveIPv4 returns the IPv4 address and port of an active "tcp:" or
// "ssl:" name, with defaultPort when it names none; ok is false for other
// methods, host names and IPv6 (in-band control is IPv4 only in OVS).
func ActiveIPv4(name string, defaultPort int) (addr netip.AddrPort, ok bool) {
	rest, found := strings.CutPrefix(name, "tcp:")
	if !found {
		if rest, found = strings.CutPrefix(name, "ssl:"); !found {
			return netip.AddrPort{}, false
		}
	}
	host, port := rest, defaultPort
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		h, p, msg := splitActive(rest)
		if msg != "" {
			return netip.AddrPort{}, false
		}
		host, port = h, p
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Is4() {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ip, uint16(port)), true
}

// isIP reports whether host is an IP literal (an IPv6 one may carry a
// %zone).
func isIP(host string) bool {
	_, err := netip.ParseAddr(host)
	return err == nil
}
