package openflow

import (
	"bytes"
	"errors"
	"testing"
)

// These expectations were taken from ovs-ofctl 3.1 (parse-flow,
// parse-nx-match) so they hold where the real tools are not installed.
func TestParseMatchFormat(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"tcp,nw_src=10.0.0.0/8,tp_dst=80,dl_vlan=10", "tcp,dl_vlan=10,nw_src=10.0.0.0/8,tp_dst=80"},
		{"dl_type=0x0800,nw_proto=6", "tcp"},
		{"in_port=1,dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00", "in_port=1,dl_src=00:11:22:00:00:00/ff:ff:ff:00:00:00"},
		{"reg0=5/0xff", "reg0=0x5/0xff"},
		{"tp_dst=80", ""},
		{"ip,ip_dscp=1", "ip,nw_tos=4"},
		{"tcp,tcp_flags=0x12/0xff", "tcp,tcp_flags=-fin+syn-rst-psh+ack-urg-ece-cwr"},
		{"arp,arp_op=1,nw_src=1.2.3.4", "arp,arp_spa=1.2.3.4,arp_op=1"},
		{"xreg1=5/0xff", "reg3=0x5/0xff"},
		{"vlan_tci=0x1005", "dl_vlan=5,dl_vlan_pcp=0"},
		{"dl_vlan=0xffff", "vlan_tci=0x0000"},
		{"in_port=65535", "in_port=ANY"},
		{"ipv6,ipv6_label=0x12345/0xff", "ipv6,ipv6_label=0x00045/0x000ff"},
		{"packet_type=(1,0x800),nw_src=1.2.3.4", "packet_type=(1,0x800),nw_src=1.2.3.4"},
		{"tcp,recirc_id=1", "recirc_id=0x1,eth,tcp"},
	} {
		m, err := ParseMatch(c.in, nil)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		m.Normalize()
		if got := m.String(); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseMatchErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"bogus=1", "unknown keyword bogus"},
		{"tp_src=70000", "70000: value too large for 2-byte field tcp_src"},
		{"nw_src=1.2.3", "1.2.3: invalid IP address"},
		{"reg0=abc", "abc: bad syntax for reg0 value"},
		{"in_port=foo", "foo: invalid or unknown port for in_port"},
		{"mpls_label=5/0xf", "5/0xf: invalid mask for field mpls_label"},
		{"ip,nw_src=1.2.3.4/33", "1.2.3.4/33: IPv4 network prefix bits not between 0 and 32, inclusive"},
		{"igmp", "field igmp missing value"},
		{"tcp,tcp_flags=+foo", "foo: unknown TCP flag(s)"},
		{"packet_type=(1)", "1): bad syntax for packet type missing ','"},
	} {
		_, err := ParseMatch(c.in, nil)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
}

func TestPortNames(t *testing.T) {
	lookup := func(name string) (uint32, bool) { return 7, name == "eth0" }
	m, err := ParseMatch("in_port=eth0", lookup)
	if err != nil {
		t.Fatal(err)
	}
	namer := func(p uint32) string {
		if p == 7 {
			return "eth0"
		}
		return ""
	}
	if got := string(m.AppendText(nil, namer)); got != "in_port=eth0" {
		t.Errorf("got %q", got)
	}
	if got := m.String(); got != "in_port=7" {
		t.Errorf("got %q", got)
	}
}

func TestNXMEncode(t *testing.T) {
	m, err := ParseMatch("tcp,in_port=4,tp_dst=80", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		0x00, 0x00, 0x00, 0x02, 0x00, 0x04, // NXM_OF_IN_PORT(0004)
		0x00, 0x00, 0x06, 0x02, 0x08, 0x00, // NXM_OF_ETH_TYPE(0800)
		0x00, 0x00, 0x0c, 0x01, 0x06, // NXM_OF_IP_PROTO(06)
		0x00, 0x00, 0x14, 0x02, 0x00, 0x50, // NXM_OF_TCP_DST(0050)
	}
	if got := AppendNXM(nil, m); !bytes.Equal(got, want) {
		t.Fatalf("got % x\nwant % x", got, want)
	}
	oxm := AppendOXM(nil, m, V13)
	s, err := FormatNXM(oxm)
	if err != nil {
		t.Fatal(err)
	}
	if want := "OXM_OF_IN_PORT(00000004), OXM_OF_ETH_TYPE(0800), OXM_OF_IP_PROTO(06), OXM_OF_TCP_DST(0050)"; s != want {
		t.Fatalf("got %q want %q", s, want)
	}
	back, err := DecodeOXM(oxm, V13, true)
	if err != nil || !back.Equal(m) {
		t.Fatalf("OXM round trip: %v %v", back, err)
	}
}

func TestNXMDecodeErrors(t *testing.T) {
	for _, c := range []struct {
		text   string
		strict bool
		want   string
	}{
		{"NXM_OF_TCP_DST(0050)", true, "OFPBMC_BAD_PREREQ"},
		{"NXM_OF_ETH_TYPE(0800) NXM_OF_ETH_TYPE(0800)", false, "OFPBMC_DUP_FIELD"},
		{"NXM_OF_ETH_TYPE(0800) NXM_OF_IP_SRC_W(0a000001/ffffff00)", false, "OFPBMC_BAD_WILDCARDS"},
		{"NXM_OF_ETH_TYPE(8847) OXM_OF_MPLS_LABEL(00100000)", false, "OFPBMC_BAD_VALUE"},
		{"NXM_NX_REG0(00000001) NXM_NX_XXREG0_W(00000000000000000000000000000000/ffffffffffffffffffffffffffffffff)", false, "OFPBMC_DUP_FIELD"},
	} {
		b, err := ParseNXM(c.text)
		if err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
		_, err = DecodeNXM(b, c.strict)
		var ec ErrorCode
		if !errors.As(err, &ec) || ec.Name() != c.want {
			t.Errorf("%q: got %v, want %s", c.text, err, c.want)
		}
	}
	for _, b := range [][]byte{{0, 0}, {0, 0, 0, 2, 0}, {0, 0, 0, 3, 0, 0, 0}, {0xff, 0xff, 0x56, 0x02, 0, 0}} {
		if _, err := DecodeNXM(b, true); err == nil {
			t.Errorf("% x: decoded", b)
		}
	}
}

func TestLooseDecodeDropsUnmetPrereqs(t *testing.T) {
	b, _ := ParseNXM("NXM_OF_VLAN_TCI_W(1005/1fff) NXM_OF_IP_SRC(01020304)")
	m, err := DecodeNXM(b, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.String(); got != "dl_vlan=5" {
		t.Fatalf("got %q", got)
	}
}

func TestRegistry(t *testing.T) {
	for _, name := range []string{"in_port", "dl_src", "eth_src", "nw_src", "tp_dst", "tcp_dst", "xxreg3", "reg15", "nd_tll", "actset_output", "packet_type", "dp_hash", "ip_ecn", "nw_ecn"} {
		if FieldByName(name) == nil {
			t.Errorf("no field %s", name)
		}
	}
	if f := FieldByName("tp_src"); f.Name != "tcp_src" || f.Bytes != 2 || !f.Maskable || f.Prereq != PrereqTCP {
		t.Errorf("tp_src: %+v", f)
	}
	seen := map[string]bool{}
	for _, f := range Fields() {
		if seen[f.Name] {
			t.Errorf("duplicate %s", f.Name)
		}
		seen[f.Name] = true
		if FieldByID(f.ID) != f {
			t.Errorf("%s: FieldByID mismatch", f.Name)
		}
	}
}
