package ofctl

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/govs/ovs/internal/tty"
	"github.com/govs/ovs/proto/openflow"
	"github.com/govs/ovs/proto/openflow/vconn"
)

// Flow table commands: add-flow(s), mod-flows, del-flows, replace-flows,
// diff-flows, dump-flows, dump-aggregate.

// sortKey is one --sort/--rsort criterion; a nil field sorts by priority.
type sortKey struct {
	field *openflow.Field
	desc  bool
}

// showNames reports whether ports are printed by name (--names, or by
// default on a terminal, as OVS does).
func (c *ctx) showNames() bool {
	return c.names > 0 || c.names == 0 && tty.IsTerminal(c.stdout)
}

// portMap fetches the switch's port names over a connection of its own,
// as OVS does before parsing a flow that may name ports: a features
// request on 1.0 (whose reply lists the ports), a port-description
// request on later versions.
func (c *ctx) portMap(target string) map[uint32]string {
	conn := c.open(target)
	defer conn.Close()
	names := map[uint32]string{}
	var m openflow.Message = &openflow.FeaturesRequest{}
	if conn.Version() != openflow.V10 {
		m = &openflow.PortDescRequest{PortNo: openflow.PortAny}
	}
	for _, r := range c.transact(conn, target, m) {
		msg, _, err := openflow.Decode(r)
		if err != nil {
			continue
		}
		switch msg := msg.(type) {
		case *openflow.FeaturesReply:
			for _, p := range msg.Ports {
				names[p.PortNo] = p.Name
			}
		case *openflow.PortDescReply:
			for _, p := range msg.Ports {
				names[p.PortNo] = p.Name
			}
		}
	}
	return names
}

// tableNames asks for the tables' descriptions over a connection of its
// own, as OVS does before parsing flows (it reads table names from them
// to accept "table=NAME"): table statistics on 1.0-1.2, table features
// from 1.3 on. The names are not used yet; the request keeps the
// transaction ids of the commands that follow equal to OVS's.
func (c *ctx) tableNames(target string) {
	conn := c.open(target)
	defer conn.Close()
	var m openflow.Message = &openflow.TableStatsRequest{}
	if conn.Version() >= openflow.V13 {
		m = &openflow.TableFeaturesRequest{}
	}
	c.transact(conn, target, m)
}

// flowPorts returns the lookup used to parse flows for target: port
// names are fetched from the switch (ovs-ofctl always does that for
// commands that parse flows, which is why their xids start higher).
func (c *ctx) flowPorts(target string) openflow.PortLookup {
	c.tableNames(target)
	return portsByName(c.portMap(target))
}

// portsByName is the lookup from a port name to its number; should two
// ports share a name, the lower number wins.
func portsByName(names map[uint32]string) openflow.PortLookup {
	byName := make(map[string]uint32, len(names))
	for _, n := range sortedKeys(names) {
		if _, dup := byName[names[n]]; !dup {
			byName[names[n]] = n
		}
	}
	return func(name string) (uint32, bool) {
		n, ok := byName[name]
		return n, ok
	}
}

func (c *ctx) portNamer(names map[uint32]string) openflow.PortNamer {
	return func(p uint32) string { return names[p] }
}

// flowModCommand is what add-flow and friends send for a single flow.
func (c *ctx) flowModCommand(args []string, cmd openflow.FlowModCommand) {
	if c.strict {
		switch cmd {
		case openflow.FlowModify:
			cmd = openflow.FlowModifyStrict
		case openflow.FlowDelete:
			cmd = openflow.FlowDeleteStrict
		}
	}
	target := args[0]
	var fms []*openflow.FlowMod
	if len(args) > 1 {
		ports := c.flowPorts(target)
		fms = append(fms, c.parseFlowOrDie(args[1], cmd, ports))
	} else {
		fms = append(fms, openflow.NewFlowMod(cmd))
	}
	c.sendFlowMods(target, fms)
}

// flowModsFile reads a flow file (add-flows, the FILE of replace-flows).
func (c *ctx) flowModsFile(target, file string, defCmd openflow.FlowModCommand) []*openflow.FlowMod {
	ports := c.flowPorts(target)
	return c.parseFlowLines(file, c.readLines(file), func(l string) (openflow.FlowModCommand, string) {
		cmd, rest := flowCommandPrefix(l)
		if cmd == openflow.FlowAdd {
			cmd = defCmd
		}
		return cmd, rest
	}, ports)
}

