package netdev

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testFlow = "in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1000,dst=53)"

// TestReceiveArgs pins the argument rules and replies of the real
// ovs-vswitchd 3.1's netdev-dummy/receive.
func TestReceiveArgs(t *testing.T) {
	const hdr = "0000000000020000000000010800"
	for _, c := range []struct {
		args string
		n    int // frames delivered
		err  string
	}{
		{args: hdr, n: 1},
		{args: hdr + "AB " + hdr, n: 2},
		{args: "0011", err: "syntax error at 0011"},
		{args: "00000000000200000000000108", err: "syntax error at 00000000000200000000000108"},
		{args: "00000000000200000000000108004", err: "syntax error at 00000000000200000000000108004"},
		{args: "0x" + hdr, err: "syntax error at 0x" + hdr},
		{args: hdr + " 45", n: 1, err: "syntax error at 45"},
		{args: hdr + " --len 30", n: 1, err: "syntax error at --len"},
		{args: "zz", err: "syntax error at zz"},
		{args: "--qid", err: "syntax error at --qid"},
		{args: "--qid 5 in_port(1)", err: "bad rx queue id."},
		{args: "--qid -1 " + hdr, err: "bad rx queue id."},
		{args: "--qid x " + hdr, n: 1},
		// C's atoi keeps the low 32 bits, as Debian's switch shows: 2^32
		// is queue 0, 2^31 is negative.
		{args: "--qid 4294967296 " + hdr, n: 1},
		{args: "--qid 2147483648 " + hdr, err: "bad rx queue id."},
		{args: "--qid 0"},
		{args: "--len 10 in_port=1", err: "syntax error at --len"},
		{args: "in_port=1 --len 10", err: "too small packet len"},
		{args: "in_port=1 --len x", err: "too small packet len"},
		{args: "in_port=1 --len 59", err: "too small packet len"},
		{args: "in_port=1 --len", err: "too small packet len"},
		{args: "in_port=1 --len 60", err: "syntax error at in_port=1"},
		{args: "in_port=1 in_port=2", err: "syntax error at in_port=1"},
		{args: "tcp,tp_dst=80", err: "syntax error at tcp,tp_dst=80"},
		{args: "in_port(1),eth_type(0x0800),ipv4(src=1.1.1.1/255.255.255.0,dst=2.2.2.2)", err: "syntax error at ipv4(src=1.1.1.1/255.255.255.0,dst=2.2.2.2)"},
		{args: "in_port(1)", n: 1},
		{args: testFlow, n: 1},
		{args: testFlow + " --len 200 " + testFlow, n: 2},
		{args: "in_port(1),eth(),eth_type(0x86dd),ipv6(src=::1,dst=::2,proto=17,frag=no),udp(src=1,dst=2) --len 61", err: ""},
		{args: testFlow + " --len 1000000", err: "too large packet len"},
	} {
		var got [][]byte
		err := ReceiveArgs(strings.Fields(c.args), 1, func(b []byte) error {
			got = append(got, b)
			return nil
		})
		if len(got) != c.n {
			t.Errorf("%s: %d frames, want %d", c.args, len(got), c.n)
		}
		wantErr := c.err != "" || strings.HasSuffix(c.args, "--len 61")
		if (err != nil) != wantErr || err != nil && err.Error() != c.err {
			t.Errorf("%s: error %v, want %q", c.args, err, c.err)
		}
	}
}

