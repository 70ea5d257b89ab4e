package openflow

import (
	"errors"
	"testing"
)

func TestCheckActionPrereqs(t *testing.T) {
	for _, c := range []struct {
		flow   string
		strict bool
		want   string // "" accepted, "-" MATCH_INCONSISTENT without text, else the warning
		module string
	}{
		{"actions=set_field:1->tcp_dst", false, "set_field tcp_dst lacks correct prerequisites", "ofp_actions"},
		{"tcp,actions=set_field:1->tcp_dst", false, "", ""},
		{"actions=load:1->NXM_OF_TCP_DST[]", false, "set_field tcp_dst lacks correct prerequisites", "ofp_actions"},
		{"actions=move:NXM_OF_IP_SRC[]->NXM_NX_REG0[]", false, "source field ip_src lacks correct prerequisites", "meta_flow"},
		{"actions=move:NXM_NX_REG0[]->NXM_OF_IP_SRC[]", false, "destination field ip_src lacks correct prerequisites", "meta_flow"},
		{"ip,actions=set_field:5->vlan_vid", false, "set_field vlan_vid lacks correct prerequisites", "ofp_actions"},
		{"dl_vlan=3,actions=set_field:5->vlan_vid", false, "", ""},
		{"actions=push_vlan:0x8100,set_field:5->vlan_vid", false, "", ""},
		{"dl_vlan=3,actions=strip_vlan,set_field:5->vlan_vid", false, "set_field vlan_vid lacks correct prerequisites", "ofp_actions"},
		{"actions=load:1->NXM_OF_VLAN_TCI[12],set_field:5->vlan_vid", false, "", ""},
		{"dl_vlan=3,actions=set_field:0->vlan_tci,set_field:5->vlan_vid", false, "set_field vlan_vid lacks correct prerequisites", "ofp_actions"},
		{"actions=push_mpls:0x8847,set_field:5->mpls_label", false, "", ""},
		{"ip,actions=push_mpls:0x8847,set_field:1.2.3.4->ip_src", false, "set_field ip_src lacks correct prerequisites", "ofp_actions"},
		{"mpls,actions=pop_mpls:0x0800,set_field:1.2.3.4->ip_src", false, "", ""},
		{"ip,actions=clone(push_mpls:0x8847),set_field:1.2.3.4->ip_src", false, "", ""},
		{"actions=clone(set_field:1->tcp_dst)", false, "set_field tcp_dst lacks correct prerequisites", "ofp_actions"},
		{"actions=learn(NXM_OF_IP_SRC[]=NXM_NX_REG0[])", false, "source field ip_src lacks correct prerequisites", "meta_flow"},
		{"actions=learn(eth_type=0x800,NXM_OF_IP_SRC[]=NXM_NX_REG0[])", false, "", ""},
		{"actions=learn(eth_type=0x800,load:1->NXM_OF_TCP_DST[])", false, "destination field tcp_dst lacks correct prerequisites", "meta_flow"},
		{"actions=learn(eth_type=0x800,nw_proto=6,load:1->NXM_OF_TCP_DST[])", false, "", ""},
		{"actions=multipath(eth_src,50,modulo_n,1,0,NXM_OF_IP_SRC[])", false, "destination field ip_src lacks correct prerequisites", "meta_flow"},
		{"actions=ct(commit)", false, "-", ""},
		{"ip,actions=ct(commit)", false, "", ""},
		{"ip,actions=ct(commit,nat(src=::1))", false, "-", ""},
		{"actions=dec_ttl", false, "", ""},
		{"actions=dec_ttl", true, "-", ""},
		{"ip,actions=dec_ttl", true, "", ""},
		{"actions=strip_vlan", true, "-", ""},
	} {
		fm, err := ParseFlow(c.flow, FlowAdd, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.flow, err)
		}
		before := fm.Match.Clone()
		err = CheckActionPrereqs(fm.Actions, &fm.Match, c.strict, nil)
		if !fm.Match.Equal(before) {
			t.Errorf("%s: the check changed the flow's match", c.flow)
		}
		var pe *PrereqError
		switch {
		case c.want == "":
			if err != nil {
				t.Errorf("%s (strict %v): %v, want accepted", c.flow, c.strict, err)
			}
		case !errors.Is(err, OFPBAC_MATCH_INCONSISTENT):
			t.Errorf("%s (strict %v): %v, want OFPBAC_MATCH_INCONSISTENT", c.flow, c.strict, err)
		case c.want == "-":
			if errors.As(err, &pe) {
				t.Errorf("%s: warns %q, want no warning", c.flow, pe.Text)
			}
		case !errors.As(err, &pe) || pe.Text != c.want || pe.Module != c.module:
			t.Errorf("%s: %#v, want %s|%s", c.flow, err, c.module, c.want)
		}
	}
}

// The visit hook sees nested actions too, in order, and its error wins.
func TestCheckActionPrereqsVisit(t *testing.T) {
	acts, err := ParseActions("output:1,clone(output:2,set_field:1->tcp_dst),output:3", nil)
	if err != nil {
		t.Fatal(err)
	}
	var seen []uint32
	stop := errors.New("stop")
	err = CheckActionPrereqs(acts, &Match{}, false, func(a Action) error {
		if o, ok := a.(*Output); ok {
			seen = append(seen, o.Port)
			if o.Port == 2 {
				return stop
			}
		}
		return nil
	})
	if err != stop || len(seen) != 2 || seen[0] != 1 || seen[1] != 2 {
		t.Errorf("err %v, saw outputs %v; want stop after 1, 2", err, seen)
	}
}
