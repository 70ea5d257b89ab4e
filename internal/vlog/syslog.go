package vlog

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
)

// Syslog facilities by RFC 5424 code, with OVS's names (OVS has no name for
// code 10, authpriv). An array, not a map literal, so that no tool builds
// it at start-up.
var facilityNames = [...]string{
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "clock",
	"", "ftp", "ntp", "audit", "alert", "clock2", "local0", "local1", "local2", "local3",
	"local4", "local5", "local6", "local7",
}

// facilityCode returns the code of the facility named name.
func facilityCode(name string) (int, bool) {
	if name == "" {
		return 0, false
	}
	for code, n := range facilityNames {
		if n == name {
			return code, true
		}
	}
	return 0, false
}

const (
	facDaemon = 3
	facLocal0 = 16
)

// syslogKind says how syslog messages leave the process.
type syslogKind int

const (
	syslogLibc syslogKind = iota // /dev/log with the C library's header
	syslogUnix                   // a unix datagram socket, OVS's header
	syslogUDP                    // a UDP socket, OVS's header
	syslogNull                   // discard
)

var (
	// Guarded by mu.
	sysKind   = syslogLibc
	sysAddr   = "/dev/log"
	sysConn   net.Conn
	sysFailed bool // connecting failed once; don't retry for every message
	target    net.Conn
	sysBuf    []byte
	sysText   []byte

	syslogMethodChosen bool
)

// SetSyslogMethod selects how syslog messages are sent (--syslog-method):
// "libc" (/dev/log, with the header the C library would add), "unix:FILE",
// "udp:IP:PORT" or "null". Without a call, the OVS_SYSLOG_METHOD environment
// variable decides, then "libc".
func SetSyslogMethod(method string) error {
	kind, addr, err := parseSyslogMethod(method)
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	syslogMethodChosen = true
	setSyslogLocked(kind, addr)
	return nil
}

func parseSyslogMethod(method string) (syslogKind, string, error) {
	switch {
	case method == "libc":
		return syslogLibc, "/dev/log", nil
	case method == "null":
		return syslogNull, "", nil
	case strings.HasPrefix(method, "unix:"):
		return syslogUnix, method[len("unix:"):], nil
	case strings.HasPrefix(method, "udp:"):
		return syslogUDP, method[len("udp:"):], nil
	}
	return 0, "", fmt.Errorf("unsupported syslog method '%s'", method)
}

func setSyslogLocked(kind syslogKind, addr string) {
	if sysConn != nil {
		sysConn.Close()
		sysConn = nil
	}
	sysKind, sysAddr, sysFailed = kind, addr, false
}

// SetSyslogTarget additionally sends every syslog message, OVS-formatted, to
// the UDP address host:port (--syslog-target). "" stops doing so. Errors
// carry OVS's texts ("1.2.3.4: port must be specified"). A host name that
// does not resolve is silently ignored, as in OVS.
func SetSyslogTarget(hostport string) error {
	var c net.Conn
	if hostport != "" {
		host, port, err := splitTarget(hostport)
		if err != nil {
			return err
		}
		if host == "" {
			host = "0.0.0.0"
		}
		addr := net.JoinHostPort(host, port)
		c, _ = net.Dial("udp", addr)
	}
	mu.Lock()
	defer mu.Unlock()
	if target != nil {
		target.Close()
	}
	target = c
	return nil
}

// splitTarget splits "host:port" or "[v6]:port" the way OVS's inet parsing
// does: an unbracketed address with several colons is all host.
func splitTarget(s string) (host, port string, err error) {
	rest := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", fmt.Errorf("%s: bad IP address \"%s\"", s, s)
		}
		host, rest = s[1:end], s[end+1:]
		if strings.HasPrefix(rest, ":") {
			port = rest[1:]
		}
	} else if strings.Count(s, ":") == 1 {
		i := strings.IndexByte(s, ':')
		host, port = s[:i], s[i+1:]
	} else {
		host = s
	}
	if port == "" {
		return "", "", fmt.Errorf("%s: port must be specified", s)
	}
	n := 0
	for i := 0; i < len(port); i++ {
		c := port[i]
		if c < '0' || c > '9' || n > 65535 {
			return "", "", fmt.Errorf("%s: bad port number \"%s\"", s, port)
		}
		n = n*10 + int(c-'0')
	}
	if n > 65535 {
		return "", "", fmt.Errorf("%s: bad port number \"%s\"", s, port)
	}
	return host, port, nil
}

