// Package vconn is the client side of an OpenFlow connection, what
// ovs-ofctl (and any other tool that talks to a switch) opens: a stream
// to "unix:PATH" or "tcp:HOST[:PORT]", the hello exchange with version
// negotiation over an allowed-versions bitmap, and request/reply
// transactions matched by transaction id.
//
// Why it is shaped this way:
//   - Replies are handed back as raw bytes, not decoded messages: the
//     tools print them with openflow.Print exactly as received (the xid in
//     the title line included), and a message type the codec does not
//     model yet must still reach the printer's hex-dump fallback instead
//     of failing the transaction.
//   - Transaction ids come from one process-wide counter, as in OVS: a
//     tool that opens two connections (show does) numbers the second one's
//     messages after the first's, and scripts see those xids in output.
//   - The connection is blocking with a per-call deadline. A command-line
//     tool does one thing at a time; an event loop would buy nothing.
//     Echo requests from the switch are answered while waiting, so a long
//     transaction or a monitor is never dropped for inactivity.
package vconn

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/openflow"
)

var (
	logVconn = vlog.NewModule("vconn")
	logSSL   = vlog.NewModule("stream_ssl")
)

// DefaultPort is the OpenFlow port a "tcp:HOST" name connects to.
const DefaultPort = stream.OpenFlowPort

var xidCounter atomic.Uint32

// NextXid returns the next transaction id of the process (1, 2, ...).
func NextXid() uint32 { return xidCounter.Add(1) }

// Conn is an open OpenFlow connection whose hello exchange is done.
type Conn struct {
	name    string // the vconn name, "unix:/run/br0.mgmt"
	c       net.Conn
	r       *bufio.Reader
	version openflow.Version
	allowed openflow.VersionBitmap
	timeout time.Duration

	wmu sync.Mutex // Send may be called while another goroutine Recvs
	buf []byte
	// pending holds messages read while waiting for something else (a
	// barrier reply behind an asynchronous message): Recv returns them
	// first.
	pending [][]byte
}

// OpenError is a failure to open or to connect, with the text OVS's
// ovs-ofctl prints after "ovs-ofctl: ".
type OpenError struct {
	Text string
	Err  error
}

func (e *OpenError) Error() string { return e.Text }
func (e *OpenError) Unwrap() error { return e.Err }

// Options tune Open.
type Options struct {
	// Versions the client allows (0 means OpenFlow 1.0 only, ovs-ofctl's
	// default).
	Versions openflow.VersionBitmap
	// Timeout bounds the connection and every later receive (0: none).
	Timeout time.Duration
}

func (o Options) versions() openflow.VersionBitmap {
	if o.Versions == 0 {
		return openflow.BitmapOf(openflow.V10)
	}
	return o.Versions
}

// Dial opens the active connection name ("unix:PATH", "tcp:HOST[:PORT]")
// and exchanges hellos. Errors are *OpenError worded as ovs-ofctl words
// them: "connecting to NAME (REASON)" when the stream cannot be opened,
// "NAME: failed to connect to socket (REASON)" when the hello exchange
// fails.
func Dial(name string, o Options) (*Conn, error) {
	full := stream.WithDefaultPort(name, DefaultPort)
	if strings.HasPrefix(name, "ssl:") {
		// This build speaks no SSL: fail as OVS does when SSL is not
		// configured.
		logSSL.Err("Private key must be configured to use SSL")
		logSSL.Err("Certificate must be configured to use SSL")
		logSSL.Err("CA certificate must be configured to use SSL")
		return nil, &OpenError{Text: fmt.Sprintf("connecting to %s (%s)", name, stream.ErrnoText(syscall.ENOPROTOOPT)), Err: syscall.ENOPROTOOPT}
	}
	c, err := dialStream(full, o.Timeout)
	if err != nil {
		return nil, &OpenError{Text: fmt.Sprintf("connecting to %s (%s)", name, stream.Strerror(err)), Err: err}
	}
	conn, err := handshake(c, full, o)
	if err != nil {
		return nil, &OpenError{Text: fmt.Sprintf("%s: failed to connect to socket (%s)", name, stream.Strerror(err)), Err: err}
	}
	return conn, nil
}

// Open resolves target the way ovs-ofctl does and connects to it:
//   - a name with a colon is a connection method (Dial);
//   - otherwise it is tried as a socket path (relative to the run
//     directory, as unix: names are), then as a bridge name
//     (<rundir>/NAME.mgmt), then as a datapath name ("type@name" gives
//     <rundir>/name.mgmt); a candidate that does not exist is skipped.
//
// Nothing found gives "NAME is not a bridge or a socket".
func Open(target string, o Options) (*Conn, error) {
	if strings.ContainsRune(target, ':') {
		return Dial(target, o)
	}
	dpName := target
	if i := strings.IndexByte(target, '@'); i >= 0 {
		dpName = target[i+1:]
	}
	candidates := []string{
		target,
		paths.RunDir() + "/" + target + ".mgmt",
		paths.RunDir() + "/" + dpName + ".mgmt",
	}
	for _, path := range candidates {
		full := "unix:" + path
		c, err := dialStream(full, o.Timeout)
		if err != nil {
			if stream.Errno(err) == syscall.ENOENT {
				continue
			}
			return nil, &OpenError{Text: fmt.Sprintf("%s: failed to open socket (%s)", path, stream.Strerror(err)), Err: err}
		}
		conn, err := handshake(c, full, o)
		if err != nil {
			return nil, &OpenError{Text: fmt.Sprintf("%s: failed to connect to socket (%s)", target, stream.Strerror(err)), Err: err}
		}
		return conn, nil
	}
	return nil, &OpenError{Text: target + " is not a bridge or a socket", Err: syscall.ENOENT}
}

