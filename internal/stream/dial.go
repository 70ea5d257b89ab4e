package stream

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// Dial opens an active connection to name ("unix:PATH" or "tcp:HOST:PORT").
// The context bounds the whole attempt, name resolution included.
//
// A name that cannot be opened is logged as OVS logs it and fails with a
// *NameError; a failed connection attempt fails with the system's error
// (use Strerror to print it).
func Dial(ctx context.Context, name string) (net.Conn, error) {
	t, err := parse(name)
	if err != nil {
		if t.method == methodTCP {
			if t.addrErr != "" {
				logSocketUtil.Err("%s", t.addrErr)
			}
			logTCP.Err("%s: connect: %s", name, ErrnoText(syscall.EAFNOSUPPORT))
		}
		return nil, err
	}
	switch t.method {
	case methodUnix:
		c, err := dialUnix(ctx, t.path)
		if err != nil {
			logUnix.Dbg("%s: connection failed (%s)", t.path, Strerror(err))
			return nil, err
		}
		return c, nil
	case methodTCP:
		return dialTCP(ctx, t)
	}
	return nil, &NameError{Name: name, Err: syscall.EAFNOSUPPORT}
}

func dialTCP(ctx context.Context, t *target) (net.Conn, error) {
	host := t.host
	if !isIP(host) {
		addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil || len(addrs) == 0 {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			logTCP.Err("%s: connect: %s", t.name, ErrnoText(syscall.EAFNOSUPPORT))
			return nil, &NameError{Name: t.name, Err: syscall.EAFNOSUPPORT}
		}
		host = addrs[0].Unmap().String()
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(t.port)))
	if err != nil {
		return nil, err
	}
	return c, nil
}

// maxSunPath is the room for a path in sockaddr_un, less the NUL.
const maxSunPath = len(unix.RawSockaddrUnix{}.Path) - 1

// shortPath returns a name by which the socket at path can be reached when
// path is too long for sockaddr_un: OVS does the same trick of going
// through /proc/self/fd with the directory held open. release must be
// called once the name has been used.
func shortPath(path string) (name string, release func(), err error) {
	if len(path) <= maxSunPath {
		return path, func() {}, nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", nil, err
	}
	name = "/proc/self/fd/" + strconv.Itoa(fd) + "/" + base
	if len(name) > maxSunPath {
		unix.Close(fd)
		return "", nil, syscall.ENAMETOOLONG
	}
	return name, func() { unix.Close(fd) }, nil
}

func dialUnix(ctx context.Context, path string) (net.Conn, error) {
	name, release, err := shortPath(path)
	if err != nil {
		return nil, err
	}
	defer release()
	var d net.Dialer
	return d.DialContext(ctx, "unix", name)
}

// Listen opens a passive connection method: "punix:PATH" (an existing file
// at PATH is removed first, as OVS does, so a socket left behind by a
// crashed daemon does not block its successor) or "ptcp:PORT[:IP]" (port 0
// picks a free port; Addr reports it). Closing a punix listener removes
// its socket file if it is still ours.
func Listen(name string) (net.Listener, error) {
	t, err := parse(name)
	if err != nil {
		if t.method == methodPTCP && t.addrErr != "" {
			logSocketUtil.Err("%s", t.addrErr)
		}
		return nil, err
	}
	switch t.method {
	case methodPUnix:
		return listenUnix(t.path)
	case methodPTCP:
		return listenTCP(t)
	}
	return nil, &NameError{Name: name, Err: syscall.EAFNOSUPPORT}
}

func listenTCP(t *target) (net.Listener, error) {
	network, host := "tcp4", "0.0.0.0"
	if t.host != "" {
		host = t.host
		if !isIP(host) {
			addrs, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", host)
			if err != nil || len(addrs) == 0 {
				return nil, &NameError{Name: t.name, Err: syscall.EAGAIN}
			}
			host = addrs[0].Unmap().String()
		}
		// "tcp" on an IPv6 address lets [::] take IPv4 connections
		// too, which is what OVS documents for pssl:6640:[::].
		network = "tcp"
		if a, err := netip.ParseAddr(host); err == nil && a.Is4() {
			network = "tcp4"
		}
	}
	l, err := net.Listen(network, net.JoinHostPort(host, strconv.Itoa(t.port)))
	if err != nil {
		logSocketUtil.Err("%s: bind: %s", t.suffix, Strerror(err))
		return nil, err
	}
	if t.port == 0 {
		logSocketUtil.Info("%s: listening on port %d", t.suffix, l.Addr().(*net.TCPAddr).Port)
	}
	return l, nil
}

// unixListener removes its socket file on Close, but only if the file is
// still the one it bound: a successor that already replaced it keeps its
// socket.
type unixListener struct {
	*net.UnixListener
	path   string
	ino    uint64
	dev    uint64
	closed atomic.Bool
}

func listenUnix(path string) (net.Listener, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		logUnix.Warn("%s: could not remove stale socket (%s)", path, Strerror(err))
	}
	name, release, err := shortPath(path)
	if err != nil {
		logUnix.Err("%s: binding failed: %s", path, Strerror(err))
		return nil, err
	}
	defer release()
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: name, Net: "unix"})
	if err != nil {
		logUnix.Err("%s: binding failed: %s", path, Strerror(err))
		return nil, err
	}
	// The name may go through /proc/self/fd, which means nothing once
	// release runs: we unlink by the real path ourselves.
	l.SetUnlinkOnClose(false)
	ul := &unixListener{UnixListener: l, path: path}
	var st unix.Stat_t
	if unix.Stat(path, &st) == nil {
		ul.ino, ul.dev = st.Ino, st.Dev
	}
	return ul, nil
}

func (l *unixListener) Close() error {
	if l.closed.Swap(true) {
		return l.UnixListener.Close()
	}
	var st unix.Stat_t
	if unix.Stat(l.path, &st) == nil && st.Ino == l.ino && st.Dev == l.dev {
		os.Remove(l.path)
	}
	return l.UnixListener.Close()
}

// Addr reports the socket's real path even when it was bound through
// /proc/self/fd.
func (l *unixListener) Addr() net.Addr { return &net.UnixAddr{Name: l.path, Net: "unix"} }

var unixPeers atomic.Int64

// PeerName names an accepted connection for log messages as OVS does:
// "unix#N" with N counting the unix connections this process accepted, or
// "tcp:IP:PORT" with the peer's address.
func PeerName(c net.Conn) string {
	switch a := c.RemoteAddr().(type) {
	case *net.TCPAddr:
		return "tcp:" + net.JoinHostPort(a.IP.String(), strconv.Itoa(a.Port))
	}
	return "unix#" + strconv.FormatInt(unixPeers.Add(1)-1, 10)
}
