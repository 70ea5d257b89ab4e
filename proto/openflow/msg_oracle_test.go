package openflow

import (
	"encoding/hex"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Differential tests against the real ovs-ofctl: our encoder produces the
// bytes, the real tool and Print must describe them identically.

func realOfctl(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ovs-ofctl not installed")
		}
		t.Skip("ovs-ofctl not installed")
	}
	return p
}

func runOfctl(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stderr = nil
	out, _ := cmd.Output()
	return string(out)
}

func mustEncode(t *testing.T, m Message, v Version, xid uint32) []byte {
	t.Helper()
	b, err := Encode(m, uint8(v), xid)
	if err != nil {
		t.Fatalf("encode %T v%d: %v", m, v, err)
	}
	return b
}

// printVectors returns encoded messages for every version plus hand-made
// malformed ones.
func printVectors(t *testing.T) [][]byte {
	var vs [][]byte
	all := []Version{V10, V11, V12, V13, V14, V15}
	for i, v := range all {
		xid := uint32(i*7 + 1)
		msgs := []Message{
			&EchoRequest{}, &EchoRequest{Data: []byte("hello, world\x00\x01\x7f and more than sixteen")},
			&EchoReply{Data: []byte{1, 2, 3}}, &FeaturesRequest{}, &GetConfigRequest{},
			&GetConfigReply{SwitchConfig{Frags: FragDrop, MissSendLen: 128}},
			&SetConfig{SwitchConfig{Frags: FragNXMatch, MissSendLen: 0xffff}},
			&SetConfig{SwitchConfig{Frags: FragReassemble, MissSendLen: 0}},
			&BarrierRequest{}, &BarrierReply{},
			&NXSetPacketInFormat{Format: PacketInNXT2}, &NXFlowModTableID{Enable: true},
			&NXRoleRequest{Role: RolePrimary}, &NXRoleReply{Role: RoleEqual},
			&ErrorMsg{Code: OFPBRC_BAD_TYPE, Data: mustEncode(t, &EchoRequest{}, v, 9)},
			&ErrorMsg{Code: NXBRC_NXM_INVALID, Data: mustEncode(t, &BarrierRequest{}, v, 3)},
			&ErrorMsg{Code: OFPHFC_INCOMPATIBLE, Data: []byte("We support version 0x04\n")},
			&ErrorMsg{Code: OFPBAC_BAD_OUT_PORT},
			&Hello{Versions: BitmapOf(V10, v)},
			&FeaturesReply{DatapathID: 0xfedcba9876543210, NBuffers: 256, NTables: 254, AuxiliaryID: 3,
				Capabilities: 0xffffffff, Actions: 0xfff, Ports: testPorts()},
			&FeaturesReply{DatapathID: 1, Capabilities: 0x47, Actions: 0x87, Ports: testPorts()[:1]},
			&FeaturesReply{},
			&PortMod{PortNo: 3, HWAddr: [6]byte{0, 0x11, 0x22, 0x33, 0x44, 0x55}, Config: PortConfigDown | PortConfigNoFwd,
				Mask: PortConfigDown | PortConfigNoFwd | PortConfigNoPacketIn, Advertise: 0x2808},
			&PortMod{PortNo: PortLocal},
		}
		ac := AsyncConfig{Masks: [numAsyncKinds][2]uint32{{1, 6}, {3, 4}, {0xf, 0x3f}, {7, 1}, {0x18, 8}, {3, 0}}}
		msgs = append(msgs, &NXSetAsyncConfig{ac}, &NXSetAsyncConfig{})
		if v >= V11 {
			msgs = append(msgs, &TableMod{TableID: 1}, &TableMod{TableID: TableAll, Config: 2},
				&TableMod{TableID: 7, Config: 1})
			if v >= V14 {
				msgs = append(msgs, &TableMod{TableID: 3, Config: tableConfigEviction},
					&TableMod{TableID: 4, Config: tableConfigVacancy | tableConfigEviction})
			}
		}
		if v >= V13 {
			msgs = append(msgs, &GetAsyncReply{ac}, &SetAsync{ac}, &SetAsync{})
		}
		for i, p := range testPorts() {
			msgs = append(msgs, &PortStatus{Reason: PortReason(i % 3), Port: p})
		}
		if v >= V12 {
			msgs = append(msgs,
				&RoleRequest{Role: RolePrimary, GenerationID: 12, HasGenerationID: true},
				&RoleReply{Role: RoleSecond}, &RoleRequest{Role: RoleNoChange})
		}
		if v == V10 {
			msgs = append(msgs, &NXSetFlowFormat{Format: FlowFormatNXM}, &NXSetFlowFormat{Format: FlowFormatOpenFlow10})
		}
		if v <= V12 {
			msgs = append(msgs, &SetConfig{SwitchConfig{InvalidTTLToController: true, MissSendLen: 64}})
		}
		if v >= V13 {
			msgs = append(msgs, &GetAsyncRequest{}, &ErrorMsg{Code: OFPACFC_EPERM})
		}
		for _, m := range msgs {
			vs = append(vs, mustEncode(t, m, v, xid))
		}
		h, err := EncodeHello(impliedBitmap(uint8(v)), xid)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, h)
	}
	for _, s := range []string{
		"", "04", "0400000c00000001000100", "0101000c000000010001000500",
		"0101000c0000000100010009", "0401000c00000001002a0001", "0409000c000000010004ffff",
		"0104001400000001000023200000001000000003", "0104001400000001000023200000000c00000001",
		"0101001400000001000000010100000800000001", "0401001800000001ffff00020000232004000008",
		"0101001000000001000000004142434445", "0700000800000001", "0600001000000001000100080000000e",
		"0100000800000001aa", "0418001800000001000000050000000000000000000000000c",
		"0130000800000001", "04ff000800000001", "0404001400000001000023200000000c00000002",
		"0404001400000001000023200000777700000002", "0404001400000001000023210000000c00000002",
	} {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, b)
	}
	return vs
}

