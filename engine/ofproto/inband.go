package ofproto

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"

	"github.com/govs/ovs/proto/openflow"
)

// In-band control: when a bridge reaches its controllers or managers
// through its own ports, the switch must keep that traffic flowing whatever
// the OpenFlow tables say, or a controller could cut itself off. As in OVS,
// the switch keeps hidden rules above every controller-visible priority
// (180000-180008) that NORMAL-switch the controller connections, the ARP
// that resolves them, and the local port's DHCP and ARP. They show in
// bridge/dump-flows, never in dump-flows.
//
// OVS numbers the rule kinds 0-8 from 180000; the order (and so which rule
// wins when two overlap) is part of its behaviour and kept here.
const (
	inBandFromLocalDHCP = 180000 + iota // DHCP requests from the local port
	inBandToLocalARP                    // ARP replies to the local port's MAC
	inBandFromLocalARP                  // ARP requests from the local port's MAC
	inBandToRemoteARP                   // ARP replies to a next hop's MAC
	inBandFromRemoteARP                 // ARP requests from a next hop's MAC
	inBandToCtlARP                      // ARP replies for a remote's IP
	inBandFromCtlARP                    // ARP requests from a remote's IP
	inBandToCtlOFP                      // TCP to a remote's port
	inBandFromCtlOFP                    // TCP from a remote's port
)

// InBandRemote is a controller or manager the bridge reaches in-band: an
// IPv4 address and TCP port, and the MAC of the next hop towards it when
// the neighbour table knows it (nil otherwise).
type InBandRemote struct {
	Addr       netip.AddrPort
	NextHopMAC net.HardwareAddr
}

// inBand is the set of in-band rules installed on a bridge, keyed by their
// priority and match text so that reconfiguration touches only what
// changed (a rule's duration then keeps counting, as in OVS).
type inBand struct {
	mu    sync.Mutex
	rules map[string]*Rule
}

// SetInBand installs the in-band rules for the local port's MAC (nil when
// the bridge has no local port yet) and remotes; an empty remotes list
// removes them all, as does disabling in-band control.
func (o *Ofproto) SetInBand(localMAC net.HardwareAddr, remotes []InBandRemote) {
	want := make(map[string]inBandRule)
	for _, w := range inBandRules(localMAC, remotes) {
		want[w.key()] = w
	}
	ib := &o.cm().inBand
	ib.mu.Lock()
	defer ib.mu.Unlock()
	for key, r := range ib.rules {
		if _, ok := want[key]; !ok {
			o.RemoveHidden(r)
			delete(ib.rules, key)
		}
	}
	for key, w := range want {
		if ib.rules[key] != nil {
			continue
		}
		m, err := openflow.ParseMatch(w.match, nil)
		if err != nil {
			logConn.Warn("%s: in-band rule %q: %v", o.Name, w.match, err)
			continue
		}
		value, mask, err := FlowMatch(m)
		if err != nil {
			logConn.Warn("%s: in-band rule %q: %v", o.Name, w.match, err)
			continue
		}
		if ib.rules == nil {
			ib.rules = make(map[string]*Rule)
		}
		ib.rules[key] = o.AddHidden(0, w.priority, value, mask,
			[]openflow.Action{&openflow.Output{Port: openflow.PortNormal}})
	}
}

type inBandRule struct {
	priority int32
	match    string
}

func (r inBandRule) key() string { return strconv.Itoa(int(r.priority)) + " " + r.match }

// inBandRules lists the rules OVS keeps for localMAC and remotes; the same
// MAC, address or address:port named twice gives one rule.
func inBandRules(localMAC net.HardwareAddr, remotes []InBandRemote) []inBandRule {
	if len(remotes) == 0 {
		return nil
	}
	var out []inBandRule
	add := func(prio int32, format string, args ...any) {
		r := inBandRule{prio, fmt.Sprintf(format, args...)}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(localMAC) == 6 {
		add(inBandFromLocalDHCP, "udp,in_port=LOCAL,dl_src=%s,tp_src=68,tp_dst=67", localMAC)
		add(inBandToLocalARP, "arp,dl_dst=%s,arp_op=2", localMAC)
		add(inBandFromLocalARP, "arp,dl_src=%s,arp_op=1", localMAC)
	}
	for _, r := range remotes {
		if len(r.NextHopMAC) == 6 {
			add(inBandToRemoteARP, "arp,dl_dst=%s,arp_op=2", r.NextHopMAC)
			add(inBandFromRemoteARP, "arp,dl_src=%s,arp_op=1", r.NextHopMAC)
		}
	}
	for _, r := range remotes {
		ip := r.Addr.Addr()
		add(inBandToCtlARP, "arp,arp_tpa=%s,arp_op=2", ip)
		add(inBandFromCtlARP, "arp,arp_spa=%s,arp_op=1", ip)
	}
	for _, r := range remotes {
		ip, port := r.Addr.Addr(), r.Addr.Port()
		add(inBandToCtlOFP, "tcp,nw_dst=%s,tp_dst=%d", ip, port)
		add(inBandFromCtlOFP, "tcp,nw_src=%s,tp_src=%d", ip, port)
	}
	return out
}
