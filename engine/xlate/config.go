// Package xlate translates packets through the OpenFlow pipeline of the
// bridges into datapath actions and the megaflow mask under which that
// translation holds, and keeps the datapath's flow cache honest: it is the
// datapath's upcall handler and runs the revalidator.
//
// Translation reads an immutable snapshot of the switch's configuration
// (Config: bridges, ports, VLAN settings), published by engine/bridge with
// an atomic pointer swap, so the many concurrent upcalls never take a lock
// to see configuration. The OpenFlow tables and MAC tables are shared
// objects with their own concurrency rules.
//
// The mask grows as translation looks at fields (OVS's wildcard tracking):
// a rule lookup unwildcards what the classifier examined, NORMAL switching
// unwildcards the addresses and VLAN it decides on. A megaflow built from
// it matches exactly the packets that would translate the same way.
//
// Every action of the OpenFlow model translates here. Header rewrites
// change the pipeline's view of the packet (ctx.flow) and are committed as
// datapath set/push/pop actions only when something looks at the packet
// (an output, a trip to a controller), in OVS's order and with OVS's
// masks, so that "mod_dl_src, mod_dl_src, output" is one set and a rewrite
// back to the original value is none (commit.go). Registers, metadata and
// the OpenFlow in_port live only in the pipeline; pkt_mark and the queue
// (skb_priority) are datapath fields. Packets for controllers leave
// through a userspace() action whose cookie names a frozen copy of the
// pipeline state (packetin.go), and come back through Handler.Userspace
// as PacketIns for the connection manager's hook. Actions whose outcome
// depends on more than the flow key are left to the datapath:
// check_pkt_larger becomes check_pkt_len with the rest of the actions
// translated for each branch, meters become meter(N) actions the
// datapath asks the Handler about. Select groups, multipath and bundle
// hash the fields OVS hashes and put them in the megaflow; which bucket or
// link a given hash picks is ours, not OVS's.
//
// ofproto/trace runs this same translation with a recorder attached
// (trace.go): the hooks at table lookups, actions, NORMAL's decisions,
// group buckets and learned flows are nil-checked and cost nothing
// otherwise, and the datapath actions and megaflow a trace reports are
// the ones a packet would get.
//
// Not done, and why: pop_mpls to a non-MPLS type is not followed by a
// recirculation (OVS reparses the uncovered L3 header that way), so
// lookups after it see no L3 fields; controller(pause) continuations
// need ofproto support that is not there; sample has no IPFIX exporter
// to feed; ct is not translated (no connection tracker in this datapath).
//
// fin_timeout takes effect outside translation proper: translation notes
// the rule and values in the Cache, and whoever pushes a datapath flow's
// statistics (the upcall for its first packet, the revalidator after)
// lowers the rule's timeouts when the flow's TCP flags show a FIN or RST.
// The megaflow matches the IP protocol only, not the TCP flags, as OVS's
// does: FIN packets stay in the datapath.
package xlate

import (
	"github.com/govs/ovs/engine/mactable"
	"github.com/govs/ovs/engine/ofproto"
)

// VLANMode is a port's 802.1Q mode (the Port table's vlan_mode).
type VLANMode uint8

// VLAN modes.
const (
	Trunk VLANMode = iota
	Access
	NativeTagged
	NativeUntagged
)

// VLANSet is a set of VLAN IDs (0..4095).
type VLANSet [64]uint64

// Has reports whether vid is in s.
func (s *VLANSet) Has(vid uint16) bool { return s[vid>>6]&(1<<(vid&63)) != 0 }

// Add puts vid in s.
func (s *VLANSet) Add(vid uint16) { s[vid>>6] |= 1 << (vid & 63) }

// Config is one consistent view of every bridge, as translation sees it.
// It is never modified after being published.
type Config struct {
	Bridges []*Bridge
	// byDP maps datapath port numbers to ports.
	byDP map[uint32]*Port
}

