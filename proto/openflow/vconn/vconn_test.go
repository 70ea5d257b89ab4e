package vconn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govs/ovs/proto/openflow"
)

// fakeSwitch serves one connection on a Unix socket: it sends a hello for
// versions, then runs script with the connection.
func fakeSwitch(t *testing.T, versions openflow.VersionBitmap, script func(c net.Conn)) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "sw.mgmt")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		hello, _ := openflow.EncodeHello(versions, 100)
		c.Write(hello)
		if _, err := openflow.ReadMessage(c, nil); err != nil {
			return
		}
		script(c)
	}()
	return path
}

func TestHelloNegotiatesHighestCommonVersion(t *testing.T) {
	path := fakeSwitch(t, openflow.AllVersions, func(c net.Conn) {})
	conn, err := Dial("unix:"+path, Options{Versions: openflow.BitmapOf(openflow.V10, openflow.V13)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if conn.Version() != openflow.V13 {
		t.Fatalf("negotiated %v, want OpenFlow13", conn.Version())
	}
	if conn.Name() != "unix:"+path {
		t.Errorf("name %q", conn.Name())
	}
}

func TestHelloFailureIsBrokenPipe(t *testing.T) {
	path := fakeSwitch(t, openflow.BitmapOf(openflow.V10), func(c net.Conn) {})
	_, err := Dial("unix:"+path, Options{Versions: openflow.BitmapOf(openflow.V13)})
	var oe *OpenError
	if !errors.As(err, &oe) {
		t.Fatalf("error %v is not an OpenError", err)
	}
	want := "unix:" + path + ": failed to connect to socket (Broken pipe)"
	if oe.Text != want {
		t.Errorf("got %q, want %q", oe.Text, want)
	}
}

func TestDialErrorsWordedAsOVS(t *testing.T) {
	dir := t.TempDir()
	_, err := Dial("unix:"+dir+"/none", Options{})
	if err == nil || err.Error() != "connecting to unix:"+dir+"/none (No such file or directory)" {
		t.Errorf("got %v", err)
	}
	t.Setenv("OVS_RUNDIR", dir)
	_, err = Open("br9", Options{})
	if err == nil || err.Error() != "br9 is not a bridge or a socket" {
		t.Errorf("got %v", err)
	}
	// A file that exists but is not a listening socket.
	f := filepath.Join(dir, "br8.mgmt")
	os.WriteFile(f, nil, 0o644)
	_, err = Open("br8", Options{})
	if err == nil || err.Error() != f+": failed to open socket (Connection refused)" {
		t.Errorf("got %v", err)
	}
	_, err = Open("foo:bar", Options{})
	if err == nil || err.Error() != "connecting to foo:bar (Address family not supported by protocol)" {
		t.Errorf("got %v", err)
	}
}

func TestOpenBridgeNameInRundir(t *testing.T) {
	path := fakeSwitch(t, openflow.AllVersions, func(c net.Conn) {})
	t.Setenv("OVS_RUNDIR", filepath.Dir(path))
	conn, err := Open("sw", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if conn.Version() != openflow.V10 {
		t.Errorf("default versions negotiated %v, want OpenFlow10", conn.Version())
	}
}

// reply answers the request in req with a reply of type typ carrying body,
// with the request's version and xid.
func reply(req []byte, typ byte, body []byte) []byte {
	b := append([]byte{req[0], typ, 0, 0}, req[4:8]...)
	b = append(b, body...)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	return b
}

func TestTransactMultipartAndEcho(t *testing.T) {
	path := fakeSwitch(t, openflow.AllVersions, func(c net.Conn) {
		req, err := openflow.ReadMessage(c, nil)
		if err != nil {
			return
		}
		// An unrelated message and an echo request come first; the
		// client must answer the echo and skip the other.
		c.Write([]byte{4, 4, 0, 16, 0, 0, 0, 99, 0, 0, 0x23, 0x20, 0, 0, 0, 1})
		c.Write([]byte{4, 2, 0, 10, 0, 0, 0, 7, 'h', 'i'})
		echo, err := openflow.ReadMessage(c, nil)
		if err != nil || !bytes.Equal(echo, []byte{4, 3, 0, 10, 0, 0, 0, 7, 'h', 'i'}) {
			t.Errorf("echo reply %x, %v", echo, err)
			return
		}
		// Two parts: the first with the "more" flag.
		c.Write(reply(req, 19, []byte{0, 0, 0, 1, 0, 0, 0, 0}))
		c.Write(reply(req, 19, []byte{0, 0, 0, 0, 0, 0, 0, 0}))
	})
	conn, err := Dial("unix:"+path, Options{Versions: openflow.BitmapOf(openflow.V13), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	replies, err := conn.TransactMessage(&openflow.DescRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(replies) != 2 {
		t.Fatalf("%d replies, want 2", len(replies))
	}
}

func TestBarrierCollectsErrors(t *testing.T) {
	path := fakeSwitch(t, openflow.AllVersions, func(c net.Conn) {
		fm, err := openflow.ReadMessage(c, nil)
		if err != nil {
			return
		}
		barrier, err := openflow.ReadMessage(c, nil)
		if err != nil {
			return
		}
		e, _ := openflow.Encode(&openflow.ErrorMsg{Code: openflow.OFPFMFC_OVERLAP, Data: fm}, fm[0], Xid(fm))
		c.Write(e)
		c.Write(reply(barrier, 19, nil))
	})
	conn, err := Dial("unix:"+path, Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fm := openflow.NewFlowMod(openflow.FlowAdd)
	b, _, err := conn.Encode(fm)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := conn.TransactBatch([][]byte{b})
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 1 || !IsError(errs[0]) || Xid(errs[0]) != Xid(b) {
		t.Fatalf("errors %x", errs)
	}
	if !strings.Contains(openflow.Print(errs[0]), "OFPFMFC_OVERLAP") {
		t.Errorf("error prints as %q", openflow.Print(errs[0]))
	}
}

func TestRecvEOFAndMidPacketDrop(t *testing.T) {
	path := fakeSwitch(t, openflow.AllVersions, func(c net.Conn) {
		c.Write([]byte{1, 4, 0, 20, 0, 0})
	})
	conn, err := Dial("unix:"+path, Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Recv(); !errors.Is(err, syscall.EPROTO) {
		t.Errorf("truncated message: %v, want EPROTO", err)
	}

	path = fakeSwitch(t, openflow.AllVersions, func(c net.Conn) {})
	conn2, err := Dial("unix:"+path, Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	if _, err := conn2.Recv(); !errors.Is(err, io.EOF) {
		t.Errorf("closed connection: %v, want EOF", err)
	}
}

func TestXidsAreProcessWide(t *testing.T) {
	a := NextXid()
	b := NextXid()
	if b != a+1 {
		t.Errorf("xids %d then %d", a, b)
	}
}

func TestReadTimeout(t *testing.T) {
	block := make(chan struct{})
	path := fakeSwitch(t, openflow.AllVersions, func(c net.Conn) { <-block })
	defer close(block)
	conn, err := Dial("unix:"+path, Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetTimeout(50 * time.Millisecond)
	if _, err := conn.Recv(); err == nil {
		t.Fatal("Recv returned without data")
	}
}

// FuzzHandshake feeds arbitrary bytes as the switch's side of the hello
// exchange and what follows: the client must fail cleanly or connect.
func FuzzHandshake(f *testing.F) {
	hello, _ := openflow.EncodeHello(openflow.AllVersions, 1)
	f.Add(hello)
	f.Add([]byte{1, 0, 0, 8, 0, 0, 0, 1})
	f.Add([]byte{4, 0, 0, 16, 0, 0, 0, 1, 0, 1, 0, 8, 0, 0, 0, 0x12})
	f.Add([]byte{1, 0, 0, 4})
	f.Add(append(append([]byte(nil), hello...), 1, 2, 0, 8, 0, 0, 0, 3))
	f.Fuzz(func(t *testing.T, peer []byte) {
		a, b := net.Pipe()
		// net.Pipe is unbuffered: read and write on separate
		// goroutines so neither side waits for the other.
		go io.Copy(io.Discard, b)
		go b.Write(peer)
		conn, err := FromConn(a, "fuzz", Options{Versions: openflow.AllVersions, Timeout: 20 * time.Millisecond})
		if err != nil {
			a.Close()
			b.Close()
			return
		}
		conn.SetTimeout(10 * time.Millisecond)
		for i := 0; i < 4; i++ {
			if _, err := conn.Recv(); err != nil {
				break
			}
		}
		conn.Close()
		b.Close()
	})
}
