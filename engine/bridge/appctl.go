package bridge

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// The ovs-appctl commands of the bridge layer. Each returns the reply
// text or an error whose text ovs-appctl prints; the caller holds the
// Switch lock (see Lock).

var errNoBridge = errors.New("no such bridge")

func (s *Switch) bridgeArg(args []string, i int) (*Bridge, error) {
	if i >= len(args) {
		return nil, nil
	}
	br := s.bridges[args[i]]
	if br == nil {
		return nil, errNoBridge
	}
	return br, nil
}

// portNumber is how fdb/show names the port a bundle lives on.
func (br *Bridge) bundleOFPort(bundle string) string {
	pc := br.ports[bundle]
	if pc == nil {
		return "?"
	}
	for _, in := range pc.ifaces {
		if ifc := br.ifaces[in]; ifc != nil && ifc.OFPort != 0 {
			if ifc.OFPort == openflow.PortLocal {
				return "LOCAL"
			}
			return strconv.FormatUint(uint64(ifc.OFPort), 10)
		}
	}
	return "?"
}

func (s *Switch) now() int64 {
	if s.dp == nil {
		return 0
	}
	return s.dp.Now() / 1000
}

// FDBShow is fdb/show BRIDGE.
func (s *Switch) FDBShow(args []string) (string, error) {
	br, err := s.bridgeArg(args, 0)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(" port  VLAN  MAC                Age\n")
	for _, e := range br.mac.Entries(s.now()) {
		fmt.Fprintf(&b, "%5s  %4d  %s  ", br.bundleOFPort(e.Port.(string)), e.VLAN, e.MAC)
		if e.Static {
			b.WriteString("static\n")
		} else {
			fmt.Fprintf(&b, "%3d\n", e.Age)
		}
	}
	return b.String(), nil
}

// FDBFlush is fdb/flush [BRIDGE].
func (s *Switch) FDBFlush(args []string) (string, error) {
	br, err := s.bridgeArg(args, 0)
	if err != nil {
		return "", err
	}
	for _, b := range s.bridges {
		if br == nil || b == br {
			b.mac.Flush()
		}
	}
	if s.handler != nil {
		s.handler.Changed()
	}
	return "table successfully flushed\n", nil
}

// FDBStatsShow is fdb/stats-show BRIDGE.
func (s *Switch) FDBStatsShow(args []string) (string, error) {
	br, err := s.bridgeArg(args, 0)
	if err != nil {
		return "", err
	}
	total, static := br.mac.Counts()
	_, size := br.mac.Limits()
	st := br.mac.Stats()
	var b strings.Builder
	fmt.Fprintf(&b, "Statistics for bridge \"%s\":\n", br.Name)
	fmt.Fprintf(&b, "  Current/maximum MAC entries in the table: %d/%d\n", total, size)
	fmt.Fprintf(&b, "  Current static MAC entries in the table : %d\n", static)
	fmt.Fprintf(&b, "  Total number of learned MAC entries     : %d\n", st.Learned)
	fmt.Fprintf(&b, "  Total number of expired MAC entries     : %d\n", st.Expired)
	fmt.Fprintf(&b, "  Total number of evicted MAC entries     : %d\n", st.Evicted)
	fmt.Fprintf(&b, "  Total number of port moved MAC entries  : %d\n", st.Moved)
	return b.String(), nil
}

// FDBStatsClear is fdb/stats-clear [BRIDGE].
func (s *Switch) FDBStatsClear(args []string) (string, error) {
	br, err := s.bridgeArg(args, 0)
	if err != nil {
		return "", err
	}
	for _, b := range s.bridges {
		if br == nil || b == br {
			b.mac.ClearStats()
		}
	}
	return "statistics successfully cleared\n", nil
}

// FDBAdd is fdb/add BRIDGE PORT VLAN MAC.
func (s *Switch) FDBAdd(args []string) (string, error) {
	br, err := s.bridgeArg(args, 0)
	if err != nil {
		return "", err
	}
	port := ""
	for _, ifc := range br.ifaces {
		if ifc.Name == args[1] && ifc.OFPort != 0 {
			port = ifc.port
		}
	}
	if port == "" {
		return "", errors.New("software error, odp port is present but no ofp port")
	}
	mac, err := net.ParseMAC(args[3])
	if err != nil || len(mac) != 6 {
		return "", errors.New("bad MAC address")
	}
	br.mac.AddStatic(atoiVLAN(args[2]), [6]byte(mac), port)
	if s.handler != nil {
		s.handler.Changed()
	}
	return "", nil
}

// FDBDel is fdb/del BRIDGE VLAN MAC.
func (s *Switch) FDBDel(args []string) (string, error) {
	br, err := s.bridgeArg(args, 0)
	if err != nil {
		return "", err
	}
	mac, err := net.ParseMAC(args[2])
	if err != nil || len(mac) != 6 || !br.mac.DeleteStatic(atoiVLAN(args[1]), [6]byte(mac)) {
		return "", errors.New("could not find static mac entry")
	}
	if s.handler != nil {
		s.handler.Changed()
	}
	return "", nil
}