func testPorts() []Port {
	return []Port{
		{PortNo: 1, HWAddr: [6]byte{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}, Name: "eth0",
			Config: PortConfigDown, State: PortStateLinkDown, Curr: 0x801, CurrSpeed: 10000},
		{PortNo: PortLocal, HWAddr: [6]byte{2, 0, 0, 0, 0, 1}, Name: "br0", State: PortStateLive | 2<<8},
		{PortNo: 65000 - 62000, Name: "a-very-long-port-name", Config: 0x7f, State: 7 | 3<<8,
			Curr: 0xffff, Advertised: 0x2020, Supported: 0x3fff, Peer: 0x40, CurrSpeed: 40000000, MaxSpeed: 100000000},
		{PortNo: 7, Name: "p7", Config: PortConfigNoPacketIn | PortConfigNoRecv, Supported: 0x60, CurrSpeed: 999, MaxSpeed: 1},
	}
}

func TestPrintMatchesOVS(t *testing.T) {
	bin := realOfctl(t)
	vecs := printVectors(t)
	if len(vecs) < 100 {
		t.Fatalf("only %d vectors", len(vecs))
	}
	for _, b := range vecs {
		h := hex.EncodeToString(b)
		want := runOfctl(t, bin, "ofp-print", h)
		if h == "" {
			want = runOfctl(t, bin, "ofp-print", "")
		}
		if got := Print(b); got != want {
			t.Errorf("ofp-print %s:\n got: %q\nwant: %q", h, got, want)
		}
	}
}

func TestPrintErrorMatchesOVS(t *testing.T) {
	bin := realOfctl(t)
	for i := 1; i < len(errorTable); i++ {
		e := ErrorCode(i)
		if got, want := e.PrintErrorText(), runOfctl(t, bin, "print-error", e.Name()); got != want {
			t.Errorf("print-error %s:\n got: %q\nwant: %q", e.Name(), got, want)
		}
	}
}

func TestEncodeErrorReplyMatchesOVS(t *testing.T) {
	bin := realOfctl(t)
	for i := 1; i < len(errorTable); i++ {
		e := ErrorCode(i)
		v := Version(i%6) + 1
		req := mustEncode(t, &EchoRequest{Data: []byte{byte(i)}}, v, uint32(i))
		got, err := EncodeErrorReply(e, req)
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		want := runOfctl(t, bin, "encode-error-reply", e.Name(), hex.EncodeToString(req))
		if g := string(AppendHexDump(nil, got, 0, false)); g != want {
			t.Errorf("encode-error-reply %s v%d:\n got: %q\nwant: %q", e.Name(), v, g, want)
		}
		// And it must decode back to the same error (or the unencodable one).
		m, _, err := Decode(got)
		if err != nil {
			t.Fatalf("%s: decode: %v", e.Name(), err)
		}
		if c := m.(*ErrorMsg).Code; c != e && c != NXBRC_UNENCODABLE_ERROR && !sameWire(c, e, v) {
			t.Errorf("%s v%d decoded as %s", e.Name(), v, c.Name())
		}
	}
}

func sameWire(a, b ErrorCode, v Version) bool {
	av, at, ac, _ := a.Wire(v)
	bv, bt, bc, _ := b.Wire(v)
	return av == bv && at == bt && ac == bc
}

func TestEncodeHelloMatchesOVS(t *testing.T) {
	bin := realOfctl(t)
	for _, bm := range []VersionBitmap{0x2, 0x6, 0x3e, 0x7e, 0x42, 0x14, 0x50, 0x12, 0x40} {
		got, err := EncodeHello(bm, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := runOfctl(t, bin, "encode-hello", "0x"+strings.TrimLeft(hex.EncodeToString([]byte{byte(bm)}), "0"))
		gs := string(AppendHexDump(nil, got, 0, false)) + Print(got)
		if gs != want {
			t.Errorf("encode-hello %#x:\n got: %q\nwant: %q", bm, gs, want)
		}
	}
}
