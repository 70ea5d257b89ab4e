package openflow

import (
	"bytes"
	"context"
	"encoding/hex"
	"net"
	"os/exec"
	"testing"
	"time"
)

// TestNegotiationFailureMatchesOVS plays a fake switch to the real
// ovs-ofctl: it sends a hello that shares no version with ovs-ofctl and
// checks that ovs-ofctl's hello and its OFPHFC_INCOMPATIBLE error are
// byte-identical to what NegotiateHello produces in its position.
func TestNegotiationFailureMatchesOVS(t *testing.T) {
	bin := realOfctl(t)
	for _, c := range []struct {
		ofctlVersions string
		ours          VersionBitmap
		peerHello     string
	}{
		{"OpenFlow13,OpenFlow14", BitmapOf(V13, V14), "0100000800000007"},
		{"OpenFlow13", BitmapOf(V13), "0200000800000007"},
		{"OpenFlow10,OpenFlow13,OpenFlow15", BitmapOf(V10, V13, V15), "0600001000000007000100080000000c"},
	} {
		peer, _ := hex.DecodeString(c.peerHello)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		cmd := exec.CommandContext(ctx, bin, "-O", c.ofctlVersions, "show", "tcp:"+ln.Addr().String())
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatal(err)
		}
		conn, err := ln.Accept()
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := conn.Write(peer); err != nil {
			t.Fatal(err)
		}
		theirHello, err1 := ReadMessage(conn, nil)
		theirHello = append([]byte(nil), theirHello...)
		theirErr, err2 := ReadMessage(conn, nil)
		conn.Close()
		cmd.Wait()
		cancel()
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: reading from ovs-ofctl: %v %v", c.ofctlVersions, err1, err2)
		}
		m, _, err := Decode(theirHello)
		if err != nil || m.(*Hello).Versions != c.ours {
			t.Errorf("%s: ovs-ofctl hello %x decoded as %v %v", c.ofctlVersions, theirHello, m, err)
		}
		_, err = NegotiateHello(c.ours, peer)
		ne, ok := err.(*NegotiationError)
		if !ok {
			t.Fatalf("%s: %v", c.ofctlVersions, err)
		}
		if !bytes.Equal(ne.Reply, theirErr) {
			t.Errorf("%s: reply\n got %x\nwant %x", c.ofctlVersions, ne.Reply, theirErr)
		}
	}
}
