package xlate

import (
	"testing"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// Reading fields, views included, through their storage in flow.Flow.
func TestReadField(t *testing.T) {
	var f flow.Flow
	f.VLANs[0] = flow.VLAN{TPID: 0x8100, TCI: 5<<13 | flow.VLANCFI | 123}
	f.NwTOS = 0xb9 // DSCP 0x2e, ECN 1
	f.IPv4Src = [4]byte{10, 1, 2, 3}
	f.IPv6Dst = [16]byte{0xfe, 0x80, 15: 7}
	f.Regs[2], f.Regs[3] = 0x11223344, 0x55667788
	f.Regs[4], f.Regs[5], f.Regs[6], f.Regs[7] = 1, 2, 3, 4
	f.TpSrc = 8
	f.OFInPort = 0xfffe
	cases := []struct {
		name string
		want u128
	}{
		{"dl_vlan", u128{lo: 123}},
		{"dl_vlan_pcp", u128{lo: 5}},
		{"vlan_pcp", u128{lo: 5}},
		{"vlan_tci", u128{lo: 5<<13 | 0x1000 | 123}},
		{"ip_dscp", u128{lo: 0x2e}},
		{"ip_ecn", u128{lo: 1}},
		{"nw_tos", u128{lo: 0xb8}},
		{"ip_src", u128{lo: 0x0a010203}},
		{"ipv6_dst", u128{hi: 0xfe80 << 48, lo: 7}},
		{"xreg1", u128{lo: 0x1122334455667788}},
		{"xxreg1", u128{hi: 1<<32 | 2, lo: 3<<32 | 4}},
		{"icmp_type", u128{lo: 8}},
		{"in_port", u128{lo: 0xfffe}},
	}
	for _, c := range cases {
		fd := openflow.FieldByName(c.name)
		if fd == nil {
			t.Fatalf("no field %s", c.name)
		}
		if got := readField(&f, fd); got != c.want {
			t.Errorf("%s: got %#x/%#x, want %#x/%#x", c.name, got.hi, got.lo, c.want.hi, c.want.lo)
		}
	}
}

// Subfield reads unwildcard exactly their bits; stores write them.
func TestSubfields(t *testing.T) {
	x := newCtx(NewConfig(nil), &Input{})
	x.flow.IPv4Src = [4]byte{1, 2, 3, 4}
	src := openflow.Subfield{Field: openflow.FieldByName("ip_src"), Ofs: 8, Bits: 8}
	if v := readSubfield(&x.flow, &x.wc, src); v.lo != 3 {
		t.Fatalf("ip_src[8..15] = %d", v.lo)
	}
	if x.wc.IPv4Src != [4]byte{0, 0, 0xff, 0} {
		t.Fatalf("mask %v", x.wc.IPv4Src)
	}
	dst := openflow.Subfield{Field: openflow.FieldByName("reg5"), Ofs: 4, Bits: 8}
	x.storeSubfield(dst, u128{lo: 0xab}, true)
	if x.flow.Regs[5] != 0xab0 {
		t.Fatalf("reg5 = %#x", x.flow.Regs[5])
	}
	x.loadSubfield(openflow.Subfield{Field: openflow.FieldByName("xxreg0"), Ofs: 60, Bits: 8}, u128{lo: 0xff})
	if x.flow.Regs[1] != 0xf || x.flow.Regs[2] != 0xf0000000 {
		t.Fatalf("xxreg0 store: %#x", x.flow.Regs[:4])
	}
	if a, b := ones128(70), (u128{hi: 0x3f, lo: ^uint64(0)}); a != b {
		t.Fatalf("ones128(70) = %#x", a)
	}
	if got := (u128{lo: 1}).shl(100).shr(99); got != (u128{lo: 2}) {
		t.Fatalf("shifts: %#x", got)
	}
}

// Frozen states are shared by equal states and freed when unused.
func TestRecirc(t *testing.T) {
	r := NewRecirc()
	k1 := frozenKey{bridge: "br0", table: 1}
	k2 := frozenKey{bridge: "br0", table: 2}
	a, b, c := r.freeze(&k1, 0), r.freeze(&k2, 0), r.freeze(&k1, 5)
	if a == b || a != c || a == 0 {
		t.Fatalf("ids %d %d %d", a, b, c)
	}
	r.touch([]uint32{b}, 9000)
	r.expire(frozenLinger + 100)
	if _, ok := r.thaw(a); ok {
		t.Fatal("unused state kept")
	}
	if k, ok := r.thaw(b); !ok || k.table != 2 {
		t.Fatal("used state freed")
	}
	if r.Len() != 1 {
		t.Fatalf("%d states", r.Len())
	}
}