func dialStream(name string, timeout time.Duration) (net.Conn, error) {
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return stream.Dial(ctx, name)
}

// FromConn runs the hello exchange on an already connected stream; name
// is used in log messages.
func FromConn(c net.Conn, name string, o Options) (*Conn, error) {
	return handshake(c, name, o)
}

func handshake(c net.Conn, name string, o Options) (*Conn, error) {
	conn := &Conn{name: name, c: c, r: bufio.NewReaderSize(c, 64<<10), allowed: o.versions(), timeout: o.Timeout}
	hello, err := openflow.EncodeHello(conn.allowed, NextXid())
	if err != nil {
		c.Close()
		return nil, err
	}
	if err := conn.write(hello); err != nil {
		c.Close()
		return nil, err
	}
	conn.logSent(hello)
	msg, err := conn.readRaw()
	if err != nil {
		c.Close()
		return nil, err
	}
	conn.logReceived(msg)
	v, err := openflow.NegotiateHello(conn.allowed, msg)
	if err != nil {
		var ne *openflow.NegotiationError
		if errors.As(err, &ne) {
			logVconn.Warn("%s: %s", name, ne.Log)
			// Like OVS, tell the peer why before hanging up; the peer
			// has usually closed already, hence OVS's "Broken pipe".
			conn.write(ne.Reply)
			c.Close()
			return nil, syscall.EPIPE
		}
		c.Close()
		return nil, syscall.EPROTO
	}
	conn.version = v
	logVconn.Dbg("%s: negotiated OpenFlow version 0x%02x", name, uint8(v))
	return conn, nil
}

// Name is the connection's vconn name ("unix:/run/openvswitch/br0.mgmt").
func (c *Conn) Name() string { return c.name }

// Version is the negotiated OpenFlow version.
func (c *Conn) Version() openflow.Version { return c.version }

// Allowed is the bitmap of versions this side offered.
func (c *Conn) Allowed() openflow.VersionBitmap { return c.allowed }

// SetTimeout changes the deadline applied to each receive (0: none).
func (c *Conn) SetTimeout(d time.Duration) { c.timeout = d }

// Close closes the connection.
func (c *Conn) Close() error { return c.c.Close() }

// Encode encodes m for the connection's version with a fresh xid.
func (c *Conn) Encode(m openflow.Message) ([]byte, uint32, error) {
	xid := NextXid()
	b, err := openflow.Encode(m, uint8(c.version), xid)
	return b, xid, err
}

// Send encodes m with a fresh xid and sends it, returning the xid.
func (c *Conn) Send(m openflow.Message) (uint32, error) {
	b, xid, err := c.Encode(m)
	if err != nil {
		return 0, err
	}
	return xid, c.SendRaw(b)
}

// SendRaw sends one encoded message as is.
func (c *Conn) SendRaw(b []byte) error {
	if err := c.write(b); err != nil {
		return err
	}
	c.logSent(b)
	return nil
}

func (c *Conn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.timeout > 0 {
		c.c.SetWriteDeadline(time.Now().Add(c.timeout))
	}
	_, err := c.c.Write(b)
	return err
}

func (c *Conn) readRaw() ([]byte, error) {
	if c.timeout > 0 {
		c.c.SetReadDeadline(time.Now().Add(c.timeout))
	}
	b, err := openflow.ReadMessage(c.r, nil)
	if err != nil {
		if errors.Is(err, openflow.ErrShortLength) {
			return nil, syscall.EPROTO
		}
		if err == io.ErrUnexpectedEOF {
			logVconn.Err("%s: connection dropped mid-packet", c.name)
			return nil, syscall.EPROTO
		}
		return nil, err
	}
	return b, nil
}

// Recv returns the next message from the peer (a fresh slice the caller
// may keep). Echo requests are answered and not returned. io.EOF means
// the peer closed the connection.
func (c *Conn) Recv() ([]byte, error) {
	if len(c.pending) > 0 {
		b := c.pending[0]
		c.pending = c.pending[1:]
		return b, nil
	}
	for {
		b, err := c.readRaw()
		if err != nil {
			return nil, err
		}
		c.logReceived(b)
		if isEchoRequest(b) {
			if err := c.answerEcho(b); err != nil {
				return nil, err
			}
			continue
		}
		return b, nil
	}
}

func isEchoRequest(b []byte) bool { return len(b) >= openflow.HeaderLen && b[1] == 2 }