// sendFlowMods sends the flow_mods and one barrier, and fails on the
// first error the switch reports, as OVS's transact_multiple_noreply.
func (c *ctx) sendFlowMods(target string, fms []*openflow.FlowMod) {
	usable := pAny
	for _, fm := range fms {
		usable &= usableProtocols(fm)
	}
	conn, p := c.openForFlowMod(target, usable)
	defer conn.Close()
	reqs := make([][]byte, 0, len(fms))
	for _, fm := range fms {
		reqs = append(reqs, flowModBytes(fm, p, vconn.NextXid()))
	}
	c.sendBatch(conn, reqs)
}

func (c *ctx) sendBatch(conn *vconn.Conn, reqs [][]byte) {
	if c.bundle {
		// Even an empty bundle is opened and committed, as OVS does.
		c.sendBundle(conn, reqs)
		return
	}
	if len(reqs) == 0 {
		// OVS sends no barrier when there is nothing to confirm.
		return
	}
	errs, err := conn.TransactBatch(reqs)
	if err != nil {
		fatal("%s: transaction error (%s)", conn.Name(), strerror(err))
	}
	if len(errs) > 0 {
		c.printErr(errs[0])
		exitStatus(1)
	}
}

func addFlow(c *ctx, args []string) {
	if len(args) > 2 {
		fatal("'add-flow' command takes at most 2 arguments")
	}
	c.flowModCommand(args, openflow.FlowAdd)
}

func addFlows(c *ctx, args []string) {
	c.sendFlowMods(args[0], c.flowModsFile(args[0], args[1], openflow.FlowAdd))
}

func modFlows(c *ctx, args []string) { c.flowModCommand(args, openflow.FlowModify) }
func delFlows(c *ctx, args []string) { c.flowModCommand(args, openflow.FlowDelete) }

// statsRequestFromFlow turns a dump-flows FLOW argument into a request.
func (c *ctx) flowStatsRequest(target string, args []string, aggregate bool) (*openflow.FlowStatsRequest, protocols) {
	req := openflow.NewFlowStatsRequest()
	req.Aggregate = aggregate
	usable := pAny
	if len(args) > 0 {
		fm := c.parseFlowOrDie(args[0], openflow.FlowDelete, c.flowPorts(target))
		req.Match = fm.Match
		req.TableID = fm.TableID
		req.OutPort = fm.OutPort
		req.OutGroup = fm.OutGroup
		req.Cookie, req.CookieMask = fm.Cookie, fm.CookieMask
		if !openflow.MatchFits10(&fm.Match) {
			usable &^= pOF10Any
			if !matchFits11(&fm.Match) {
				usable &^= pOF11
			}
		}
		if fm.CookieMask != 0 {
			usable &^= pOF10Any
		}
	}
	return req, usable
}

// openForDump connects and picks the protocol for a statistics dump,
// preferring NXM on 1.0 (its replies carry the flows' ages).
func (c *ctx) openForDump(target string, usable protocols) (*vconn.Conn, protocols) {
	allowed := c.allowed()
	conn := c.open(target)
	cur := baseProtocol(conn.Version())
	for _, f := range []protocols{pOF10NXM, pOF10Std, pOF11, pOF12, pOF13, pOF14, pOF15} {
		if f&usable&allowed == 0 {
			continue
		}
		if p, ok := c.setProtocol(conn, cur, f); ok {
			return conn, p
		}
	}
	if usable&allowed != 0 {
		fatal("switch does not support any of the usable flow formats (%s)", usable)
	}
	fatal("none of the usable flow formats (%s) is among the allowed flow formats (%s)", usable, allowed)
	return nil, 0
}