// Init finishes configuration after the command line was processed: without
// --syslog-method, the OVS_SYSLOG_METHOD environment variable picks the
// syslog method. An unusable value is fatal in OVS ("unsupported syslog
// method 'X'"); the caller prints "program: " + err and exits 1.
func Init() error {
	mu.Lock()
	defer mu.Unlock()
	if syslogMethodChosen {
		return nil
	}
	syslogMethodChosen = true
	if m := os.Getenv("OVS_SYSLOG_METHOD"); m != "" {
		kind, addr, err := parseSyslogMethod(m)
		if err != nil {
			return err
		}
		setSyslogLocked(kind, addr)
	}
	return nil
}

func syslogEnvDefault() {
	if syslogMethodChosen {
		return
	}
	syslogMethodChosen = true
	if m := os.Getenv("OVS_SYSLOG_METHOD"); m != "" {
		if kind, addr, err := parseSyslogMethod(m); err == nil {
			setSyslogLocked(kind, addr)
		}
	}
}

// sendSyslog sends r to the syslog method and the syslog target; mu held.
// A missing syslog daemon is not an error worth reporting: OVS daemons run
// fine without one, and there is nowhere to report it anyway.
//
// The formats are what OVS 3.1 sends (observed on the wire):
//   - libc:  "<PRI>Mmm dd hh:mm:ss PROGRAM: LINE", local time, as glibc's
//     syslog(3) formats it;
//   - unix:, udp:  "<PRI>LINE";
//   - --syslog-target: RFC 5424, "<PRI>1 TIMESTAMP HOST PROGRAM PID MODULE -
//     BOM MESSAGE", ignoring the syslog pattern.
//
// LINE is one line of the syslog pattern's expansion: a multi-line expansion
// becomes one datagram per line. PRI's facility defaults to daemon for the
// method and to local0 for the target.
func sendSyslog(r *record) {
	syslogEnvDefault()
	if sysKind != syslogNull {
		if sysConn == nil && !sysFailed {
			network := "unixgram"
			if sysKind == syslogUDP {
				network = "udp"
			}
			c, err := net.Dial(network, sysAddr)
			if err != nil {
				sysFailed = true
			} else {
				sysConn = c
			}
		}
		if sysConn != nil {
			f := facility
			if f < 0 {
				f = facDaemon
			}
			pri := f<<3 | syslogSeverity[r.level]
			text := cString(patternLocked(Syslog).render(sysText[:0], r))
			sysText = text
			for len(text) > 0 {
				line := text
				if i := indexByte(text, '\n'); i >= 0 {
					line, text = text[:i], text[i+1:]
				} else {
					text = nil
				}
				b := append(sysBuf[:0], '<')
				b = appendInt(b, pri)
				b = append(b, '>')
				if sysKind == syslogLibc {
					b = appendStrftime(b, "%h %e %T ", r.now.Local())
					b = append(b, programName...)
					b = append(b, ": "...)
				}
				b = append(b, line...)
				sysBuf = b
				if _, err := sysConn.Write(b); err != nil && isConnGone(err) {
					// syslogd restarted: reconnect on the next message.
					sysConn.Close()
					sysConn = nil
					break
				}
			}
		}
	}
	if target != nil {
		f := facility
		if f < 0 {
			f = facLocal0
		}
		b := append(sysBuf[:0], '<')
		b = appendInt(b, f<<3|syslogSeverity[r.level])
		b = append(b, ">1 "...)
		b = appendStrftime(b, "%Y-%m-%dT%H:%M:%S.###Z ", r.now.UTC())
		b = append(b, hostname...)
		b = append(b, ' ')
		b = append(b, programName...)
		b = append(b, ' ')
		b = appendInt(b, pid)
		b = append(b, ' ')
		b = append(b, r.module.name...)
		b = append(b, " - \xef\xbb\xbf"...)
		b = append(b, r.msg...)
		sysBuf = b
		target.Write(cString(b))
	}
	if cap(sysBuf) > 64<<10 {
		sysBuf = nil
	}
	if cap(sysText) > 64<<10 {
		sysText = nil
	}
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// cString cuts b at the first NUL, as the C string it would be in OVS.
func cString(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

func isConnGone(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOTCONN) ||
		errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EPIPE)
}

// errnoString renders err like the C library's strerror: Go's errno texts
// are glibc's, but in lower case.
func errnoString(err error) string {
	var en syscall.Errno
	if errors.As(err, &en) {
		s := en.Error()
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			s = string(s[0]-'a'+'A') + s[1:]
		}
		return s
	}
	return err.Error()
}
