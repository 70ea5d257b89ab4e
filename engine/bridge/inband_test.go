package bridge

import (
	"net/netip"
	"testing"
)

const procRoute = `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth0	00000000	0100000A	0003	0	0	100	00000000	0	0	0
eth0	0000000A	00000000	0001	0	0	100	00FFFFFF	0	0	0
vb0	004DA8C0	00000000	0001	0	0	0	00FFFFFF	0	0	0
vb1	004DA8C0	00000000	0001	0	0	5	00FFFFFF	0	0	0
down	0000A8C0	00000000	0000	0	0	0	0000FFFF	0	0	0
junk	zz	00000000	0001	0	0	0	00FFFFFF
`

const procARP = `IP address       HW type     Flags       HW address            Mask     Device
10.0.0.1         0x1         0x2         52:54:00:12:34:56     *        eth0
192.168.77.2     0x1         0x0         00:00:00:00:00:00     *        vb0
192.168.77.3     0x1         0x2         32:e2:c7:3b:85:26     *        vb0
192.168.77.3     0x1         0x2         02:00:00:00:00:09     *        vb1
`

// The next hop is the gateway of the default route, or the address itself
// on a connected network (longest prefix, then lowest metric); only
// complete ARP entries on that device count.
func TestNextHopMAC(t *testing.T) {
	for _, c := range []struct {
		ip, hop, dev, mac string
	}{
		{"8.8.8.8", "10.0.0.1", "eth0", "52:54:00:12:34:56"},
		{"10.0.0.7", "10.0.0.7", "eth0", ""},
		{"192.168.77.3", "192.168.77.3", "vb0", "32:e2:c7:3b:85:26"},
		{"192.168.77.2", "192.168.77.2", "vb0", ""},
	} {
		hop, dev, ok := nextHop([]byte(procRoute), netip.MustParseAddr(c.ip))
		if !ok || hop.String() != c.hop || dev != c.dev {
			t.Errorf("nextHop(%s) = %v %q %v, want %s %s", c.ip, hop, dev, ok, c.hop, c.dev)
			continue
		}
		mac := arpLookup([]byte(procARP), hop, dev)
		if got := mac.String(); got != c.mac {
			t.Errorf("arpLookup(%s) = %q, want %q", hop, got, c.mac)
		}
	}
	if _, _, ok := nextHop([]byte(procRoute), netip.MustParseAddr("::1")); ok {
		t.Error("IPv6 has a next hop")
	}
	if _, _, ok := nextHop([]byte("Iface\n"), netip.MustParseAddr("1.2.3.4")); ok {
		t.Error("empty table has a next hop")
	}
}

func FuzzNextHop(f *testing.F) {
	f.Add([]byte(procRoute), []byte(procARP), "192.168.77.3")
	f.Fuzz(func(t *testing.T, routes, arp []byte, ip string) {
		a, err := netip.ParseAddr(ip)
		if err != nil {
			return
		}
		if hop, dev, ok := nextHop(routes, a); ok {
			arpLookup(arp, hop, dev)
		}
	})
}
