package ofctl

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strconv"

	"github.com/govs/ovs/proto/openflow"
	"github.com/govs/ovs/proto/openflow/vconn"
)

// replace-flows and diff-flows compare two flow tables, keyed as OVS keys
// them: by table, priority and match. Two versions of a flow differ when
// their cookie, timeouts, importance or actions do.

type flowVersion struct {
	cookie      uint64
	idle, hard  uint16
	importance  uint16
	flags       openflow.FlowModFlags
	actions     []openflow.Action
	actionsText string
}

type flowEntry struct {
	table    uint8
	priority uint16
	match    openflow.Match
	key      string
	ver      [2]*flowVersion
}

type flowTable struct {
	byKey map[string]*flowEntry
	order []*flowEntry
}

func newFlowTable() *flowTable { return &flowTable{byKey: map[string]*flowEntry{}} }

func (t *flowTable) add(idx int, table uint8, priority uint16, m *openflow.Match, v *flowVersion) {
	key := strconv.Itoa(int(table)) + "/" + strconv.Itoa(int(priority)) + "/" + m.String()
	e := t.byKey[key]
	if e == nil {
		e = &flowEntry{table: table, priority: priority, match: *m.Clone(), key: key}
		t.byKey[key] = e
		t.order = append(t.order, e)
	}
	v.actionsText = string(openflow.AppendActions(nil, v.actions, nil))
	e.ver[idx] = v
}

func (v *flowVersion) equal(o *flowVersion) bool {
	return v.cookie == o.cookie && v.idle == o.idle && v.hard == o.hard &&
		v.importance == o.importance && v.actionsText == o.actionsText
}

// readFlowsFile loads a flow file into side idx.
func (c *ctx) readFlowsFile(t *flowTable, idx int, file string) protocols {
	usable := pAny
	for _, l := range c.readLines(file) {
		fm := c.parseFlowAt(file, l.n, l.text, openflow.FlowAdd, nil)
		usable &= usableProtocols(fm)
		table := fm.TableID
		if table == openflow.TableAll {
			table = 0
		}
		t.add(idx, table, fm.Priority, &fm.Match, &flowVersion{
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
	for _, r := range c.transact(conn, target, req) {
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
			t.add(idx, f.TableID, f.Priority, &f.Match, &flowVersion{
				cookie: f.Cookie, idle: f.IdleTimeout, hard: f.HardTimeout,
				importance: f.Importance, flags: f.Flags, actions: f.Actions,
			})
		}
	}
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
	return append(b, v.actionsText...)
}

func diffFlows(c *ctx, args []string) {
	t := newFlowTable()
	c.readFlowsSource(t, 0, args[0])
	c.readFlowsSource(t, 1, args[1])
	differ := false
	var b []byte
	for _, e := range t.order {
		a, z := e.ver[0], e.ver[1]
		if a != nil && z != nil && a.equal(z) {
			continue
		}
		differ = true
		if a != nil {
			b = appendVersion(append(b[:0], '-'), e, a)
			fmt.Fprintf(c.out, "%s\n", b)
		}
		if z != nil {
			b = appendVersion(append(b[:0], '+'), e, z)
			fmt.Fprintf(c.out, "%s\n", b)
		}
	}
	if differ {
		exitStatus(2)
	}
}

func replaceFlows(c *ctx, args []string) {
	target := args[0]
	t := newFlowTable()
	usable := c.readFlowsFile(t, 1, args[1])
	conn, p := c.openForDump(target, usable)
	defer conn.Close()
	c.dumpInto(conn, p, target, t, 0)
	// Deletions first, then additions, so that a flow replaced under
	// the same key is not deleted after being added.
	var reqs [][]byte
	sorted := append([]*flowEntry(nil), t.order...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ver[1] == nil && sorted[j].ver[1] != nil })
	for _, e := range sorted {
		old, nw := e.ver[0], e.ver[1]
		var fm *openflow.FlowMod
		switch {
		case nw == nil && old != nil:
			fm = openflow.NewFlowMod(openflow.FlowDeleteStrict)
			fm.TableID = e.table
		case nw != nil && (old == nil || c.readd || !old.equal(nw)):
			fm = openflow.NewFlowMod(openflow.FlowAdd)
			fm.TableID = e.table
			fm.NewCookie = nw.cookie
			fm.IdleTimeout, fm.HardTimeout, fm.Importance = nw.idle, nw.hard, nw.importance
			fm.Flags = nw.flags
			fm.Actions = nw.actions
		default:
			continue
		}
		fm.Priority = e.priority
		fm.Match = e.match
		reqs = append(reqs, flowModBytes(fm, p, vconn.NextXid()))
	}
	if len(reqs) > 0 {
		c.sendBatch(conn, reqs)
	}
}
