package ofproto

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// testSwitch is a switch with no rules, a settable clock and a record of
// removals and changes.
type testSwitch struct {
	*Ofproto
	now     int64
	changes int
	removed []string
}

func newTestSwitch(t *testing.T) *testSwitch {
	t.Helper()
	s := &testSwitch{now: 1000}
	s.Ofproto = New("br0", func() { s.changes++ })
	s.SetClock(func() int64 { return s.now })
	s.SetRemovedHook(func(r *Rule, reason openflow.FlowRemovedReason) {
		s.removed = append(s.removed, fmt.Sprintf("%d:%s", r.Priority, reason))
	})
	// Start empty: drop the default NORMAL rule.
	if err := s.FlowMod(parseFM(t, openflow.FlowDelete, "")); err != nil {
		t.Fatal(err)
	}
	s.changes, s.removed = 0, nil
	return s
}

// parseFM parses a flow-mod in ovs-ofctl syntax; an add without a table
// goes to table 0, as ovs-ofctl sends it.
func parseFM(t testing.TB, cmd openflow.FlowModCommand, s string) *openflow.FlowMod {
	t.Helper()
	fm, err := openflow.ParseFlow(s, cmd, nil)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	if cmd == openflow.FlowAdd && fm.TableID == openflow.TableAll {
		fm.TableID = 0
	}
	return fm
}

func (s *testSwitch) mod(t *testing.T, cmd openflow.FlowModCommand, spec string) error {
	t.Helper()
	return s.FlowMod(parseFM(t, cmd, spec))
}

func (s *testSwitch) mustMod(t *testing.T, cmd openflow.FlowModCommand, spec string) {
	t.Helper()
	if err := s.mod(t, cmd, spec); err != nil {
		t.Fatalf("%q: %v", spec, err)
	}
}

