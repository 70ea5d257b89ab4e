package openflow

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// Writes OVS refuses: into a field no action may write, into ct_mark or
// ct_label outside ct's exec list, and a vlan_vid without OFPVID_PRESENT.
// The texts and codes are what Debian's OVS 3.1 gives (see the
// differential tests in commands/ofctl).

func TestCheckActionPrereqsNotWritable(t *testing.T) {
	for _, c := range []struct {
		flow string
		want string // the warning; its code is OFPBAC_BAD_SET_ARGUMENT unless it says "lacks"
	}{
		{"tcp,actions=move:NXM_NX_REG0[0..11]->NXM_NX_TCP_FLAGS[]", "destination field tcp_flags is not writable"},
		{"actions=move:NXM_NX_REG0[0..11]->NXM_NX_TCP_FLAGS[]", "destination field tcp_flags lacks correct prerequisites"},
		{"actions=move:NXM_OF_ETH_TYPE[]->NXM_NX_REG0[0..15]", ""},
		{"actions=clone(move:NXM_NX_REG0[]->NXM_NX_DP_HASH[])", "destination field dp_hash is not writable"},
		{"actions=learn(load:1->NXM_OF_ETH_TYPE[])", "destination field eth_type is not writable"},
		{"actions=multipath(eth_src,50,modulo_n,1,0,NXM_NX_RECIRC_ID[])", "destination field recirc_id is not writable"},
		{"tcp,actions=pop:NXM_NX_TCP_FLAGS[]", "destination field tcp_flags is not writable"},
		// load is refused when decoded, not here.
		{"tcp,actions=load:1->NXM_NX_TCP_FLAGS[]", ""},
	} {
		fm, err := ParseFlow(c.flow, FlowAdd, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.flow, err)
		}
		err = CheckActionPrereqs(fm.Actions, &fm.Match, false, nil)
		var pe *PrereqError
		switch {
		case c.want == "":
			if err != nil {
				t.Errorf("%s: %v, want accepted", c.flow, err)
			}
		case !errors.As(err, &pe) || pe.Text != c.want || pe.Module != "meta_flow":
			t.Errorf("%s: %#v, want meta_flow|%s", c.flow, err, c.want)
		case strings.Contains(c.want, "lacks") != (pe.ErrorCode() == OFPBAC_MATCH_INCONSISTENT),
			!strings.Contains(c.want, "lacks") && !errors.Is(err, OFPBAC_BAD_SET_ARGUMENT):
			t.Errorf("%s: code %s", c.flow, pe.ErrorCode().Name())
		}
	}
}

func TestParseCtFieldWrites(t *testing.T) {
	for _, c := range []struct{ acts, err string }{
		{"set_field:1->ct_mark", "cannot set CT fields outside of ct action"},
		{"load:1->NXM_NX_CT_LABEL[0..63]", "cannot set CT fields outside of ct action"},
		{"clone(move:NXM_NX_REG0[]->NXM_NX_CT_MARK[])", "cannot set CT fields outside of ct action"},
		// The list is parsed before it is checked.
		{"set_field:1->ct_mark,bogus", "unknown action bogus"},
		{"ct(commit,exec(set_field:1->ct_mark,move:NXM_NX_REG0[]->NXM_NX_CT_LABEL[0..31]))", ""},
		{"ct(commit,exec(load:1->NXM_NX_REG1[]))", "ct action doesn't support nested modification of reg1"},
		{"ct(commit,exec(output:1))", "ct action doesn't support nested action output"},
		{"move:NXM_NX_CT_MARK[]->NXM_NX_REG0[]", ""},
	} {
		_, err := ParseActions(c.acts, nil)
		if got := ""; err != nil {
			got = err.Error()
			if got != c.err {
				t.Errorf("%s: %q, want %q", c.acts, got, c.err)
			}
		} else if c.err != "" {
			t.Errorf("%s: accepted, want %q", c.acts, c.err)
		}
	}
}

