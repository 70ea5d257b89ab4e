package netdev

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
	"time"
)

// TestRecvPaths sends one batch mixing small frames, a VLAN-tagged frame
// (which the veth strips into metadata), GSO frames and a frame bigger than
// the ring's slots (the MTU grew after the port opened) through a veth, and
// checks that both receive paths, the ring and plain recvmmsg, deliver all
// of them in order, whole, with their tags and offload state.
func TestRecvPaths(t *testing.T) {
	needRoot(t)
	for _, mode := range []string{"on", "off"} {
		t.Run("ring="+mode, func(t *testing.T) {
			defer func(old string) { rxRingMode = old }(rxRingMode)
			rxRingMode = mode
			a, b := vethTo(t, "", "")
			pa, err := OpenSystem(a, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer pa.Close()
			pb, err := OpenSystem(b, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer pb.Close()
			if (pb.ring != nil) != (mode == "on") {
				t.Fatalf("ring set up: %v", pb.ring != nil)
			}
			// Raised after opening, so the 3000-byte frame does not
			// fit the slots sized for 1500.
			sh(t, "ip", "link", "set", a, "mtu", "4000")
			sh(t, "ip", "link", "set", b, "mtu", "4000")

			var want []*Packet
			marked := func(seq, size int, vlan bool) {
				p := DefaultPool.Get()
				d := p.Buffer()[:size]
				clear(d)
				copy(d, []byte{0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa})
				off := 12
				if vlan {
					binary.BigEndian.PutUint16(d[12:], 0x8100)
					binary.BigEndian.PutUint16(d[14:], 10)
					off = 16
				}
				binary.BigEndian.PutUint16(d[off:], 0x88b5)
				binary.BigEndian.PutUint32(d[off+2:], uint32(seq))
				p.SetLen(size)
				want = append(want, p)
			}
			marked(0, 64, false)
			marked(1, 64, true)
			want = append(want, gsoFrames(DefaultPool)...)
			marked(2, 3000, false)
			marked(3, 60, false)
			if err := pa.Send(want); err != nil {
				t.Fatal(err)
			}

			deadline := time.AfterFunc(5*time.Second, func() { pb.Close() })
			defer deadline.Stop()
			var got []string
			var bt Batch
			for len(got) < len(want) {
				if err := pb.Recv(&bt); err != nil {
					t.Fatalf("after %d frames: %v", len(got), err)
				}
				for _, p := range bt.Packets() {
					for i, w := range want {
						if bytes.Equal(p.Data, w.Data) {
							got = append(got, fmt.Sprintf("%d gso=%d", i, p.Vnet.GSOType))
						}
					}
					DefaultPool.Put(p)
				}
			}
			var exp []string
			for i, w := range want {
				exp = append(exp, fmt.Sprintf("%d gso=%d", i, w.Vnet.GSOType))
			}
			if fmt.Sprint(got) != fmt.Sprint(exp) {
				t.Errorf("received %v, want %v", got, exp)
			}
			if n := pb.rxDropped.Load(); n != 0 {
				t.Errorf("%d receive drops", n)
			}
		})
	}
}

func TestRingFrameSize(t *testing.T) {
	for _, c := range []struct{ mtu, want int }{{1500, 2048}, {1900, 2048}, {1903, 4096}, {9000, 16384}, {65535, 65536}} {
		if got := ringFrameSize(c.mtu); got != c.want {
			t.Errorf("ringFrameSize(%d) = %d, want %d", c.mtu, got, c.want)
		}
	}
}