// atoiVLAN reads a VLAN as C's atoi does: leading digits, else 0.
func atoiVLAN(s string) uint16 {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
		if n > 0xffff {
			n = 0xffff
		}
	}
	return uint16(n & 0x0fff)
}

// OfprotoList is ofproto/list.
func (s *Switch) OfprotoList(args []string) (string, error) {
	var b strings.Builder
	for _, name := range s.bridgeNames() {
		b.WriteString(name)
		b.WriteByte('\n')
	}
	return b.String(), nil
}

func (s *Switch) bridgeNames() []string {
	names := make([]string, 0, len(s.bridges))
	for name := range s.bridges {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// DpifDumpDps is dpif/dump-dps.
func (s *Switch) DpifDumpDps(args []string) (string, error) {
	if s.dp == nil {
		return "", nil
	}
	return s.dp.Type() + "@" + s.dp.Name() + "\n", nil
}

// DpifShow is dpif/show.
func (s *Switch) DpifShow(args []string) (string, error) {
	if s.dp == nil {
		return "", nil
	}
	var b strings.Builder
	st := s.dp.Stats()
	fmt.Fprintf(&b, "%s@%s: hit:%d missed:%d\n", s.dp.Type(), s.dp.Name(), st.Hit, st.Missed)
	for _, name := range s.bridgeNames() {
		br := s.bridges[name]
		fmt.Fprintf(&b, "  %s:\n", name)
		inames := make([]string, 0, len(br.ifaces))
		for n, ifc := range br.ifaces {
			if ifc.OFPort != 0 {
				inames = append(inames, n)
			}
		}
		slices.Sort(inames)
		for _, n := range inames {
			ifc := br.ifaces[n]
			ofp := strconv.FormatUint(uint64(ifc.OFPort), 10)
			if ifc.OFPort == openflow.PortLocal {
				ofp = "65534"
			}
			dpp := "none"
			if ifc.hasDP {
				dpp = strconv.FormatUint(uint64(ifc.dpPort), 10)
			}
			fmt.Fprintf(&b, "    %s %s/%s: (%s", n, ofp, dpp, dpifTypeName(ifc.Type))
			if ifc.Type == "patch" {
				fmt.Fprintf(&b, ": peer=%s", ifc.peer)
			}
			b.WriteString(")\n")
		}
	}
	return b.String(), nil
}

// dpifTypeName is the netdev type the userspace datapath reports.
func dpifTypeName(t string) string {
	if t == "internal" {
		return "tap"
	}
	return t
}

// UpcallShow is upcall/show.
func (s *Switch) UpcallShow(args []string) (string, error) {
	if s.dp == nil || s.handler == nil {
		return "", nil
	}
	st := s.handler.Stats()
	var b strings.Builder
	fmt.Fprintf(&b, "%s@%s:\n", s.dp.Type(), s.dp.Name())
	fmt.Fprintf(&b, "  flows         : (current %d) (avg %d) (max %d) (limit %d)\n", st.Current, st.Avg, st.Max, st.Limit)
	fmt.Fprintf(&b, "  dump duration : %dms\n", st.DumpMs)
	fmt.Fprintf(&b, "  ufid enabled : true\n\n")
	fmt.Fprintf(&b, "  %d: (keys %d)\n", 1, st.Current)
	return b.String(), nil
}

// BridgeDumpFlows is bridge/dump-flows BRIDGE: every rule of the bridge,
// hidden ones (fail-open, in-band) included, in OVS's compact layout.
func (s *Switch) BridgeDumpFlows(args []string) (string, error) {
	br := s.bridges[args[len(args)-1]]
	if br == nil {
		return "", errors.New("Unknown bridge")
	}
	now := br.of.Now()
	// OVS walks each table's subtables from the highest priority down,
	// so hidden rules (in-band, fail-open) come first.
	var rules []*ofproto.Rule
	br.of.AllRules(func(r *ofproto.Rule) bool {
		rules = append(rules, r)
		return true
	})
	slices.SortStableFunc(rules, func(x, y *ofproto.Rule) int {
		if x.Table != y.Table {
			return int(x.Table) - int(y.Table)
		}
		return cmp.Compare(y.ClassifierPriority(), x.ClassifierPriority())
	})
	var b []byte
	for _, r := range rules {
		if r.Table != 0 {
			b = strconv.AppendUint(append(b, "table_id="...), uint64(r.Table), 10)
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(append(b, "duration="...), (now-r.Created)/1000, 10)
		p, n, _ := r.Stats()
		b = strconv.AppendUint(append(b, "s, n_packets="...), p, 10)
		b = strconv.AppendUint(append(b, ", n_bytes="...), n, 10)
		b = strconv.AppendInt(append(b, ", priority="...), int64(r.ClassifierPriority()), 10)
		b = append(b, ',')
		m := len(b)
		b = r.OpenFlowMatch().AppendText(b, nil)
		if len(b) > m {
			b = append(b, ',')
		}
		b = append(b, "actions="...)
		if acts := r.Actions(); len(acts) == 0 {
			b = append(b, "drop"...)
		} else {
			b = openflow.AppendActions(b, acts, nil)
		}
		b = append(b, '\n')
	}
	return string(b), nil
}