// dump lists the visible rules as "table:priority,match actions cookie"
// lines, sorted.
func (s *testSwitch) dump(t *testing.T) []string {
	t.Helper()
	var out []string
	err := s.Flows(&FlowFilter{TableID: openflow.TableAll, OutPort: openflow.PortNone, OutGroup: openflow.GroupAny},
		func(r *Rule) bool {
			m := r.OpenFlowMatch().String()
			line := fmt.Sprintf("%d:%d", r.Table, r.Priority)
			if m != "" {
				line += "," + m
			}
			line += " " + openflow.ActionsString(r.Actions())
			if r.Cookie != 0 {
				line += fmt.Sprintf(" cookie=%#x", r.Cookie)
			}
			out = append(out, line)
			return true
		})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func (s *testSwitch) want(t *testing.T, want ...string) {
	t.Helper()
	got := s.dump(t)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("flows:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func (s *testSwitch) rule(t *testing.T, table uint8, prio uint16, match string) *Rule {
	t.Helper()
	m, err := openflow.ParseMatch(match, nil)
	if err != nil {
		t.Fatal(err)
	}
	var found *Rule
	s.Flows(&FlowFilter{TableID: table, Match: *m, Strict: true, Priority: prio,
		OutPort: openflow.PortNone, OutGroup: openflow.GroupAny}, func(r *Rule) bool {
		found = r
		return false
	})
	if found == nil {
		t.Fatalf("no rule %d,%s in table %d", prio, match, table)
	}
	return found
}

func wantCode(t *testing.T, err error, code openflow.ErrorCode) {
	t.Helper()
	var got openflow.ErrorCode
	if !errors.As(err, &got) || got != code {
		t.Fatalf("error %v, want %s", err, code.Name())
	}
}

func TestFlowModAddReplaceCounters(t *testing.T) {
	s := newTestSwitch(t)
	s.mustMod(t, openflow.FlowAdd, "priority=5,tcp,idle_timeout=10,actions=output:2")
	r := s.rule(t, 0, 5, "tcp")
	if r.Flags != 0 || r.IdleTimeout != 10 || r.Created != 1000 {
		t.Fatalf("rule %+v", r)
	}
	r.Credit(3, 300, 1500)

	// An OpenFlow 1.3 add without reset_counts keeps the counters and
	// the last-used time, but the flow is new.
	s.now = 2000
	s.mustMod(t, openflow.FlowAdd, "priority=5,tcp,actions=output:1")
	r2 := s.rule(t, 0, 5, "tcp")
	if p, b, _ := r2.Stats(); p != 3 || b != 300 {
		t.Fatalf("counters not kept: %d %d", p, b)
	}
	if r2.Created != 2000 || r2.Modified != 2000 || r2.IdleTimeout != 0 || r2.lastUsed() != 1500 {
		t.Fatalf("replacement %+v used %d", r2, r2.lastUsed())
	}
	// reset_counts resets them.
	s.mustMod(t, openflow.FlowAdd, "priority=5,tcp,reset_counts,actions=output:1")
	r3 := s.rule(t, 0, 5, "tcp")
	if p, _, _ := r3.Stats(); p != 0 || r3.Flags != openflow.FlowResetCounts {
		t.Fatalf("reset_counts: %d packets, flags %v", p, r3.Flags)
	}
	// OpenFlow 1.0 (and NXM) adds imply reset_counts, and show it.
	r3.Credit(1, 60, 2500)
	fm := parseFM(t, openflow.FlowAdd, "priority=5,tcp,actions=output:1")
	if err := s.FlowModVersion(fm, openflow.V10); err != nil {
		t.Fatal(err)
	}
	r4 := s.rule(t, 0, 5, "tcp")
	if p, _, _ := r4.Stats(); p != 0 || r4.Flags != openflow.FlowResetCounts || r4.lastUsed() != 2500 {
		t.Fatalf("1.0 add: %d packets, flags %v", p, r4.Flags)
	}
	if s.changes != 4 || len(s.removed) != 0 {
		t.Fatalf("changes %d removed %v", s.changes, s.removed)
	}
	s.want(t, "0:5,tcp output:1")
}

func TestFlowModErrors(t *testing.T) {
	s := newTestSwitch(t)
	s.mustMod(t, openflow.FlowAdd, "priority=5,tcp,actions=output:2")
	tests := []struct {
		cmd  openflow.FlowModCommand
		spec string
		v    openflow.Version
		edit func(fm *openflow.FlowMod)
		code openflow.ErrorCode
	}{
		{openflow.FlowAdd, "actions=drop", openflow.V13, func(fm *openflow.FlowMod) { fm.TableID = openflow.TableAll }, openflow.OFPFMFC_BAD_TABLE_ID},
		{openflow.FlowAdd, "table=254,actions=drop", openflow.V13, nil, openflow.OFPBRC_EPERM},
		{openflow.FlowModify, "table=254,actions=drop", openflow.V13, nil, openflow.OFPBRC_EPERM},
		{openflow.FlowDelete, "table=254", openflow.V13, nil, openflow.OFPBRC_EPERM},
		{openflow.FlowAdd, "actions=drop", openflow.V13, func(fm *openflow.FlowMod) { fm.Command = 9 }, openflow.OFPFMFC_BAD_COMMAND},
		{openflow.FlowAdd, "table=3,actions=goto_table:2", openflow.V13, nil, openflow.OFPBIC_BAD_TABLE_ID},
		{openflow.FlowAdd, "table=3,actions=goto_table:3", openflow.V13, nil, openflow.OFPBIC_BAD_TABLE_ID},
		{openflow.FlowAdd, "actions=output:65280", openflow.V13, nil, openflow.OFPBAC_BAD_OUT_PORT},
		{openflow.FlowAdd, "actions=output:none", openflow.V10, nil, openflow.OFPBAC_BAD_OUT_PORT},
		{openflow.FlowAdd, "actions=enqueue:normal:1", openflow.V10, nil, openflow.OFPBAC_BAD_OUT_PORT},
		{openflow.FlowAdd, "actions=group:5", openflow.V13, nil, openflow.OFPBAC_BAD_OUT_GROUP},
		{openflow.FlowAdd, "actions=meter:3,output:1", openflow.V13, nil, openflow.OFPMMFC_INVALID_METER},
		{openflow.FlowAdd, "actions=set_field:80->tcp_dst", openflow.V10, nil, openflow.OFPBAC_MATCH_INCONSISTENT},
		{openflow.FlowAdd, "ip,actions=load:1->NXM_OF_TCP_DST[]", openflow.V10, nil, openflow.OFPBAC_MATCH_INCONSISTENT},
		{openflow.FlowAdd, "actions=move:NXM_OF_IP_SRC[]->NXM_NX_REG0[]", openflow.V13, nil, openflow.OFPBAC_MATCH_INCONSISTENT},
		{openflow.FlowAdd, "actions=dec_ttl", openflow.V13, nil, openflow.OFPBAC_MATCH_INCONSISTENT},
		{openflow.FlowAdd, "actions=strip_vlan", openflow.V13, nil, openflow.OFPBAC_MATCH_INCONSISTENT},
		{openflow.FlowAdd, "actions=dec_mpls_ttl", openflow.V13, nil, openflow.OFPBAC_MATCH_INCONSISTENT},
		{openflow.FlowAdd, "priority=5,ip,check_overlap,actions=drop", openflow.V13, nil, openflow.OFPFMFC_OVERLAP},
		{openflow.FlowAdd, "priority=5,tcp,tp_dst=80,check_overlap,actions=drop", openflow.V13, nil, openflow.OFPFMFC_OVERLAP},
		{openflow.FlowModify, "tcp,actions=group:1", openflow.V13, nil, openflow.OFPBAC_BAD_OUT_GROUP},
	}
	for _, tc := range tests {
		fm := parseFM(t, tc.cmd, tc.spec)
		if tc.edit != nil {
			tc.edit(fm)
		}
		wantCode(t, s.FlowModVersion(fm, tc.v), tc.code)
	}
	// What strict checking refuses, OpenFlow 1.0 lets through, and
	// actions that establish a header satisfy later ones.
	for _, spec := range []string{
		"priority=1,actions=dec_ttl",
		"priority=2,actions=strip_vlan",
		"priority=3,actions=dec_mpls_ttl",
	} {
		if err := s.FlowModVersion(parseFM(t, openflow.FlowAdd, spec), openflow.V10); err != nil {
			t.Errorf("1.0 %q: %v", spec, err)
		}
	}
	for _, spec := range []string{
		"priority=4,actions=push_mpls:0x8847,dec_mpls_ttl",
		"priority=6,actions=push_vlan:0x8100,pop_vlan",
		"priority=7,tcp,actions=set_field:80->tcp_dst,output:in_port,output:local,output:controller",
		"priority=8,mpls,actions=pop_mpls:0x0800,dec_ttl",
		"table=3,priority=9,actions=goto_table:4",
		"priority=5,udp,check_overlap,actions=drop",
		"priority=5,tcp,check_overlap,actions=output:3", // identical: replaces
	} {
		if err := s.FlowModVersion(parseFM(t, openflow.FlowAdd, spec), openflow.V13); err != nil {
			t.Errorf("1.3 %q: %v", spec, err)
		}
	}
	if got := len(s.dump(t)); got != 10 {
		t.Fatalf("%d flows: %v", got, s.dump(t))
	}
}

func TestFlowModModify(t *testing.T) {
	s := newTestSwitch(t)
	s.mustMod(t, openflow.FlowAdd, "cookie=5,priority=20,tcp,send_flow_rem,idle_timeout=100,actions=output:2")
	s.mustMod(t, openflow.FlowAdd, "cookie=6,priority=21,tcp,tp_dst=80,actions=output:2")
	s.mustMod(t, openflow.FlowAdd, "cookie=7,priority=22,udp,actions=output:2")
	old := s.rule(t, 0, 20, "tcp")
	old.Credit(4, 400, 1200)
	s.changes = 0

	// Loose: every rule at least as specific as "tcp", any priority;
	// timeouts and flags stay, counters stay, modified time moves.
	s.now = 3000
	s.mustMod(t, openflow.FlowModify, "tcp,idle_timeout=5,actions=output:1")
	s.want(t, "0:20,tcp output:1 cookie=0x5", "0:21,tcp,tp_dst=80 output:1 cookie=0x6", "0:22,udp output:2 cookie=0x7")
	r := s.rule(t, 0, 20, "tcp")
	if r == old || r.IdleTimeout != 100 || r.Flags != openflow.FlowSendFlowRem || r.Created != 1000 || r.Modified != 3000 {
		t.Fatalf("modified rule %+v", r)
	}
	if p, b, u := r.Stats(); p != 4 || b != 400 || u != 1200 {
		t.Fatalf("counters %d %d %d", p, b, u)
	}
	if s.changes != 1 {
		t.Fatalf("%d changes for one flow-mod", s.changes)
	}
	// Strict: only the exact match and priority.
	s.mustMod(t, openflow.FlowModifyStrict, "priority=21,tcp,actions=output:3")
	s.mustMod(t, openflow.FlowModifyStrict, "priority=20,tcp,reset_counts,actions=output:3")
	s.want(t, "0:20,tcp output:3 cookie=0x5", "0:21,tcp,tp_dst=80 output:1 cookie=0x6", "0:22,udp output:2 cookie=0x7")
	if p, _, _ := s.rule(t, 0, 20, "tcp").Stats(); p != 0 {
		t.Fatal("reset_counts on modify kept the counters")
	}
	// Cookie selector.
	fm := parseFM(t, openflow.FlowModify, "actions=output:4")
	fm.Cookie, fm.CookieMask = 7, ^uint64(0)
	if err := s.FlowMod(fm); err != nil {
		t.Fatal(err)
	}
	s.want(t, "0:20,tcp output:3 cookie=0x5", "0:21,tcp,tp_dst=80 output:1 cookie=0x6", "0:22,udp output:4 cookie=0x7")

	// OpenFlow 1.0 carries a new cookie: it is set, and a modify that
	// selects nothing adds the flow (without implied reset_counts).
	fm = parseFM(t, openflow.FlowModify, "udp,actions=output:5")
	fm.NewCookie = 9
	if err := s.FlowModVersion(fm, openflow.V10); err != nil {
		t.Fatal(err)
	}
	fm = parseFM(t, openflow.FlowModifyStrict, "priority=30,icmp,actions=output:6")
	fm.NewCookie = 0
	if err := s.FlowModVersion(fm, openflow.V10); err != nil {
		t.Fatal(err)
	}
	// OpenFlow 1.3's modify never adds.
	s.mustMod(t, openflow.FlowModify, "arp,actions=output:7")
	s.want(t, "0:20,tcp output:3 cookie=0x5", "0:21,tcp,tp_dst=80 output:1 cookie=0x6", "0:22,udp output:5 cookie=0x9",
		"0:30,icmp output:6")
	if f := s.rule(t, 0, 30, "icmp").Flags; f != 0 {
		t.Fatalf("modify-add flags %v", f)
	}
	// A 1.0 modify with a cookie mask selects, and adds nothing.
	fm = parseFM(t, openflow.FlowModify, "arp,actions=output:7")
	fm.Cookie, fm.CookieMask = 5, 0xff
	fm.NXM = true
	if err := s.FlowMod(fm); err != nil {
		t.Fatal(err)
	}
	if len(s.dump(t)) != 4 || len(s.removed) != 0 {
		t.Fatal("masked modify added a flow")
	}
}

func TestFlowModDelete(t *testing.T) {
	s := newTestSwitch(t)
	if err := s.GroupMod(&openflow.GroupMod{Command: openflow.GroupAdd, GroupType: openflow.GroupAll, GroupID: 1}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{
		"cookie=1,priority=10,tcp,actions=output:1",
		"cookie=2,priority=11,tcp,tp_dst=80,actions=output:2",
		"cookie=3,priority=12,udp,actions=write_actions(output:3)",
		"cookie=3,priority=13,ip,actions=group:1",
		"cookie=4,table=1,priority=10,tcp,actions=clone(output:2)",
		"cookie=4,table=2,priority=10,actions=controller",
	} {
		s.mustMod(t, openflow.FlowAdd, f)
	}
	all := s.dump(t)
	s.changes = 0
	// out_port looks into write_actions and clone, and counts the
	// controller action as output to CONTROLLER.
	del := func(spec string, edit func(fm *openflow.FlowMod), strict bool) {
		t.Helper()
		cmd := openflow.FlowDelete
		if strict {
			cmd = openflow.FlowDeleteStrict
		}
		fm := parseFM(t, cmd, spec)
		if edit != nil {
			edit(fm)
		}
		if err := s.FlowMod(fm); err != nil {
			t.Fatal(err)
		}
	}
	del("out_port=3", nil, false)
	del("out_port=2,table=1", nil, false)
	del("out_port=controller", nil, false)
	s.want(t, all[0], all[1], all[3])
	if !slices.Equal(s.removed, []string{"12:delete", "10:delete", "10:delete"}) || s.changes != 3 {
		t.Fatalf("removed %v, %d changes", s.removed, s.changes)
	}
	del("", func(fm *openflow.FlowMod) { fm.OutGroup = 1 }, false)
	s.want(t, all[0], all[1])
	// Strict needs the exact match and priority.
	del("priority=11,tcp", nil, true)
	del("priority=10,tcp,tp_dst=80", nil, true)
	s.want(t, all[0], all[1])
	del("priority=11,tcp,tp_dst=80", nil, true)
	s.want(t, all[0])
	// Cookie selector; a delete that selects nothing changes nothing.
	s.changes = 0
	del("", func(fm *openflow.FlowMod) { fm.Cookie, fm.CookieMask = 2, 0xf }, false)
	if s.changes != 0 {
		t.Fatal("empty delete reported a change")
	}
	del("", func(fm *openflow.FlowMod) { fm.Cookie, fm.CookieMask = 1, 0xf }, false)
	s.want(t)
}

func TestFlowModTables(t *testing.T) {
	s := newTestSwitch(t)
	s.mustMod(t, openflow.FlowAdd, "table=0,priority=1,actions=drop")
	s.mustMod(t, openflow.FlowAdd, "table=7,priority=1,actions=drop")
	s.mustMod(t, openflow.FlowModify, "actions=output:1") // TableAll
	s.want(t, "0:1 output:1", "7:1 output:1")
	s.mustMod(t, openflow.FlowModify, "table=7,actions=output:2")
	s.want(t, "0:1 output:1", "7:1 output:2")
	s.mustMod(t, openflow.FlowDelete, "table=0")
	s.want(t, "7:1 output:2")
	// Flows filters by table too.
	n := 0
	s.Flows(&FlowFilter{TableID: 0, OutPort: openflow.PortNone, OutGroup: openflow.GroupAny}, func(*Rule) bool { n++; return true })
	if n != 0 {
		t.Fatal("table filter")
	}
}

func TestFlowsFilter(t *testing.T) {
	s := newTestSwitch(t)
	for _, f := range []string{
		"cookie=1,priority=10,tcp,actions=output:1",
		"cookie=2,priority=11,tcp,tp_dst=80,actions=output:2",
		"cookie=3,priority=12,udp,actions=output:1",
		"cookie=3,priority=13,actions=output:1",
	} {
		s.mustMod(t, openflow.FlowAdd, f)
	}
	s.rule(t, 0, 10, "tcp").Credit(2, 200, 1100)
	s.rule(t, 0, 12, "udp").Credit(1, 50, 1100)
	count := func(f *FlowFilter) (int, uint64) {
		t.Helper()
		if f.OutPort == 0 {
			f.OutPort = openflow.PortNone
		}
		if f.OutGroup == 0 {
			f.OutGroup = openflow.GroupAny
		}
		n := 0
		if err := s.Flows(f, func(*Rule) bool { n++; return true }); err != nil {
			t.Fatal(err)
		}
		p, _, flows, err := s.Aggregate(f)
		if err != nil || int(flows) != n {
			t.Fatalf("aggregate %d flows, %v", flows, err)
		}
		return n, p
	}
	tcp, _ := openflow.ParseMatch("tcp", nil)
	ip, _ := openflow.ParseMatch("ip", nil)
	cases := []struct {
		f       FlowFilter
		n       int
		packets uint64
	}{
		{FlowFilter{TableID: openflow.TableAll}, 4, 3},
		{FlowFilter{TableID: openflow.TableAll, Match: *tcp}, 2, 2},
		{FlowFilter{TableID: openflow.TableAll, Match: *ip}, 3, 3},
		{FlowFilter{TableID: openflow.TableAll, Match: *tcp, Strict: true, Priority: 10}, 1, 2},
		{FlowFilter{TableID: openflow.TableAll, Match: *tcp, Strict: true, Priority: 11}, 0, 0},
		{FlowFilter{TableID: openflow.TableAll, OutPort: 1}, 3, 3},
		{FlowFilter{TableID: openflow.TableAll, Cookie: 3, CookieMask: ^uint64(0)}, 2, 1},
		{FlowFilter{TableID: 1}, 0, 0},
	}
	for i, c := range cases {
		n, p := count(&c.f)
		if n != c.n || p != c.packets {
			t.Errorf("case %d: %d flows %d packets, want %d %d", i, n, p, c.n, c.packets)
		}
	}
	// Stopping early.
	n := 0
	s.Flows(&FlowFilter{TableID: openflow.TableAll, OutPort: openflow.PortNone, OutGroup: openflow.GroupAny},
		func(*Rule) bool { n++; return false })
	if n != 1 {
		t.Fatal("Flows did not stop")
	}
}

func TestDumpAndRemoved(t *testing.T) {
	s := newTestSwitch(t)
	s.now = 10_000
	s.mustMod(t, openflow.FlowAdd, "cookie=0x42,table=2,priority=7,tcp,idle_timeout=60,hard_timeout=90,importance=3,send_flow_rem,actions=output:1")
	r := s.rule(t, 2, 7, "tcp")
	r.Credit(5, 500, 12_000)
	s.now = 13_500
	s.mustMod(t, openflow.FlowModify, "table=2,tcp,actions=output:2")
	r = s.rule(t, 2, 7, "tcp")
	s.now = 15_250
	d := r.Dump(s.now, true)
	if d.DurationSec != 5 || d.DurationNsec != 250_000_000 || d.IdleAge != 3 || d.HardAge != 1 ||
		d.PacketCount != 5 || d.ByteCount != 500 || d.Cookie != 0x42 || d.TableID != 2 ||
		d.IdleTimeout != 60 || d.HardTimeout != 90 || d.Importance != 3 || d.Flags != openflow.FlowSendFlowRem {
		t.Fatalf("dump %+v", d)
	}
	text := string(d.AppendText(nil, nil))
	if !strings.Contains(text, "priority=7,tcp actions=output:2") {
		t.Fatalf("dump text %q", text)
	}
	if d := r.Dump(s.now, false); d.IdleAge != -1 || d.HardAge != -1 {
		t.Fatal("ages outside NXM")
	}
	fr := r.Removed(s.now, openflow.RemovedHardTimeout)
	if fr.Cookie != 0x42 || fr.Priority != 7 || fr.TableID != 2 || fr.DurationSec != 5 || fr.PacketCount != 5 ||
		fr.Reason != openflow.RemovedHardTimeout || fr.IdleTimeout != 60 || fr.HardTimeout != 90 || fr.Match.String() != "tcp" {
		t.Fatalf("removed %+v", fr)
	}
}

func TestFlowModsAtomic(t *testing.T) {
	s := newTestSwitch(t)
	s.mustMod(t, openflow.FlowAdd, "priority=1,actions=output:1")
	s.changes = 0
	batch := []*openflow.FlowMod{
		parseFM(t, openflow.FlowAdd, "priority=2,tcp,actions=output:2"),
		parseFM(t, openflow.FlowModify, "actions=output:3"),
		parseFM(t, openflow.FlowDelete, "priority=1"),
		parseFM(t, openflow.FlowAdd, "priority=3,actions=group:99"), // fails
	}
	failed, err := s.FlowMods(batch)
	wantCode(t, err, openflow.OFPBAC_BAD_OUT_GROUP)
	if failed != 3 {
		t.Fatalf("failed %d", failed)
	}
	s.want(t, "0:1 output:1")
	if s.changes != 0 || len(s.removed) != 0 || s.Count(0) != 1 {
		t.Fatalf("aborted batch left traces: %d changes, %v, %d rules", s.changes, s.removed, s.Count(0))
	}
	// Without the bad one it applies, in order, as one change.
	failed, err = s.FlowMods(batch[:2])
	if err != nil || failed != -1 {
		t.Fatal(failed, err)
	}
	s.want(t, "0:1 output:3", "0:2,tcp output:3")
	if s.changes != 1 {
		t.Fatalf("%d changes", s.changes)
	}
	// A later flow-mod of a batch sees the earlier ones.
	failed, err = s.FlowModsVersion([]*openflow.FlowMod{
		parseFM(t, openflow.FlowAdd, "priority=4,udp,idle_timeout=5,actions=output:4"),
		parseFM(t, openflow.FlowDeleteStrict, "priority=4,udp"),
		parseFM(t, openflow.FlowAdd, "priority=4,udp,actions=output:5"),
	}, openflow.V13)
	if err != nil {
		t.Fatal(failed, err)
	}
	s.want(t, "0:1 output:3", "0:2,tcp output:3", "0:4,udp output:5")
	if len(s.expirable) != 0 {
		t.Fatal("a rule that never became visible is waiting to expire")
	}
}

func TestHiddenRules(t *testing.T) {
	s := newTestSwitch(t)
	var match, mask flow.Flow
	h := s.AddHidden(0, 0xf0f0f0, match, mask, []openflow.Action{openflow.Output{Port: openflow.PortNormal}})
	s.mustMod(t, openflow.FlowAdd, "priority=65535,actions=drop")
	var f, wc flow.Flow
	if got := s.Lookup(0, &f, &wc); got != h || !h.Hidden() || h.ClassifierPriority() != 0xf0f0f0 {
		t.Fatalf("lookup found %+v", got)
	}
	// Flow-mods, dumps and table stats do not see it.
	s.mustMod(t, openflow.FlowDelete, "")
	s.mustMod(t, openflow.FlowModify, "actions=output:1")
	s.want(t)
	if got := s.Lookup(0, &f, &wc); got != h {
		t.Fatal("delete-all removed the hidden rule")
	}
	if active, _, _ := s.TableStats(0); active != 0 {
		t.Fatalf("active %d", active)
	}
	n := 0
	s.AllRules(func(r *Rule) bool { n++; return true })
	if n != 1+len(internalRules) {
		t.Fatal("AllRules")
	}
	s.RemoveHidden(h)
	s.RemoveHidden(h)
	if s.Lookup(0, &f, &wc) != nil || s.Count(0) != 0 {
		t.Fatal("hidden rule not removed")
	}
}

func TestTableStats(t *testing.T) {
	s := newTestSwitch(t)
	s.mustMod(t, openflow.FlowAdd, "table=3,priority=1,actions=drop")
	s.TableHit(3, 5, 4)
	s.TableHit(3, 1, 0)
	if a, l, m := s.TableStats(3); a != 1 || l != 6 || m != 4 {
		t.Fatalf("stats %d %d %d", a, l, m)
	}
}
