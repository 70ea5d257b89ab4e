package vsctl

import (
	"slices"
	"strings"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
)

// A targeted run replicates, of the Port and Interface tables, only the
// rows a command list can be affected by, which is what makes an add-port
// on a bridge with thousands of ports cost about what it costs on an
// empty one. It applies to command lists made only of add-br, add-port and
// add-bond, whose decisions are all about names: does a bridge, port or
// interface called X exist, and where. The replica then holds every bridge
// (few, and each is needed to tell which bridge a port is on), the ports
// and interfaces whose names the commands mention, and every fake-bridge
// port (a VLAN bridge's children matter to add-br); monitor conditions on
// the name column select them on the server.
//
// Such a replica must answer exactly as the full one would, so before each
// attempt it is checked to be closed under what the cache looks at: every
// interface it holds belongs to a port it holds, and every port named in
// the commands has all its interfaces there. An interface called X on a
// port called Y breaks that (add-bond, or a renamed port), and the run
// starts over with a full replica. So do command lists naming more than
// maxTargetNames things: a condition clause per name costs the server more
// than it saves.
//
// Decisions are guarded not by verifying every bridge's ports and every
// port's interfaces, as a full run does (and OVS), but by "wait"
// operations that the set of ports, and of interfaces, called each
// mentioned name is still the one the replica holds, plus the list of
// bridges. This is a stronger guard for what the commands decide, and it
// lets two concurrent add-port calls on one bridge both commit at once:
// the ports column is only ever mutated, never verified.
//
// One difference remains, in databases that break vsctl's invariants: the
// warnings a full run logs about duplicate names or ports in several
// bridges are logged only for the names the commands mention.
type target struct {
	names map[string]bool
	list  []string // names in command-line order
}

// maxTargetNames bounds the names a targeted run selects rows by.
const maxTargetNames = 32

// targetFor returns the target of cmds, or nil if they need a full
// replica.
func targetFor(cmds []*invocation) *target {
	t := &target{names: map[string]bool{}}
	add := func(names ...string) {
		for _, n := range names {
			if !t.names[n] {
				t.names[n] = true
				t.list = append(t.list, n)
			}
		}
	}
	for _, inv := range cmds {
		a := inv.args
		switch inv.cmd.name {
		case "add-br":
			add(a[1:min(len(a), 3)]...)
		case "add-port":
			add(a[1], a[2])
		case "add-bond":
			add(a[1], a[2])
			for _, n := range a[3:] {
				if strings.Contains(n, "=") {
					break
				}
				add(n)
			}
		default:
			return nil
		}
		if len(t.list) > maxTargetNames {
			return nil
		}
	}
	return t
}

func nameClause(name string) idl.Clause {
	return idl.Equal("name", ovsdb.NewScalarDatum(ovsdb.StringAtom(name)))
}

var fakeBridgeClause = idl.Equal("fake_bridge", ovsdb.NewScalarDatum(ovsdb.BoolAtom(true)))

// setTargetConditions narrows the Port and Interface monitors to the
// target's rows. Call before Start.
func (r *runner) setTargetConditions() {
	names := make([]idl.Clause, 0, len(r.target.list)+1)
	for _, n := range r.target.list {
		names = append(names, nameClause(n))
	}
	r.idl.SetCondition("Interface", names...)
	r.idl.SetCondition("Port", append(names, fakeBridgeClause)...)
}

// targetComplete reports whether the targeted replica holds everything
// the cache would look at for the target's names.
func (r *runner) targetComplete() bool {
	portT, ifT := r.table("Port"), r.table("Interface")
	nameCol, ifacesCol := r.col("Port", "name"), r.col("Port", "interfaces")
	owned := make(map[ovsdb.UUID]bool, ifT.Len())
	for p := range portT.Rows() {
		named := r.target.names[p.Str(nameCol)]
		for _, u := range p.UUIDs(ifacesCol) {
			if ifT.Row(u) != nil {
				owned[u] = true
			} else if named {
				return false
			}
		}
	}
	for i := range ifT.Rows() {
		if !owned[i.UUID] {
			return false
		}
	}
	return true
}

// verifyTarget guards a targeted run's decisions: the bridges, and which
// ports and interfaces bear each name the commands mention, and which
// ports are fake bridges, are as the replica has them.
func (r *runner) verifyTarget() {
	r.verify(r.ovs, "Open_vSwitch", "bridges")
	portT, ifT := r.table("Port"), r.table("Interface")
	portName, ifName := r.col("Port", "name"), r.col("Interface", "name")
	fake := r.col("Port", "fake_bridge")
	matching := func(t *idl.Table, keep func(*idl.Row) bool) []ovsdb.UUID {
		var us []ovsdb.UUID
		for row := range t.Rows() {
			if keep(row) {
				us = append(us, row.UUID)
			}
		}
		slices.SortFunc(us, func(a, b ovsdb.UUID) int { return strings.Compare(string(a[:]), string(b[:])) })
		return us
	}
	for _, n := range r.target.list {
		cl := []idl.Clause{nameClause(n)}
		r.txn.WaitRows(portT, cl, matching(portT, func(row *idl.Row) bool { return row.Str(portName) == n }))
		r.txn.WaitRows(ifT, cl, matching(ifT, func(row *idl.Row) bool { return row.Str(ifName) == n }))
	}
	r.txn.WaitRows(portT, []idl.Clause{fakeBridgeClause}, matching(portT, func(row *idl.Row) bool { return row.Bool(fake) }))
}
