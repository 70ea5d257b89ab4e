package ofproto

import (
	"net"
	"net/netip"
	"strings"
	"testing"
)

func TestInBandRules(t *testing.T) {
	local, _ := net.ParseMAC("02:00:00:00:00:0a")
	gw, _ := net.ParseMAC("52:54:00:12:34:56")
	remotes := []InBandRemote{
		{Addr: netip.MustParseAddrPort("10.1.1.1:6653"), NextHopMAC: gw},
		{Addr: netip.MustParseAddrPort("10.1.1.1:6640"), NextHopMAC: gw},
		{Addr: netip.MustParseAddrPort("10.1.1.2:6653")},
	}
	var got []string
	for _, r := range inBandRules(local, remotes) {
		got = append(got, strings.TrimSpace(r.key()))
	}
	want := []string{
		"180000 udp,in_port=LOCAL,dl_src=02:00:00:00:00:0a,tp_src=68,tp_dst=67",
		"180001 arp,dl_dst=02:00:00:00:00:0a,arp_op=2",
		"180002 arp,dl_src=02:00:00:00:00:0a,arp_op=1",
		"180003 arp,dl_dst=52:54:00:12:34:56,arp_op=2",
		"180004 arp,dl_src=52:54:00:12:34:56,arp_op=1",
		"180005 arp,arp_tpa=10.1.1.1,arp_op=2",
		"180006 arp,arp_spa=10.1.1.1,arp_op=1",
		"180005 arp,arp_tpa=10.1.1.2,arp_op=2",
		"180006 arp,arp_spa=10.1.1.2,arp_op=1",
		"180007 tcp,nw_dst=10.1.1.1,tp_dst=6653",
		"180008 tcp,nw_src=10.1.1.1,tp_src=6653",
		"180007 tcp,nw_dst=10.1.1.1,tp_dst=6640",
		"180008 tcp,nw_src=10.1.1.1,tp_src=6640",
		"180007 tcp,nw_dst=10.1.1.2,tp_dst=6653",
		"180008 tcp,nw_src=10.1.1.2,tp_src=6653",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r := inBandRules(local, nil); r != nil {
		t.Fatalf("rules without remotes: %v", r)
	}
}

// SetInBand keeps the rules that stay (their counters and age with them),
// adds and removes only the difference, and every rule parses into a
// hidden rule that NORMAL-switches what it matches.
func TestSetInBand(t *testing.T) {
	o := New("br0", nil)
	local, _ := net.ParseMAC("02:00:00:00:00:0a")
	count := func() (n, hidden int) {
		o.AllRules(func(r *Rule) bool {
			n++
			if r.Hidden() {
				hidden++
			}
			return true
		})
		return
	}
	o.SetInBand(local, []InBandRemote{{Addr: netip.MustParseAddrPort("10.1.1.1:6653")}})
	if _, h := count(); h != 7 {
		t.Fatalf("%d hidden rules, want 7", h)
	}
	var keep *Rule
	for _, r := range o.cm().inBand.rules {
		if r.ClassifierPriority() == inBandFromLocalDHCP {
			keep = r
		}
	}
	o.SetInBand(local, []InBandRemote{{Addr: netip.MustParseAddrPort("10.1.1.2:6653")}})
	if _, h := count(); h != 7 {
		t.Fatalf("%d hidden rules after a change, want 7", h)
	}
	if o.cm().inBand.rules["180000 udp,in_port=LOCAL,dl_src=02:00:00:00:00:0a,tp_src=68,tp_dst=67"] != keep {
		t.Fatal("an unchanged rule was replaced")
	}
	o.SetInBand(local, nil)
	if _, h := count(); h != 0 {
		t.Fatalf("%d hidden rules left", h)
	}
}
