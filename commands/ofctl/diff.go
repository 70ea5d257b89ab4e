package ofctl

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"sync"

	"github.com/govs/ovs/proto/openflow"
	"github.com/govs/ovs/proto/openflow/vconn"
)

// replace-flows and diff-flows compare two flow tables, keyed as OVS keys
// them: by table, priority and match. Two versions of a flow differ when
// their cookie, timeouts, importance or actions do.
//
// Tables of 100,000 flows are the case to be fast for: the key is the
// match's canonical bytes (its entries are sorted, masked and normalised
// on both sides, so equal matches have equal bytes) rather than its text,
// entries come from slabs, the actions are compared as text only where a
// flow is on both sides, and the file is parsed on every core while the
// switch's flows are decoded as they arrive.

type flowVersion struct {
	cookie     uint64
	idle, hard uint16
	importance uint16
	flags      openflow.FlowModFlags
	actions    []openflow.Action
}

type flowEntry struct {
	table    uint8
	priority uint16
	match    openflow.Match
	has      [2]bool
	ver      [2]flowVersion
}

type flowTable struct {
	byKey map[string]*flowEntry
	order []*flowEntry
	slab  []flowEntry
	key   []byte
	text  [2][]byte // scratch for comparing actions
}

func newFlowTable() *flowTable { return &flowTable{byKey: map[string]*flowEntry{}} }

// appendFlowKey is the identity of a flow: table, priority, then each
// match entry's field and value/mask bytes (fixed widths per field, so
// the concatenation is unambiguous). A packet type of Ethernet is left
// out: a match decoded from the wire records it as soon as an Ethernet
// field appears, one parsed from "ip" may not, and both mean the same.
func appendFlowKey(b []byte, table uint8, priority uint16, m *openflow.Match) []byte {
	b = append(b, table, byte(priority>>8), byte(priority))
	for _, e := range m.Entries() {
		n := openflow.StorageBytes(e.Field)
		if e.Field == openflow.FieldPacketType && e.Value == [16]byte{} {
			continue
		}
		b = append(b, byte(e.Field))
		b = append(b, e.Value[:n]...)
		b = append(b, e.Mask[:n]...)
	}
	return b
}

// add records v as side idx's version of the flow; the table takes m over
// (callers pass matches nothing else holds).
func (t *flowTable) add(idx int, table uint8, priority uint16, m *openflow.Match, v flowVersion) {
	t.key = appendFlowKey(t.key[:0], table, priority, m)
	e := t.byKey[string(t.key)]
	if e == nil {
		if len(t.slab) == 0 {
			t.slab = make([]flowEntry, 1024)
		}
		e = &t.slab[0]
		t.slab = t.slab[1:]
		e.table, e.priority, e.match = table, priority, *m
		t.byKey[string(t.key)] = e
		t.order = append(t.order, e)
	}
	e.ver[idx], e.has[idx] = v, true
}

// same reports whether the two sides' versions of e are equal.
func (t *flowTable) same(e *flowEntry) bool {
	a, z := &e.ver[0], &e.ver[1]
	if a.cookie != z.cookie || a.idle != z.idle || a.hard != z.hard || a.importance != z.importance {
		return false
	}
	t.text[0] = openflow.AppendActions(t.text[0][:0], a.actions, nil)
	t.text[1] = openflow.AppendActions(t.text[1][:0], z.actions, nil)
	return bytes.Equal(t.text[0], t.text[1])
}

// parsedFlow is one line of a flow file after parsing.
type parsedFlow struct {
	fm  *openflow.FlowMod
	err error
}

// parseFlowLines parses the lines of file on every core. The first line
// that fails (in file order) is parsed again here to fail exactly as a
// line-by-line reading would.
func (c *ctx) parseFlowLines(file string, lines []line, cmdOf func(string) (openflow.FlowModCommand, string), ports openflow.PortLookup) []*openflow.FlowMod {
	out := make([]parsedFlow, len(lines))
	parse := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			cmd, text := cmdOf(lines[i].text)
			fm, err := openflow.ParseFlow(text, cmd, ports)
			if err == nil {
				err = checkFlow(fm)
			}
			out[i] = parsedFlow{fm, err}
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if len(lines) < 1000 || workers < 2 {
		workers = 1
	}
	var wg sync.WaitGroup
	chunk := (len(lines) + workers - 1) / workers
	for lo := 0; lo < len(lines); lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			parse(lo, hi)
		}(lo, min(lo+chunk, len(lines)))
	}
	wg.Wait()
	fms := make([]*openflow.FlowMod, len(lines))
	for i := range out {
		if out[i].err != nil {
			cmd, text := cmdOf(lines[i].text)
			c.parseFlowAt(file, lines[i].n, text, cmd, ports)
			fatal("%s:%d: %s", file, lines[i].n, out[i].err)
		}
		fms[i] = out[i].fm
	}
	return fms
}

func addCommand(s string) (openflow.FlowModCommand, string) { return openflow.FlowAdd, s }

// readFlowsFile loads a flow file into side idx.
func (c *ctx) readFlowsFile(t *flowTable, idx int, file string) protocols {
	return c.addFlowMods(t, idx, c.parseFlowLines(file, c.readLines(file), addCommand, nil))
}

func (c *ctx) addFlowMods(t *flowTable, idx int, fms []*openflow.FlowMod) protocols {
	usable := pAny
	for _, fm := range fms {
		usable &= usableProtocols(fm)
		table := fm.TableID
		if table == openflow.TableAll {
			table = 0
		}
		t.add(idx, table, fm.Priority, &fm.Match, flowVersion{
			cookie: fm.NewCookie, idle: fm.IdleTimeout, hard: fm.HardTimeout,
			importance: fm.Importance, flags: fm.Flags, actions: fm.Actions,
		})
	}
	return usable
}

