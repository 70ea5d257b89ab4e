package bridge

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/internal/stream"
)

// inBandRefresh is how often the next hops towards in-band remotes are
// looked up again: a gateway's MAC can appear in (or leave) the neighbour
// table at any time.
const inBandRefresh = 10 * time.Second

// configureInBand works out which controllers and managers the bridge
// reaches in-band: the tcp: and ssl: targets of its Controller rows and of
// the Open_vSwitch manager_options whose connection_mode is not
// out-of-band, unless other_config:disable-in-band is true. Managers count
// for every bridge, as in OVS: ovsdb-server's connections may cross any of
// them.
func (s *Switch) configureInBand(br *Bridge, row *idl.Row) {
	c := &s.cols
	br.inBandRemotes = br.inBandRemotes[:0]
	if v, _ := row.MapValue(c.brOtherConfig, "disable-in-band"); v != "true" {
		add := func(target, mode string, port int) {
			if mode == "out-of-band" {
				return
			}
			if ap, ok := stream.ActiveIPv4(target, port); ok && !slices.Contains(br.inBandRemotes, ap) {
				br.inBandRemotes = append(br.inBandRemotes, ap)
			}
		}
		for _, u := range row.UUIDs(c.brController) {
			if crow := c.controller.Row(u); crow != nil {
				add(crow.Str(c.ctlTarget), crow.Str(c.ctlConnMode), stream.OpenFlowPort)
			}
		}
		if ovs := firstRow(c.ovs); ovs != nil {
			for _, u := range ovs.UUIDs(c.ovsManagers) {
				if mrow := c.manager.Row(u); mrow != nil {
					add(mrow.Str(c.mgrTarget), mrow.Str(c.mgrConnMode), stream.OVSDBPort)
				}
			}
		}
	}
	s.applyInBand(br)
}

// applyInBand (re)installs the bridge's in-band rules, looking up the next
// hop towards each remote.
func (s *Switch) applyInBand(br *Bridge) {
	br.inBandAt = time.Now()
	var remotes []ofproto.InBandRemote
	for _, ap := range br.inBandRemotes {
		r := ofproto.InBandRemote{Addr: ap}
		if s.opts.NextHopMAC != nil {
			r.NextHopMAC = s.opts.NextHopMAC(ap.Addr())
		}
		remotes = append(remotes, r)
	}
	br.of.SetInBand(br.hwaddr, remotes)
}

// KernelNextHopMAC returns the MAC of the next hop the host's main routing
// table picks for ip (the gateway, or ip itself on a directly connected
// network) when the kernel's ARP table has it, else nil.
func KernelNextHopMAC(ip netip.Addr) net.HardwareAddr {
	routes, err := os.ReadFile("/proc/net/route")
	if err != nil {
		return nil
	}
	hop, dev, ok := nextHop(routes, ip)
	if !ok {
		return nil
	}
	arp, err := os.ReadFile("/proc/net/arp")
	if err != nil {
		return nil
	}
	return arpLookup(arp, hop, dev)
}

// nextHop picks the longest-prefix (then lowest-metric) route for ip from
// the text of /proc/net/route, whose addresses are 32-bit hex numbers in
// the kernel's (little-endian on x86) byte order.
func nextHop(table []byte, ip netip.Addr) (hop netip.Addr, dev string, ok bool) {
	if !ip.Is4() {
		return netip.Addr{}, "", false
	}
	want := ip.As4()
	bestLen, bestMetric := -1, 0
	sc := bufio.NewScanner(bytes.NewReader(table))
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 8 {
			continue
		}
		dst, ok1 := procIPv4(f[1])
		gw, ok2 := procIPv4(f[2])
		mask, ok3 := procIPv4(f[7])
		flags, err1 := strconv.ParseUint(f[3], 16, 16)
		metric, err2 := strconv.Atoi(f[6])
		if !ok1 || !ok2 || !ok3 || err1 != nil || err2 != nil || flags&0x1 == 0 { // RTF_UP
			continue
		}
		d, m := dst.As4(), mask.As4()
		match := true
		for i := range want {
			if want[i]&m[i] != d[i] {
				match = false
			}
		}
		if !match {
			continue
		}
		plen := 0
		for _, b := range m {
			for ; b&0x80 != 0; b <<= 1 {
				plen++
			}
		}
		if plen > bestLen || plen == bestLen && metric < bestMetric {
			bestLen, bestMetric, dev = plen, metric, f[0]
			hop = ip
			if flags&0x2 != 0 { // RTF_GATEWAY
				hop = gw
			}
		}
	}
	return hop, dev, bestLen >= 0
}

func procIPv4(s string) (netip.Addr, bool) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 4 {
		return netip.Addr{}, false
	}
	var a [4]byte
	binary.NativeEndian.PutUint32(a[:], binary.BigEndian.Uint32(b))
	return netip.AddrFrom4(a), true
}

// arpLookup finds ip on dev in the text of /proc/net/arp, complete entries
// only (flag ATF_COM).
func arpLookup(table []byte, ip netip.Addr, dev string) net.HardwareAddr {
	sc := bufio.NewScanner(bytes.NewReader(table))
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || f[0] != ip.String() || f[5] != dev {
			continue
		}
		flags, err := strconv.ParseUint(strings.TrimPrefix(f[2], "0x"), 16, 16)
		if err != nil || flags&0x2 == 0 {
			continue
		}
		if mac, err := net.ParseMAC(f[3]); err == nil && len(mac) == 6 {
			return mac
		}
	}
	return nil
}