// answerEcho turns an echo request into its reply in place of a copy:
// the reply is the request with type 3 (the same number in every
// version), as OpenFlow defines it.
func (c *Conn) answerEcho(req []byte) error {
	reply := append([]byte(nil), req...)
	reply[1] = 3
	return c.SendRaw(reply)
}

// Xid returns the transaction id of a raw message.
func Xid(b []byte) uint32 {
	if len(b) < openflow.HeaderLen {
		return 0
	}
	return binary.BigEndian.Uint32(b[4:])
}

// IsError reports whether a raw message is an OFPT_ERROR.
func IsError(b []byte) bool { return len(b) >= openflow.HeaderLen && b[1] == 1 }

// moreFlag reports whether a raw multipart reply has the "more" flag
// set: the flags word follows the header (and the 2-byte type).
func moreFlag(b []byte) bool {
	if len(b) < 12 {
		return false
	}
	return binary.BigEndian.Uint16(b[10:])&1 != 0
}

func isMultipartReply(b []byte) bool {
	if len(b) < openflow.HeaderLen {
		return false
	}
	if b[0] == uint8(openflow.V10) {
		return b[1] == 17
	}
	return b[1] == 19
}

// Transact sends the request req (encoded, with its xid) and returns the
// replies that carry the same xid: one message, or for a multipart
// request every part up to the one without the "more" flag. An error
// reply ends the transaction and is returned as the last reply. Other
// messages that arrive meanwhile are dropped, as OVS's transact does.
func (c *Conn) Transact(req []byte) ([][]byte, error) {
	var replies [][]byte
	err := c.TransactEach(req, func(b []byte) { replies = append(replies, b) })
	return replies, err
}

// TransactEach is Transact handing each reply to fn as it arrives, so
// that a long multipart reply (a dump of 100,000 flows) is decoded and
// printed while the switch is still producing the rest, and never held
// whole in memory.
func (c *Conn) TransactEach(req []byte, fn func(reply []byte)) error {
	if err := c.SendRaw(req); err != nil {
		return err
	}
	xid := Xid(req)
	for {
		b, err := c.Recv()
		if err != nil {
			return err
		}
		if Xid(b) != xid {
			logVconn.Dbg("%s: received reply with xid %08x != expected %08x", c.name, Xid(b), xid)
			continue
		}
		fn(b)
		if isMultipartReply(b) && moreFlag(b) {
			continue
		}
		return nil
	}
}

// TransactMessage encodes m with a fresh xid and runs Transact.
func (c *Conn) TransactMessage(m openflow.Message) ([][]byte, error) {
	b, _, err := c.Encode(m)
	if err != nil {
		return nil, err
	}
	return c.Transact(b)
}

// Barrier sends a barrier request and waits for its reply. Errors the
// switch sends meanwhile for earlier requests are returned in errs (raw
// OFPT_ERROR messages, in arrival order), which is how a batch of
// flow-mods learns which of them failed.
func (c *Conn) Barrier() (errs [][]byte, err error) {
	b, xid, err := c.Encode(&openflow.BarrierRequest{})
	if err != nil {
		return nil, err
	}
	if err := c.SendRaw(b); err != nil {
		return nil, err
	}
	for {
		m, err := c.Recv()
		if err != nil {
			return errs, err
		}
		if IsError(m) {
			errs = append(errs, m)
		}
		if Xid(m) == xid {
			return errs, nil
		}
	}
}

// TransactBatch sends every request in reqs and then a barrier, and
// returns the error replies received before the barrier reply, the way
// ovs-ofctl's add-flows works.
//
// The requests go out in writes of up to batchWrite bytes rather than one
// system call each: 100,000 flow_mods would otherwise cost as many
// round trips through the kernel, and the switch reads a stream anyway.
func (c *Conn) TransactBatch(reqs [][]byte) (errs [][]byte, err error) {
	var buf []byte
	for _, r := range reqs {
		if len(buf)+len(r) > batchWrite && len(buf) > 0 {
			if err := c.write(buf); err != nil {
				return nil, err
			}
			buf = buf[:0]
		}
		if buf == nil {
			buf = make([]byte, 0, batchWrite)
		}
		buf = append(buf, r...)
		c.logSent(r)
	}
	if len(buf) > 0 {
		if err := c.write(buf); err != nil {
			return nil, err
		}
	}
	return c.Barrier()
}

// batchWrite is the size of TransactBatch's writes: large enough that
// system calls stop mattering, small enough to stay in cache.
const batchWrite = 256 << 10

func (c *Conn) logSent(b []byte) {
	if logVconn.Enabled(vlog.Dbg) {
		logVconn.Dbg("%s: sent (Success): %s", c.name, strings.TrimSuffix(openflow.Print(b), "\n"))
	}
}

func (c *Conn) logReceived(b []byte) {
	if logVconn.Enabled(vlog.Dbg) {
		logVconn.Dbg("%s: received: %s", c.name, strings.TrimSuffix(openflow.Print(b), "\n"))
	}
}