func dumpFlows(c *ctx, args []string) {
	target := args[0]
	req, usable := c.flowStatsRequest(target, args[1:], false)
	conn, p := c.openForDump(target, usable)
	defer conn.Close()
	req.NXM = p&pNXMAny != 0
	names := c.showNames()
	if len(c.sortKeys) == 0 && !names && !c.noStats {
		c.transactEach(conn, target, req, c.print)
		return
	}
	replies := c.transact(conn, target, req)
	var flows []openflow.FlowDump
	for _, r := range replies {
		m, _, err := openflow.Decode(r)
		if err != nil {
			c.print(r)
			continue
		}
		if fr, ok := m.(*openflow.FlowStatsReply); ok {
			for _, f := range fr.Flows {
				// OVS reads flows one by one on this path, without
				// the Nicira age extension.
				f.IdleAge, f.HardAge = -1, -1
				flows = append(flows, f)
			}
		} else {
			c.print(r)
		}
	}
	var namer openflow.PortNamer
	if names {
		namer = c.portNamer(c.portMap(target))
	}
	c.sortFlows(flows)
	var b []byte
	for i := range flows {
		b = append(b[:0], ' ')
		if c.noStats {
			b = appendFlowNoStats(b, &flows[i], namer)
		} else {
			b = flows[i].AppendText(b, namer)
		}
		b = append(b, '\n')
		if c.color {
			b = c.colorFlowLines(b, 0)
		}
		c.out.Write(b)
	}
}

// appendFlowNoStats is a dump-flows line under --no-stats: the cookie and
// table only when not zero, then the settings, match and actions.
func appendFlowNoStats(b []byte, f *openflow.FlowDump, names openflow.PortNamer) []byte {
	if f.Cookie != 0 {
		b = strconv.AppendUint(append(b, "cookie=0x"...), f.Cookie, 16)
		b = append(b, ", "...)
	}
	if f.TableID != 0 {
		b = strconv.AppendUint(append(b, "table="...), uint64(f.TableID), 10)
		b = append(b, ", "...)
	}
	g := *f
	g.Cookie, g.DurationSec, g.DurationNsec, g.TableID, g.PacketCount, g.ByteCount = 0, 0, 0, 0, 0, 0
	g.IdleAge, g.HardAge = -1, -1
	full := g.AppendText(nil, names)
	// The statistics always come first and end with n_bytes.
	if i := bytes.Index(full, []byte("n_bytes=0, ")); i >= 0 {
		full = full[i+len("n_bytes=0, "):]
	}
	return append(b, full...)
}

// sortFlows orders flows by the --sort/--rsort criteria; with none, the
// switch's order is kept.
func (c *ctx) sortFlows(flows []openflow.FlowDump) {
	if len(c.sortKeys) == 0 {
		return
	}
	sort.SliceStable(flows, func(i, j int) bool {
		for _, k := range c.sortKeys {
			if r := missingLast(&flows[i], &flows[j], k.field); r != 0 {
				return r < 0
			}
			r := compareFlows(&flows[i], &flows[j], k.field)
			if k.desc {
				r = -r
			}
			if r != 0 {
				return r < 0
			}
		}
		// Ties go to the higher priority, then to the switch's order.
		return flows[i].Priority > flows[j].Priority
	})
}

func compareFlows(a, b *openflow.FlowDump, f *openflow.Field) int {
	if f == nil {
		return cmpInt(int(a.Priority), int(b.Priority))
	}
	av, aok := fieldValue(&a.Match, f)
	bv, bok := fieldValue(&b.Match, f)
	if aok && bok {
		return bytes.Compare(av, bv)
	}
	return 0
}

// missingLast orders flows that match on f before those that do not,
// whatever the direction of the sort (as OVS does).
func missingLast(a, b *openflow.FlowDump, f *openflow.Field) int {
	if f == nil {
		return 0
	}
	_, aok := fieldValue(&a.Match, f)
	_, bok := fieldValue(&b.Match, f)
	switch {
	case aok && !bok:
		return -1
	case bok && !aok:
		return 1
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// fieldValue is the value a flow matches f on, if it matches it at all.
// Storage fields compare by their big-endian bytes, which orders numbers
// and addresses numerically; views fall back to their text.
func fieldValue(m *openflow.Match, f *openflow.Field) ([]byte, bool) {
	if n := openflow.StorageBytes(f.ID); n > 0 {
		e, ok := m.Get(f.ID)
		if !ok {
			return nil, false
		}
		return append([]byte(nil), e.Value[:n]...), true
	}
	for _, part := range strings.Split(m.String(), ",") {
		k, v, ok := strings.Cut(part, "=")
		if ok && k == f.Name {
			return []byte(v), true
		}
	}
	return nil, false
}

func dumpAggregate(c *ctx, args []string) {
	target := args[0]
	req, usable := c.flowStatsRequest(target, args[1:], true)
	conn, p := c.openForDump(target, usable)
	defer conn.Close()
	req.NXM = p&pNXMAny != 0
	for _, r := range c.transact(conn, target, req) {
		c.print(r)
	}
}
