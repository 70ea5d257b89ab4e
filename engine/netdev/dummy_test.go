package netdev

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDummyRoundTrip(t *testing.T) {
	d := OpenDummy("p1", nil)
	t.Cleanup(func() { d.Close() })
	if d.Type() != "dummy" || d.Name() != "p1" || d.Ifindex() != 0 {
		t.Fatalf("type %q name %q ifindex %d", d.Type(), d.Name(), d.Ifindex())
	}
	mac, _ := d.HWAddr()
	if mac[0] != 0xaa || mac[1] != 0x55 || mac[2] != 0xaa || mac[3] != 0x55 {
		t.Errorf("MAC %s, want aa:55:aa:55:xx:xx", mac)
	}
	if a, l, s := d.LinkState(); !a || !l || s != 0 {
		t.Errorf("link state %v %v %d", a, l, s)
	}
	if mtu, _ := d.MTU(); mtu != 1500 {
		t.Errorf("MTU %d", mtu)
	}
	if st := d.Status(); len(st) != 0 {
		t.Errorf("status %v", st)
	}

	frames := [][]byte{bytes.Repeat([]byte{1}, 60), bytes.Repeat([]byte{2}, 100)}
	for _, f := range frames {
		if err := d.Inject(f); err != nil {
			t.Fatal(err)
		}
	}
	var b Batch
	if err := d.Recv(&b); err != nil {
		t.Fatal(err)
	}
	if b.N != 2 || !bytes.Equal(b.Pkts[0].Data, frames[0]) || !bytes.Equal(b.Pkts[1].Data, frames[1]) {
		t.Fatalf("received %d packets", b.N)
	}
	if err := d.Send(b.Packets()); err != nil {
		t.Fatal(err)
	}
	for i := range frames {
		select {
		case f := <-d.Transmitted():
			if !bytes.Equal(f, frames[i]) {
				t.Errorf("transmitted frame %d differs", i)
			}
		default:
			t.Fatalf("frame %d not transmitted", i)
		}
	}
	st, _ := d.Stats()
	if st.RxPackets != 2 || st.TxPackets != 2 || st.RxBytes != 160 || st.TxBytes != 160 {
		t.Errorf("stats %+v", st)
	}

	d.SetLinkState(false, false)
	d.Inject(frames[0])
	d.Send(b.Packets())
	st, _ = d.Stats()
	if st.RxDropped != 1 || st.TxDropped != 2 {
		t.Errorf("stats while down %+v", st)
	}
}

func TestDummyCloseWakesRecv(t *testing.T) {
	d := OpenDummy("p2", nil)
	errc := make(chan error, 1)
	go func() {
		var b Batch
		errc <- d.Recv(&b)
	}()
	time.Sleep(10 * time.Millisecond)
	d.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Recv after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Recv did not return after Close")
	}
	if err := d.Inject([]byte{1}); !errors.Is(err, ErrClosed) {
		t.Errorf("Inject after Close: %v", err)
	}
}

func TestDummyQueueBound(t *testing.T) {
	d := OpenDummy("p3", &Pool{})
	t.Cleanup(func() { d.Close() })
	for i := 0; i < DummyQueueLen+5; i++ {
		d.Inject(make([]byte, 60))
	}
	if st, _ := d.Stats(); st.RxDropped != 5 {
		t.Errorf("rx dropped %d, want 5", st.RxDropped)
	}
}

func TestDummyPcap(t *testing.T) {
	dir := t.TempDir()
	rx, tx := filepath.Join(dir, "rx.pcap"), filepath.Join(dir, "tx.pcap")
	d := OpenDummy("p4", nil)
	if err := d.SetPcap(rx, tx); err != nil {
		t.Fatal(err)
	}
	in := bytes.Repeat([]byte{0xab}, 64)
	d.Inject(in)
	var b Batch
	d.Recv(&b)
	d.Send(b.Packets())
	d.Send(b.Packets())
	d.Close()

	for _, c := range []struct {
		path string
		n    int
	}{{rx, 1}, {tx, 2}} {
		data, err := os.ReadFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != 24+c.n*(16+64) {
			t.Fatalf("%s: %d bytes", c.path, len(data))
		}
		if binary.LittleEndian.Uint32(data) != 0xa1b2c3d4 || binary.LittleEndian.Uint32(data[20:]) != 1 {
			t.Errorf("%s: bad pcap header", c.path)
		}
		if l := binary.LittleEndian.Uint32(data[24+8:]); l != 64 || !bytes.Equal(data[40:104], in) {
			t.Errorf("%s: bad record", c.path)
		}
	}
}

func TestOpenDispatch(t *testing.T) {
	d, err := Open("d0", "dummy", nil)
	if err != nil || d.Type() != "dummy" {
		t.Fatalf("dummy: %v", err)
	}
	d.Close()
	if _, err := Open("x0", "bogus", nil); err == nil {
		t.Fatal("unknown type accepted")
	}
}