func TestDecodeRefusedWrites(t *testing.T) {
	enc := func(acts []Action, v Version) []byte {
		t.Helper()
		b, err := AppendActionsWire(nil, acts, v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	parsed := func(s string) []Action {
		t.Helper()
		acts, err := ParseActions(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		return acts
	}
	ctMark := &RegLoad{Dst: Subfield{Field: &ctMarkField, Bits: 32}, Value: 1}
	hexBytes := func(s string) []byte {
		b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		name string
		b    []byte
		v    Version
		want error
	}{
		{"load tcp_flags", enc(parsed("load:1->NXM_NX_TCP_FLAGS[]"), V10), V10, OFPBAC_BAD_SET_ARGUMENT},
		{"load tcp_flags 1.3", enc(parsed("load:1->NXM_NX_TCP_FLAGS[]"), V13), V13, OFPBAC_BAD_SET_ARGUMENT},
		{"check_pkt_larger ip_frag", enc(parsed("check_pkt_larger(100)->NXM_NX_IP_FRAG[0]"), V10), V10, OFPBAC_BAD_SET_ARGUMENT},
		{"load reg0", enc(parsed("load:1->NXM_NX_REG0[]"), V10), V10, nil},
		{"load ct_mark", enc([]Action{ctMark}, V10), V10, OFPBAC_BAD_SET_ARGUMENT},
		{"clone load ct_mark", enc([]Action{&Clone{Actions: []Action{ctMark}}}, V10), V10, OFPBAC_BAD_SET_ARGUMENT},
		{"ct exec load ct_mark", enc([]Action{&Ct{Table: TableCurrent, Actions: []Action{ctMark}}}, V10), V10, nil},
		{"set_field vlan_vid 5", hexBytes("0019001080000c02 0005000000000000"), V13, OFPBAC_BAD_SET_ARGUMENT},
		{"set_field vlan_vid 0x1005", hexBytes("0019001080000c02 1005000000000000"), V13, nil},
		{"set_field vlan_pcp 8", hexBytes("0019001080000e01 0800000000000000"), V13, OFPBAC_BAD_SET_ARGUMENT},
		{"nx set_mpls_label 1.0", hexBytes("ffff001000002320 001e000000000005"), V10, nil},
		{"nx set_mpls_label 1.3", hexBytes("ffff001000002320 001e000000000005"), V13, OFPBAC_BAD_VENDOR_TYPE},
	} {
		_, err := DecodeActions(c.b, c.v)
		if err != c.want {
			t.Errorf("%s (%x): %v, want %v", c.name, c.b, err, c.want)
		}
	}
	// OVS 3.1's ovs-ofctl writes set_field:5->vlan_vid as given, without
	// the present bit, so its own switch (and its own decoder, printing
	// it) refuses it; ours does the same. 0x1005 (4101) is the value that
	// works, and prints as OVS prints it.
	if b := enc(parsed("set_field:5->vlan_vid"), V13); string(b) != string(hexBytes("0019001080000c02 0005000000000000")) {
		t.Errorf("set_field:5->vlan_vid encodes as %x", b)
	}
	b := enc(parsed("set_field:0x1005->vlan_vid"), V13)
	if acts, err := DecodeActions(b, V13); err != nil || ActionsString(acts) != "set_field:4101->vlan_vid" {
		t.Errorf("set_field:0x1005->vlan_vid: %x decodes as %v, %v", b, acts, err)
	}
}

// What the OpenFlow 1.1+ encodings need to know of the flow the check
// records, as OVS's does: mod_vlan_vid pushes a tag only when the packet
// has none at that point, and mod_tp_dst writes the matched transport's
// port.
func TestCheckRecordsEncodingContext(t *testing.T) {
	for _, c := range []struct{ flow, want string }{
		{"actions=mod_vlan_vid:5,mod_vlan_pcp:3", "push_vlan:0x8100,set_field:4101->vlan_vid,set_field:3->vlan_pcp"},
		{"dl_vlan=3,actions=mod_vlan_vid:5", "set_field:4101->vlan_vid"},
		{"dl_vlan=3,actions=strip_vlan,mod_vlan_vid:5", "pop_vlan,push_vlan:0x8100,set_field:4101->vlan_vid"},
		{"udp,actions=mod_tp_dst:1,clone(mod_tp_src:2)", "set_field:1->udp_dst,clone(set_field:2->udp_src)"},
		{"sctp,actions=mod_tp_src:1", "set_field:1->sctp_src"},
	} {
		fm, err := ParseFlow(c.flow, FlowAdd, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckActionPrereqs(fm.Actions, &fm.Match, false, nil); err != nil {
			t.Fatalf("%s: %v", c.flow, err)
		}
		b, err := AppendActionsWire(nil, fm.Actions, V13)
		if err != nil {
			t.Fatal(err)
		}
		acts, err := DecodeActions(b, V13)
		if err != nil || ActionsString(acts) != c.want {
			t.Errorf("%s: 1.3 encoding decodes as %s (%v), want %s", c.flow, ActionsString(acts), err, c.want)
		}
	}
}