// NewConfig indexes bridges into a Config ready to publish.
func NewConfig(bridges []*Bridge) *Config {
	c := &Config{Bridges: bridges, byDP: make(map[uint32]*Port)}
	for _, br := range bridges {
		br.bundles = make(map[string]*Bundle, len(br.Bundles))
		for _, b := range br.Bundles {
			br.bundles[b.Name] = b
		}
		for _, p := range br.Ports {
			if p.HasDP {
				c.byDP[p.DPPort] = p
			}
		}
	}
	return c
}

// PortByDP returns the port with datapath port number no.
func (c *Config) PortByDP(no uint32) *Port { return c.byDP[no] }

// Bridge returns the bridge called name.
func (c *Config) Bridge(name string) *Bridge {
	for _, b := range c.Bridges {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// Bridge is one bridge: an OpenFlow switch with ports grouped in bundles.
type Bridge struct {
	Name    string
	OF      *ofproto.Ofproto
	MAC     *mactable.Table
	Ports   map[uint32]*Port // by OpenFlow port number
	Bundles []*Bundle

	FloodVLANs  VLANSet // VLANs on which NORMAL does not learn
	ForwardBPDU bool    // other_config:forward-bpdu

	bundles map[string]*Bundle // by name, filled by NewConfig
}

// bundle returns the bundle called name.
func (br *Bridge) bundle(name string) *Bundle { return br.bundles[name] }

// Port is one OpenFlow port (an Interface row).
type Port struct {
	Bridge *Bridge
	Name   string
	OFPort uint32
	DPPort uint32
	HasDP  bool  // false for patch ports, which live only here
	Peer   *Port // the other end of a patch port
	Bundle *Bundle

	// OpenFlow port config and state.
	NoFlood, NoForward, NoReceive, AdminDown, NoPacketIn bool
	LinkDown                                             bool
}

// Bundle is a Port row: the unit NORMAL switches between, with its VLAN
// configuration.
type Bundle struct {
	Name      string
	Ports     []*Port
	Mode      VLANMode
	Tag       int      // -1 when none
	Trunks    *VLANSet // nil: all VLANs
	Protected bool
}

// includes reports whether VLAN vid may leave through b.
func (b *Bundle) includes(vid uint16) bool {
	switch b.Mode {
	case Access:
		return int(vid) == b.Tag
	case NativeTagged, NativeUntagged:
		return int(vid) == b.Tag || b.Trunks == nil || b.Trunks.Has(vid)
	}
	return b.Trunks == nil || b.Trunks.Has(vid)
}

// inputVLAN determines the VLAN of a packet received on b with outer TCI
// tci (0 when untagged); ok is false when b must drop it.
func (b *Bundle) inputVLAN(tci uint16) (vid uint16, ok bool) {
	tagged := tci&0x1000 != 0
	pvid := uint16(tci & 0x0fff)
	switch b.Mode {
	case Access:
		if tagged && pvid != 0 {
			return 0, false
		}
		return uint16(b.Tag), true
	case NativeTagged, NativeUntagged:
		if !tagged || pvid == 0 {
			return uint16(b.Tag), true
		}
	}
	if tagged {
		vid = pvid
	}
	if b.Trunks != nil && !b.Trunks.Has(vid) {
		return 0, false
	}
	return vid, true
}

// outputTagged reports whether VLAN vid leaves b tagged.
func (b *Bundle) outputTagged(vid uint16) bool {
	switch b.Mode {
	case Access:
		return false
	case NativeUntagged:
		return int(vid) != b.Tag
	}
	return vid != 0
}

// firstPort returns the port NORMAL sends through (bonds: the first
// usable member).
func (b *Bundle) firstPort() *Port {
	for _, p := range b.Ports {
		// Like OVS, a port whose link is down still gets its share
		// (the device counts the drop); only OpenFlow config excludes it.
		if !p.AdminDown && !p.NoForward {
			return p
		}
	}
	return nil
}
