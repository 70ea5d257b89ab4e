package ofctl

import (
	"bytes"
	"strings"
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

func TestProtocolsString(t *testing.T) {
	for _, c := range []struct {
		p    protocols
		want string
	}{
		{pAny, "any"},
		{pNXMAny | pOXMAny, "NXM,OXM"},
		{pOXMAny | pOF10StdTID | pOF10NXMTID | pOF11, "OXM,OpenFlow10+table_id,NXM+table_id,OpenFlow11"},
		{pOF13 | pOF14 | pOF15, "OXM-OpenFlow13,OXM-OpenFlow14,OXM-OpenFlow15"},
		{pOF10Any | pNXMAny, "OpenFlow10,NXM"},
		{pNXMAny | pOXMAny | pOF11, "NXM,OXM,OpenFlow11"},
		{0, "none"},
	} {
		if got := c.p.String(); got != c.want {
			t.Errorf("%#x: got %q, want %q", uint16(c.p), got, c.want)
		}
	}
}

func TestParseProtocols(t *testing.T) {
	for s, want := range map[string]protocols{
		"nxm": pNXMAny, "openflow10": pOF10Any, "OXM-OpenFlow13": pOF13,
		"NXM+table_id": pOF10NXMTID, "OpenFlow10,OXM": pOF10Any | pOXMAny, "any": pAny,
	} {
		got, ok := parseProtocols(s)
		if !ok || got != want {
			t.Errorf("%q: got %v %v, want %v", s, got, ok, want)
		}
	}
	if _, ok := parseProtocols("bogus"); ok {
		t.Error("bogus accepted")
	}
}

// The usable protocols of flows, as "ovs-ofctl parse-flow" reports them.
func TestUsableProtocols(t *testing.T) {
	for flow, want := range map[string]string{
		"actions=drop":                                 "any",
		"table=1,actions=drop":                         "OXM,OpenFlow10+table_id,NXM+table_id,OpenFlow11",
		"reg0=1,actions=drop":                          "NXM,OXM",
		"actions=push_vlan:0x8100":                     "OXM,OpenFlow11",
		"actions=meter:1":                              "OXM-OpenFlow13,OXM-OpenFlow14,OXM-OpenFlow15",
		"metadata=1,actions=drop":                      "NXM,OXM,OpenFlow11",
		"ip,nw_ttl=5,actions=drop":                     "NXM,OXM",
		"actions=set_field:1->reg0":                    "NXM,OXM",
		"actions=load:1->NXM_NX_REG0[]":                "any",
		"actions=dec_ttl":                              "OpenFlow10,NXM",
		"ip,actions=dec_ttl":                           "any",
		"actions=mod_tp_dst:5":                         "OpenFlow10,NXM",
		"dl_vlan=5,actions=strip_vlan":                 "any",
		"reset_counts,actions=drop":                    "OXM",
		"no_packet_counts,actions=drop":                "OXM-OpenFlow13,OXM-OpenFlow14,OXM-OpenFlow15",
		"ip,nw_src=1.2.3.0/255.255.0.255,actions=drop": "NXM,OXM,OpenFlow11",
	} {
		fm, err := openflow.ParseFlow(flow, openflow.FlowAdd, nil)
		if err != nil {
			t.Errorf("%s: %v", flow, err)
			continue
		}
		if got := usableProtocols(fm).String(); got != want {
			t.Errorf("%s: got %s, want %s", flow, got, want)
		}
	}
}

func TestParseHex(t *testing.T) {
	for s, want := range map[string]string{
		"0100000800000001": "\x01\x00\x00\x08\x00\x00\x00\x01",
		" 01 00\t00 08\n":  "\x01\x00\x00\x08",
		"":                 "",
		"aBcD":             "\xab\xcd",
	} {
		got, ok := parseHex(s)
		if !ok || string(got) != want {
			t.Errorf("%q: got %x %v", s, got, ok)
		}
	}
	for _, s := range []string{"0", "zz", "01 0", "01x"} {
		if _, ok := parseHex(s); ok {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestSortFlows(t *testing.T) {
	mk := func(pri uint16, match string) openflow.FlowDump {
		m, err := openflow.ParseMatch(match, nil)
		if err != nil {
			t.Fatal(err)
		}
		return openflow.FlowDump{Priority: pri, Match: *m, IdleAge: -1, HardAge: -1}
	}
	flows := []openflow.FlowDump{mk(5, "ip"), mk(9, "tcp,tp_dst=80"), mk(7, "tcp,tp_dst=22"), mk(8, "arp")}
	c := &ctx{sortKeys: []sortKey{{field: openflow.FieldByName("tp_dst"), desc: true}}}
	c.sortFlows(flows)
	var got []uint16
	for _, f := range flows {
		got = append(got, f.Priority)
	}
	// Matching flows by descending tp_dst, then the rest by priority.
	if want := []uint16{9, 7, 8, 5}; !equalU16(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func equalU16(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// run in-process for the argument errors, which touch no global state.
func TestUsageErrors(t *testing.T) {
	for args, want := range map[string]string{
		"":                                    "ovs-ofctl: missing command name; use --help for help\n",
		"show":                                "ovs-ofctl: 'show' command requires at least 1 arguments\n",
		"show a b":                            "ovs-ofctl: 'show' command takes at most 1 arguments\n",
		"frob x":                              "ovs-ofctl: unknown command 'frob'; use --help for help\n",
		"-O OpenFlow99 show x":                "ovs-ofctl: Unknown OpenFlow version: \"OpenFlow99\"\n",
		"-F foo show x":                       "ovs-ofctl: foo: unknown flow protocol\n",
		"--sort=foo dump-flows x":             "ovs-ofctl: foo: unknown field name\n",
		"--color=foo show x":                  "ovs-ofctl: incorrect value `foo' for --color\n",
		"--read-only add-flow x actions=drop": "ovs-ofctl: 'add-flow' command does not work in read only mode\n",
	} {
		var out, errb bytes.Buffer
		st := run(append([]string{"ovs-ofctl"}, strings.Fields(args)...), strings.NewReader(""), &out, &errb)
		if st != 1 || errb.String() != want {
			t.Errorf("%q: status %d, stderr %q, want %q", args, st, errb.String(), want)
		}
	}
}

func FuzzParseHex(f *testing.F) {
	for _, s := range []string{"0100000800000001", " 01 02 ", "zz", "0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, ok := parseHex(s)
		if ok && len(b) > len(s)/2 {
			t.Fatalf("%q gave %d bytes", s, len(b))
		}
	})
}

// FuzzFlowProtocols runs the protocol choice and encoding over any flow
// the parser accepts: they must neither panic nor fail for a protocol
// they called usable.
func FuzzFlowProtocols(f *testing.F) {
	for _, s := range []string{"ip,actions=drop", "table=1,reg0=1,actions=output:1",
		"actions=meter:1", "dl_vlan=5,actions=strip_vlan", "cookie=5,tcp,tp_dst=80,actions=mod_tp_dst:1",
		"actions=set_field:0x1005->vlan_tci,set_field:5->vlan_vid",
		"ip,actions=learn(eth_type=0x800,NXM_OF_IP_SRC[]=NXM_OF_IP_DST[]),clone(push_mpls:0x8847),ct(commit,nat(src=1.2.3.4))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := openflow.ParseFlow(s, openflow.FlowAdd, nil)
		if err != nil || checkFlow(fm) != nil {
			return
		}
		usable := usableProtocols(fm)
		for _, p := range []protocols{pOF10Std, pOF10StdTID, pOF10NXM, pOF10NXMTID, pOF13, pOF15} {
			if usable&p == 0 {
				continue
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						if fe, ok := r.(*fatalError); ok {
							t.Errorf("%q usable with %s but: %s", s, protocolNames[bitIndex(p)], fe.msg)
							return
						}
						panic(r)
					}
				}()
				flowModBytes(fm, p, 1)
			}()
		}
	})
}
