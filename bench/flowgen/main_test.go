package main

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// The shapes iperf3 3.12 prints with -J, cut down to what is read.
const (
	tcpReport = `{"start":{},"intervals":[],"end":{"sum_sent":{"seconds":5.0,"bits_per_second":4.4e9},
		"sum_received":{"start":0,"end":5.04,"seconds":5.04,"bytes":2700000000,"bits_per_second":4285714285.7,"sender":true}}}`
	udpReport = `{"end":{"sum":{"seconds":1.001182,"bits_per_second":11840425.8,"lost_packets":51916,"packets":67340},
		"sum_sent":{"seconds":1.000964,"packets":67340,"lost_packets":0},
		"sum_received":{"seconds":1.001182,"bits_per_second":2711419.1,"jitter_ms":0.15,"lost_packets":51916,"packets":67340}}}`
	oldUDPReport = `{"end":{"sum":{"seconds":2,"bits_per_second":1e6,"lost_packets":10,"packets":110}}}`
	errorReport  = `{"start":{},"intervals":[],"end":{},"error":"unable to connect to server: Connection refused\n"}`
)

func TestIperfFigure(t *testing.T) {
	for _, c := range []struct {
		kind, in, want, err string
	}{
		{"tcp", tcpReport, "4.29", ""},
		{"udp", udpReport, "15406", ""},
		{"udp", oldUDPReport, "50", ""},
		{"tcp", errorReport, "", "unable to connect to server: Connection refused"},
		{"tcp", `{"end":{}}`, "", "no receiver summary"},
		{"udp", `{"end":{"sum":{"seconds":0,"packets":5}}}`, "", "no receiver summary"},
		{"udp", `{"end":{"sum":{"seconds":1,"packets":5,"lost_packets":6}}}`, "", "no receiver summary"},
		{"tcp", `iperf3: error - unable to connect`, "", "not iperf3 -J output: invalid character 'i' looking for beginning of value"},
		{"sctp", tcpReport, "", `unknown kind "sctp" (want tcp or udp)`},
	} {
		got, err := iperfFigure(c.kind, []byte(c.in))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("iperfFigure(%s, %.30q) error = %v, want %q", c.kind, c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("iperfFigure(%s, %.30q) = %q, %v, want %q", c.kind, c.in, got, err, c.want)
		}
	}
}

func FuzzIperfFigure(f *testing.F) {
	for _, s := range []string{tcpReport, udpReport, oldUDPReport, errorReport, `{}`, `null`, `{"end":{"sum":null}}`} {
		f.Add("tcp", []byte(s))
		f.Add("udp", []byte(s))
	}
	f.Fuzz(func(t *testing.T, kind string, data []byte) {
		v, err := iperfFigure(kind, data)
		if err == nil && v == "" {
			t.Fatalf("no figure and no error for %q", data)
		}
	})
}

// vethPair makes a veth pair with unique names in the current namespace
// and removes it when the test ends; it skips when not root.
func vethPair(t *testing.T) (string, string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root for veths and packet sockets")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ip is not installed")
		}
		t.Skip("ip is not installed")
	}
	b := make([]byte, 4)
	rand.Read(b)
	a, z := "fga"+hex.EncodeToString(b), "fgz"+hex.EncodeToString(b)
	if out, err := exec.Command("ip", "link", "add", a, "type", "veth", "peer", "name", z).CombinedOutput(); err != nil {
		t.Fatalf("ip link add: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "link", "del", a).Run() })
	for _, n := range []string{a, z} {
		if out, err := exec.Command("ip", "link", "set", n, "up").CombinedOutput(); err != nil {
			t.Fatalf("ip link set %s up: %v\n%s", n, err, out)
		}
	}
	return a, z
}

// count runs countFrames on ifname while send runs, then stops it.
func count(t *testing.T, ifname string, tag byte, send func()) (uint64, uint64) {
	t.Helper()
	stop := make(chan struct{})
	ready := make(chan struct{})
	type result struct {
		distinct, frames uint64
		err              error
	}
	done := make(chan result, 1)
	go func() {
		d, f, err := countFrames(ifname, tag, stop, func() error { close(ready); return nil })
		done <- result{d, f, err}
	}()
	select {
	case <-ready:
	case r := <-done:
		t.Fatalf("countFrames: %v", r.err)
	}
	send()
	time.Sleep(100 * time.Millisecond)
	close(stop)
	r := <-done
	if r.err != nil {
		t.Fatalf("countFrames: %v", r.err)
	}
	return r.distinct, r.frames
}

func TestSendAndCount(t *testing.T) {
	a, z := vethPair(t)
	bcast := net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	var sent uint32
	distinct, frames := count(t, z, 8, func() {
		// Another run's frames (tag 9) must not count.
		if _, _, err := sendFrames(a, 9, bcast, 20*time.Millisecond, 16); err != nil {
			t.Fatalf("sendFrames: %v", err)
		}
		n, elapsed, err := sendFrames(a, 8, bcast, 100*time.Millisecond, 16)
		if err != nil {
			t.Fatalf("sendFrames: %v", err)
		}
		if n == 0 || elapsed < 100*time.Millisecond {
			t.Fatalf("sendFrames sent %d frames in %v", n, elapsed)
		}
		sent = n
	})
	// A veth drops nothing it can queue, but the receiver's buffer can
	// overflow on a busy machine: every frame counted was sent, and once.
	if distinct == 0 || distinct > uint64(sent) || frames != distinct {
		t.Fatalf("sent %d frames, counted %d frames from %d distinct sources", sent, frames, distinct)
	}
}

func TestTxOff(t *testing.T) {
	a, _ := vethPair(t)
	if err := txOff(a); err != nil {
		t.Fatal(err)
	}
	if err := txOff("fgnonexistent0"); err == nil {
		t.Fatal("txOff on a missing interface succeeded")
	}
}
