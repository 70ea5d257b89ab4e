package ofproto

import (
	"slices"
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

func TestExpire(t *testing.T) {
	s := newTestSwitch(t)
	s.now = 0
	s.mustMod(t, openflow.FlowAdd, "priority=1,tcp,idle_timeout=3,actions=drop")
	s.mustMod(t, openflow.FlowAdd, "priority=2,tcp,hard_timeout=3,actions=drop")
	s.mustMod(t, openflow.FlowAdd, "priority=3,tcp,idle_timeout=3,actions=drop")
	s.mustMod(t, openflow.FlowAdd, "priority=4,tcp,idle_timeout=2,hard_timeout=2,actions=drop")
	s.mustMod(t, openflow.FlowAdd, "priority=5,tcp,actions=drop")
	if next := s.NextExpiry(); next != 2000 {
		t.Fatalf("next expiry %d", next)
	}
	s.changes = 0

	// Traffic keeps an idle flow alive; a modify does not, and does not
	// restart the idle timeout, but restarts the hard one.
	s.rule(t, 0, 3, "tcp").Credit(1, 60, 2500)
	s.now = 2000
	s.mustMod(t, openflow.FlowModifyStrict, "priority=1,tcp,actions=output:1")
	s.mustMod(t, openflow.FlowModifyStrict, "priority=2,tcp,actions=output:1")
	if n := s.Expire(1999); n != 0 {
		t.Fatalf("%d expired early", n)
	}
	if n := s.Expire(2000); n != 1 || !slices.Equal(s.removed, []string{"4:hard"}) {
		t.Fatalf("at 2s: %d, %v", n, s.removed)
	}
	s.Expire(3000)
	if !slices.Equal(s.removed, []string{"4:hard", "1:idle"}) {
		t.Fatalf("at 3s: %v", s.removed)
	}
	s.Expire(4999)
	s.Expire(5000)
	s.Expire(5500)
	if !slices.Equal(s.removed, []string{"4:hard", "1:idle", "2:hard", "3:idle"}) {
		t.Fatalf("at 5.5s: %v", s.removed)
	}
	if s.changes != 2+4 { // two modifies, four expiry passes that removed something
		t.Fatalf("%d changes", s.changes)
	}
	s.want(t, "0:5,tcp drop")
	if s.NextExpiry() != -1 {
		t.Fatal("nothing left to expire")
	}
}

func TestExpireReplacedKeepsIdle(t *testing.T) {
	// An add that replaces a flow does not restart its idle timeout
	// (OVS keeps the old flow's last-used time).
	s := newTestSwitch(t)
	s.now = 0
	s.mustMod(t, openflow.FlowAdd, "priority=1,idle_timeout=3,actions=drop")
	s.now = 2000
	s.mustMod(t, openflow.FlowAdd, "priority=1,idle_timeout=3,actions=output:1")
	s.Expire(3000)
	if !slices.Equal(s.removed, []string{"1:idle"}) {
		t.Fatalf("removed %v", s.removed)
	}
	// A deleted flow is not expired later.
	s.removed = nil
	s.mustMod(t, openflow.FlowAdd, "priority=2,hard_timeout=1,actions=drop")
	s.mustMod(t, openflow.FlowDelete, "")
	s.Expire(10_000)
	if !slices.Equal(s.removed, []string{"2:delete"}) {
		t.Fatalf("removed %v", s.removed)
	}
}

func TestEviction(t *testing.T) {
	s := newTestSwitch(t)
	s.SetTableConfig(0, TableConfig{Limited: true, FlowLimit: 3})
	s.mustMod(t, openflow.FlowAdd, "priority=1,actions=drop")
	s.mustMod(t, openflow.FlowAdd, "priority=2,hard_timeout=50,actions=drop")
	s.mustMod(t, openflow.FlowAdd, "priority=3,idle_timeout=10,importance=5,actions=drop")
	wantCode(t, s.mod(t, openflow.FlowAdd, "priority=4,actions=drop"), openflow.OFPFMFC_TABLE_FULL)
	// Replacing is not adding.
	s.mustMod(t, openflow.FlowAdd, "priority=1,actions=output:1")
	// Other tables are not limited.
	s.mustMod(t, openflow.FlowAdd, "table=1,priority=4,actions=drop")

	// With eviction, the least important flow with a timeout goes
	// (priority 2, although priority 3 expires sooner); permanent flows
	// never do.
	s.SetTableConfig(0, TableConfig{Limited: true, FlowLimit: 3, Evict: true})
	s.mustMod(t, openflow.FlowAdd, "priority=4,actions=drop")
	if !slices.Equal(s.removed, []string{"2:eviction"}) {
		t.Fatalf("removed %v", s.removed)
	}
	s.mustMod(t, openflow.FlowAdd, "priority=5,idle_timeout=1,actions=drop")
	if !slices.Equal(s.removed, []string{"2:eviction", "3:eviction"}) {
		t.Fatalf("removed %v", s.removed)
	}
	// Soonest expiry among equals.
	s.mustMod(t, openflow.FlowAdd, "priority=6,hard_timeout=100,actions=drop")
	if !slices.Equal(s.removed, []string{"2:eviction", "3:eviction", "5:eviction"}) {
		t.Fatalf("removed %v", s.removed)
	}
	s.mustMod(t, openflow.FlowAdd, "priority=7,actions=drop") // evicts 6
	wantCode(t, s.mod(t, openflow.FlowAdd, "priority=8,actions=drop"), openflow.OFPFMFC_TABLE_FULL)
	if c := s.TableConfig(0); !c.Evict || c.FlowLimit != 3 {
		t.Fatalf("config %+v", c)
	}
}
