package openflow

import "testing"

func BenchmarkMatchText(b *testing.B) {
	m, err := ParseMatch("tcp,in_port=3,dl_vlan=10,nw_src=10.0.0.0/8,nw_dst=1.2.3.4,tp_dst=80,tcp_flags=+syn", nil)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = m.AppendText(buf[:0], nil)
	}
}

func BenchmarkNXMRoundTrip(b *testing.B) {
	m, err := ParseMatch("tcp,in_port=3,dl_vlan=10,nw_src=10.0.0.0/8,nw_dst=1.2.3.4,tp_dst=80,tcp_flags=+syn", nil)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendNXM(buf[:0], m)
		if _, err := DecodeNXM(buf, true); err != nil {
			b.Fatal(err)
		}
	}
}