// readFlowsSwitch loads the switch's flows into side idx.
func (c *ctx) readFlowsSwitch(t *flowTable, idx int, target string) {
	conn, p := c.openForDump(target, pAny)
	defer conn.Close()
	c.dumpInto(conn, p, target, t, idx)
}

func (c *ctx) dumpInto(conn *vconn.Conn, p protocols, target string, t *flowTable, idx int) {
	req := openflow.NewFlowStatsRequest()
	req.NXM = p&pNXMAny != 0
	c.transactEach(conn, target, req, func(r []byte) {
		m, _, err := openflow.Decode(r)
		if err != nil {
			c.print(r)
			fatal("%s: bad flow statistics reply", target)
		}
		fr, ok := m.(*openflow.FlowStatsReply)
		if !ok {
			c.print(r)
			exitStatus(1)
		}
		for i := range fr.Flows {
			f := &fr.Flows[i]
			t.add(idx, f.TableID, f.Priority, &f.Match, flowVersion{
				cookie: f.Cookie, idle: f.IdleTimeout, hard: f.HardTimeout,
				importance: f.Importance, flags: f.Flags, actions: f.Actions,
			})
		}
	})
}

// readFlowsSource reads a file when source names one, else a switch.
func (c *ctx) readFlowsSource(t *flowTable, idx int, source string) {
	if _, err := os.Stat(source); err == nil || source == "-" {
		c.readFlowsFile(t, idx, source)
		return
	}
	c.readFlowsSwitch(t, idx, source)
}

// appendVersion is a diff-flows line after its +/- sign.
func appendVersion(b []byte, e *flowEntry, v *flowVersion) []byte {
	if e.table != 0 {
		b = strconv.AppendUint(append(b, "table="...), uint64(e.table), 10)
		b = append(b, ' ')
	}
	fd := openflow.FlowDump{Priority: e.priority, Match: e.match, IdleAge: -1, HardAge: -1}
	text := fd.AppendText(nil, nil)
	if i := bytes.Index(text, []byte("n_bytes=0, ")); i >= 0 {
		text = text[i+len("n_bytes=0, "):]
	}
	text = bytes.TrimSuffix(text, []byte("actions=drop"))
	text = bytes.TrimSuffix(text, []byte(" "))
	b = append(b, text...)
	if v.cookie != 0 {
		b = strconv.AppendUint(append(b, " cookie=0x"...), v.cookie, 16)
	}
	if v.idle != 0 {
		b = strconv.AppendUint(append(b, " idle_timeout="...), uint64(v.idle), 10)
	}
	if v.hard != 0 {
		b = strconv.AppendUint(append(b, " hard_timeout="...), uint64(v.hard), 10)
	}
	if v.importance != 0 {
		b = strconv.AppendUint(append(b, " importance="...), uint64(v.importance), 10)
	}
	b = append(b, " actions="...)
	if len(v.actions) == 0 {
		return append(b, "drop"...)
	}
	return openflow.AppendActions(b, v.actions, nil)
}

func diffFlows(c *ctx, args []string) {
	t := newFlowTable()
	c.readFlowsSource(t, 0, args[0])
	c.readFlowsSource(t, 1, args[1])
	differ := false
	var b []byte
	for _, e := range t.order {
		if e.has[0] && e.has[1] && t.same(e) {
			continue
		}
		differ = true
		for side, sign := range [2]byte{'-', '+'} {
			if e.has[side] {
				b = appendVersion(append(b[:0], sign), e, &e.ver[side])
				c.out.Write(append(b, '\n'))
			}
		}
	}
	if differ {
		exitStatus(2)
	}
}

func replaceFlows(c *ctx, args []string) {
	target := args[0]
	t := newFlowTable()
	// OVS asks the switch for its port names (then its table names)
	// before it opens FILE, so a missing switch is reported first even
	// when FILE is bad, and FILE may name ports.
	ports := portsByName(c.portMap(target))
	c.tableNames(target)
	lines := c.readLinesWording(args[1], "open")
	usable := c.addFlowMods(t, 1, c.parseFlowLines(args[1], lines, addCommand, ports))
	conn, p := c.openForDump(target, usable)
	defer conn.Close()
	c.dumpInto(conn, p, target, t, 0)
	// Deletions first, then additions, so that a flow replaced under
	// the same key is not deleted after being added.
	var reqs [][]byte
	for _, e := range t.order {
		if e.has[1] || !e.has[0] {
			continue
		}
		fm := openflow.NewFlowMod(openflow.FlowDeleteStrict)
		fm.TableID, fm.Priority, fm.Match = e.table, e.priority, e.match
		reqs = append(reqs, flowModBytes(fm, p, vconn.NextXid()))
	}
	for _, e := range t.order {
		if !e.has[1] || e.has[0] && !c.readd && t.same(e) {
			continue
		}
		nw := &e.ver[1]
		fm := openflow.NewFlowMod(openflow.FlowAdd)
		fm.TableID, fm.Priority, fm.Match = e.table, e.priority, e.match
		fm.NewCookie = nw.cookie
		fm.IdleTimeout, fm.HardTimeout, fm.Importance = nw.idle, nw.hard, nw.importance
		fm.Flags = nw.flags
		fm.Actions = nw.actions
		reqs = append(reqs, flowModBytes(fm, p, vconn.NextXid()))
	}
	c.sendBatch(conn, reqs)
}