func TestDummyReceive(t *testing.T) {
	name := "rx" + strings.ReplaceAll(t.Name(), "/", "")
	d := OpenDummy(name, &Pool{})
	t.Cleanup(func() { d.Close() })
	dir := t.TempDir()
	pcap := filepath.Join(dir, "rx.pcap")
	if err := d.SetOptions(map[string]string{"rxq_pcap": pcap}); err != nil {
		t.Fatal(err)
	}
	if _, err := DummyReceive([]string{"nope" + name, "00"}); err == nil || err.Error() != "no such dummy netdev" {
		t.Fatalf("unknown device: %v", err)
	}
	if _, err := DummyReceive([]string{name, testFlow}); err != nil {
		t.Fatal(err)
	}
	var b Batch
	if err := d.Recv(&b); err != nil || b.N != 1 {
		t.Fatalf("recv: %d %v", b.N, err)
	}
	// The frame the real switch composes for testFlow.
	want, _ := hex.DecodeString("50540000000250540000000108004500005c000000004011668f0a0000010a00000203e800350048033b" +
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f")
	if !bytes.Equal(b.Pkts[0].Data, want) {
		t.Fatalf("received %x\nwant %x", b.Pkts[0].Data, want)
	}
	// Reapplying the same options keeps the capture.
	if err := d.SetOptions(map[string]string{"rxq_pcap": pcap}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(pcap)
	if err != nil || len(data) != 24+16+len(want) || !bytes.Equal(data[40:], want) {
		t.Fatalf("capture %d bytes, %v", len(data), err)
	}

	if out, err := DummySetAdminState([]string{name, "down"}); err != nil || out != "OK\n" {
		t.Fatalf("set-admin-state: %q %v", out, err)
	}
	if up, _, _ := d.LinkState(); up {
		t.Fatal("still up")
	}
	for _, c := range []struct{ args, err string }{
		{"foo", "Invalid Admin State"},
		{name + " foo", "Invalid Admin State"},
		{"nope" + name + " up", "Unknown Dummy Interface"},
	} {
		if _, err := DummySetAdminState(strings.Fields(c.args)); err == nil || err.Error() != c.err {
			t.Errorf("%s: %v", c.args, err)
		}
	}
	if _, err := DummySetAdminState([]string{name, "UP"}); err != nil {
		t.Fatal(err)
	}
	if up, _, _ := d.LinkState(); !up {
		t.Fatal("still down")
	}
	if out, _ := DummyConnState([]string{name}); out != name+": unknown\n" {
		t.Errorf("conn-state %q", out)
	}
}

func TestDummyRegistry(t *testing.T) {
	a := OpenDummy("regtest0", nil)
	b := OpenDummy("regtest0", nil)
	if LookupDummy("regtest0") != b {
		t.Fatal("latest open not registered")
	}
	a.Close()
	if LookupDummy("regtest0") != b {
		t.Fatal("closing the older one unregistered the newer")
	}
	b.Close()
	if LookupDummy("regtest0") != nil {
		t.Fatal("closed device still registered")
	}
}

func TestDummyTransmitRecordNeverDrops(t *testing.T) {
	d := OpenDummy("txrec0", &Pool{})
	t.Cleanup(func() { d.Close() })
	p := (&Pool{}).Get()
	p.SetLen(60)
	for i := 0; i < DummyQueueLen+10; i++ {
		p.Data[0] = byte(i)
		d.Send([]*Packet{p})
	}
	if st, _ := d.Stats(); st.TxDropped != 0 || st.TxPackets != DummyQueueLen+10 {
		t.Fatalf("stats %+v", st)
	}
	if f := <-d.Transmitted(); f[0] != 10 {
		t.Fatalf("oldest kept frame %d, want 10", f[0])
	}
}

func FuzzReceiveArgs(f *testing.F) {
	for _, s := range []string{
		"0000000000020000000000010800",
		"--qid 0 " + testFlow + " --len 100",
		"in_port=1 --len",
		testFlow,
		"eth_type(0x8100),vlan(vid=5),encap(eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135),nd(target=::1))",
		"eth(src=00:00:00:00:00:01/ff:00:00:00:00:00)",
		"encap(encap(encap(",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Fields(s)
		ReceiveArgs(args, 1, func(b []byte) error {
			if len(b) > MaxFrame && len(b)*2 > len(s) {
				t.Fatalf("%d-byte frame from %d bytes of arguments", len(b), len(s))
			}
			return nil
		})
	})
}
