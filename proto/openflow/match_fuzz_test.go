package openflow

import (
	"encoding/hex"
	"testing"
)

func FuzzParseMatch(f *testing.F) {
	for _, s := range []string{
		"tcp,nw_src=10.0.0.0/8,tp_dst=80,dl_vlan=10", "arp,arp_op=1,arp_sha=00:00:00:00:00:01",
		"icmp6,icmp_type=135,nd_target=1::2", "reg0=5/0xff,xxreg1=7", "packet_type=(1,0x800)",
		"tcp,tcp_flags=+syn-ack", "ip,nw_frag=later", "vlan_tci=0x1000/0x1000", "bogus=1", "tp_dst=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMatch(s, nil)
		if err != nil {
			return
		}
		m.Normalize()
		out := m.String()
		m2, err := ParseMatch(out, nil)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, out, err)
		}
		m2.Normalize()
		if out2 := m2.String(); out2 != out {
			t.Fatalf("%q: printed %q, reprinted %q", s, out, out2)
		}
		// What we print must also survive NXM.
		m3, err := DecodeNXM(AppendNXM(nil, m), true)
		if err != nil {
			t.Fatalf("%q: NXM round trip: %v", out, err)
		}
		if got := m3.String(); got != out {
			t.Fatalf("%q: NXM round trip gave %q", out, got)
		}
	})
}

func nxmSeeds(f *testing.F) {
	for _, s := range []string{
		"00000202 0001", "00000602 0800 00000c01 06 00001402 0050",
		"00010108 00000005 000000ff", "80000a02 0800 80001604 0a000001",
		"ffff5608 4f4e4600 00000004", "80010810 0000000100000002 00000001ffffffff",
	} {
		var b []byte
		for _, w := range splitSpace(s) {
			x, _ := hex.DecodeString(w)
			b = append(b, x...)
		}
		f.Add(b)
	}
}

func splitSpace(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

func FuzzDecodeNXM(f *testing.F) {
	nxmSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, strict := range []bool{false, true} {
			m, err := DecodeNXM(b, strict)
			if err != nil {
				continue
			}
			if _, err := FormatNXM(b); strict && err != nil {
				t.Fatalf("decoded but cannot format: %v", err)
			}
			enc := AppendNXM(nil, m)
			m2, err := DecodeNXM(enc, false)
			if err != nil {
				t.Fatalf("re-encoding %x does not decode: %v", enc, err)
			}
			m.Normalize()
			if m2.String() != m.String() {
				t.Fatalf("round trip: %q vs %q", m.String(), m2.String())
			}
		}
	})
}

func FuzzDecodeOXM(f *testing.F) {
	nxmSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range []Version{V12, V13, V15} {
			m, err := DecodeOXM(b, v, true)
			if err != nil {
				continue
			}
			// OXM cannot say everything vlan_tci can (a priority without
			// a VLAN), so the property is that one encoding is stable.
			enc := AppendOXM(nil, m, v)
			m2, err := DecodeOXM(enc, v, false)
			if err != nil {
				t.Fatalf("re-encoding %x does not decode: %v", enc, err)
			}
			enc2 := AppendOXM(nil, m2, v)
			if string(enc2) != string(enc) {
				t.Fatalf("OXM encoding not stable: %x then %x", enc, enc2)
			}
		}
	})
}
