package ofproto

import (
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

// Writes the switch refuses after decoding, as OVS's does: into a field
// no action may write (OFPBAC_BAD_SET_ARGUMENT, checked after the
// prerequisites, which fail first with OFPBAC_MATCH_INCONSISTENT).
func TestFlowModRefusesUnwritableDestinations(t *testing.T) {
	s := newTestSwitch(t)
	for _, c := range []struct {
		flow string
		want error
	}{
		{"tcp,actions=move:NXM_NX_REG0[0..11]->NXM_NX_TCP_FLAGS[]", openflow.OFPBAC_BAD_SET_ARGUMENT},
		{"actions=move:NXM_NX_REG0[0..11]->NXM_NX_TCP_FLAGS[]", openflow.OFPBAC_MATCH_INCONSISTENT},
		{"actions=multipath(eth_src,50,modulo_n,1,0,NXM_NX_DP_HASH[])", openflow.OFPBAC_BAD_SET_ARGUMENT},
		{"actions=learn(load:1->NXM_OF_ETH_TYPE[])", openflow.OFPBAC_BAD_SET_ARGUMENT},
		{"actions=move:NXM_OF_ETH_TYPE[]->NXM_NX_REG0[0..15]", nil},
	} {
		fm := parseFM(t, openflow.FlowAdd, c.flow)
		for _, v := range []openflow.Version{openflow.V10, openflow.V13} {
			if err := s.FlowModVersion(fm, v); err != c.want {
				t.Errorf("%s (%v): %v, want %v", c.flow, v, err, c.want)
			}
		}
	}
}
