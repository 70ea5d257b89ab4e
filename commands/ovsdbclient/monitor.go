package ovsdbclient

import (
	"slices"
	"strings"
	"time"

	"github.com/govs/ovs/commands/internal/table"
	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/unixctl"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// monitorVersion is the monitor method: "monitor" (RFC 7047, "update"
// notifications with old and new rows), "monitor_cond" (update2: initial,
// insert, delete and modify with only the changed columns) or
// "monitor_cond_since" (update3: update2 plus the last transaction id).
type monitorVersion int

const (
	monitorV1 monitorVersion = iota + 1
	monitorV2
	monitorV3
)

// monitoredTable is one table of a monitor request and how to print it.
type monitoredTable struct {
	ts      *ovsdb.TableSchema
	columns []*ovsdb.ColumnSchema // printed in this order
	groups  []ovsjson.Value       // the <monitor-request>s for the table
}

func (c *client) monitor(args []string) error {
	s, err := c.fetchSchema(c.database)
	if err != nil {
		return err
	}
	var mts []*monitoredTable
	if args[0] == "ALL" {
		tables := slices.Clone(s.tables)
		slices.SortFunc(tables, func(a, b *ovsdb.TableSchema) int { return strings.Compare(a.Name, b.Name) })
		for _, ts := range tables {
			mt, err := c.parseColumnGroups(ts, args[1:], ovsjson.Value{})
			if err != nil {
				return err
			}
			mts = append(mts, mt)
		}
	} else {
		ts := s.table(args[0])
		if ts == nil {
			return fatalf("%s: %s does not have a table named \"%s\"", c.server, c.database, args[0])
		}
		mt, err := c.parseColumnGroups(ts, args[1:], ovsjson.Value{})
		if err != nil {
			return err
		}
		mts = append(mts, mt)
	}
	return c.runMonitor(monitorV1, mts, "")
}

func (c *client) monitorCond(args []string) error {
	return c.conditionalMonitor(monitorV2, "", args)
}

func (c *client) monitorCondSince(args []string) error {
	lastID := ovsdb.ZeroUUID.String()
	if u, ok := ovsdb.ParseUUID(args[0]); ok {
		lastID = u.String()
		args = args[1:]
	}
	if len(args) < 2 || len(args) > 3 {
		return fatalf("invalid syntax for '%s' (use --help for help)", c.cmd.name)
	}
	return c.conditionalMonitor(monitorV3, lastID, args)
}

// conditionalMonitor runs monitor-cond and monitor-cond-since: args are
// CONDITION TABLE [COLUMN,...].
func (c *client) conditionalMonitor(v monitorVersion, lastID string, args []string) error {
	s, err := c.fetchSchema(c.database)
	if err != nil {
		return err
	}
	ts := s.table(args[1])
	if ts == nil {
		return fatalf("%s does not have a table named \"%s\"", c.database, args[1])
	}
	cond, err := parseJSONArg(args[0])
	if err != nil {
		return err
	}
	if cond.Kind != ovsjson.Array {
		return ovsdb.NewSyntaxError(cond, "Parse error in condition.")
	}
	if _, err := database.ParseCondition(ts, cond, nil); err != nil {
		return err
	}
	mt, err := c.parseColumnGroups(ts, args[2:], cond)
	if err != nil {
		return err
	}
	return c.runMonitor(v, []*monitoredTable{mt}, lastID)
}

// parseColumnGroups turns the COLUMN,... arguments for one table into
// monitor requests: each argument is one request, its comma-separated
// words columns or !initial, !insert, !delete, !modify. A request naming
// no column monitors every column. where, if not null, is the condition of
// monitor_cond.
func (c *client) parseColumnGroups(ts *ovsdb.TableSchema, args []string, where ovsjson.Value) (*monitoredTable, error) {
	mt := &monitoredTable{ts: ts}
	if len(args) == 0 {
		args = []string{""}
	}
	seen := make(map[string]bool)
	for _, arg := range args {
		sel := map[string]bool{"initial": true, "insert": true, "delete": true, "modify": true}
		var cols []*ovsdb.ColumnSchema
		for _, word := range strings.Split(arg, ",") {
			if word == "" {
				continue
			}
			if strings.HasPrefix(word, "!") {
				if _, ok := sel[word[1:]]; ok {
					sel[word[1:]] = false
					continue
				}
			}
			col, ok := ts.Columns[word]
			if !ok {
				return nil, fatalf("%s: table \"%s\" in %s does not have a column named \"%s\"",
					c.server, ts.Name, c.database, word)
			}
			cols = append(cols, col)
		}
		if len(cols) == 0 {
			for _, name := range ts.ColumnNames {
				cols = append(cols, ts.Columns[name])
			}
			cols = append(cols, ts.Columns["_version"])
		}
		names := make([]ovsjson.Value, len(cols))
		for i, col := range cols {
			if seen[col.Name] {
				return nil, fatalf("%s: column \"%s\" mentioned multiple times", c.server, col.Name)
			}
			seen[col.Name] = true
			names[i] = ovsjson.NewString(col.Name)
		}
		mt.columns = append(mt.columns, cols...)
		req := ovsjson.NewObject(ovsjson.M("columns", ovsjson.NewArray(names...)))
		if where.Kind == ovsjson.Array {
			req.Set("where", where)
		}
		if !sel["initial"] || !sel["insert"] || !sel["delete"] || !sel["modify"] {
			req.Set("select", ovsjson.NewObject(
				ovsjson.M("initial", ovsjson.NewBool(sel["initial"])),
				ovsjson.M("insert", ovsjson.NewBool(sel["insert"])),
				ovsjson.M("delete", ovsjson.NewBool(sel["delete"])),
				ovsjson.M("modify", ovsjson.NewBool(sel["modify"]))))
		}
		mt.groups = append(mt.groups, req)
	}
	return mt, nil
}

func (c *client) setDBChangeAware() error {
	if !c.dbChangeAware {
		return nil
	}
	_, err := c.rpc.transactRaw("set_db_change_aware", ovsjson.NewArray(ovsjson.NewBool(true)))
	return err
}

func (c *client) runMonitor(v monitorVersion, mts []*monitoredTable, lastID string) error {
	if err := c.setDBChangeAware(); err != nil {
		return err
	}
	requests := make([]ovsjson.Member, len(mts))
	for i, mt := range mts {
		requests[i] = ovsjson.M(mt.ts.Name, ovsjson.NewArray(mt.groups...))
	}
	params := []ovsjson.Value{ovsjson.NewString(c.database), ovsjson.NewNull(), ovsjson.NewObject(requests...)}
	method := "monitor"
	switch v {
	case monitorV2:
		method = "monitor_cond"
	case monitorV3:
		method = "monitor_cond_since"
		params = append(params, ovsjson.NewString(lastID))
	}
	result, err := c.rpc.call(method, ovsjson.NewArray(params...))
	if err != nil {
		return err
	}
	now := time.Now()
	if v == monitorV3 {
		if result.Kind != ovsjson.Array || len(result.A) != 3 ||
			!result.A[0].IsBool() || result.A[1].Kind != ovsjson.String {
			return fatalf("%s: invalid monitor_cond_since reply: %s", c.server, unsortedJSON(result))
		}
		found := "false"
		if result.A[0].Bool() {
			found = "true"
		}
		c.stdout.WriteString("found: " + found + ", last_id: " + result.A[1].S + "\n")
		result = result.A[2]
	}
	c.printUpdates(v, mts, result, true, now)
	c.stdout.Flush()

	l := c.newLoop()
	err = c.daemon.ready(c, l, func(ctl *unixctl.Server) {
		ctl.Register("ovsdb-client/block", "", 0, 0, func([]string) (string, error) {
			var reply string
			l.do(func() {
				if l.blocked {
					reply = "already blocking\n"
				}
				l.blocked = true
			})
			return reply, nil
		})
		ctl.Register("ovsdb-client/unblock", "", 0, 0, func([]string) (string, error) {
			var reply string
			l.do(func() {
				if !l.blocked {
					reply = "already unblocked\n"
				}
				l.blocked = false
			})
			return reply, nil
		})
		ctl.Register("ovsdb-client/cond_change", "TABLE COND", 2, 2, func(args []string) (string, error) {
			where, errText := parseJSONText(args[1])
			if errText != "" {
				where = ovsjson.NewString(errText)
			}
			req := ovsjson.NewObject(ovsjson.M(args[0], ovsjson.NewArray(
				ovsjson.NewObject(ovsjson.M("where", where)))))
			c.rpc.Send(jsonrpc.NewRequest("monitor_cond_change",
				ovsjson.NewArray(ovsjson.NewNull(), ovsjson.NewNull(), req)))
			return "condition changed\n", nil
		})
	})
	if err != nil {
		return err
	}
	return l.run(func(m *jsonrpc.Message) error {
		if m.Type != jsonrpc.Notify {
			return nil
		}
		now := time.Now()
		p := m.Params
		switch {
		case m.Method == "update" && v == monitorV1 && isParams(p, 2):
			c.printUpdates(v, mts, p.A[1], false, now)
		case m.Method == "update2" && v == monitorV2 && isParams(p, 2):
			c.printUpdates(v, mts, p.A[1], false, now)
		case m.Method == "update3" && v == monitorV3 && isParams(p, 3) && p.A[1].Kind == ovsjson.String:
			c.stdout.WriteString("\nlast_id: " + p.A[1].S)
			c.printUpdates(v, mts, p.A[2], false, now)
		case m.Method == "monitor_canceled":
			return fatalf("%s: %s database was removed", c.server, c.database)
		}
		return nil
	})
}

// isParams reports whether p is the params of a notification for our
// monitor, whose id is null: an array of n elements starting with null.
func isParams(p ovsjson.Value, n int) bool {
	return p.Kind == ovsjson.Array && len(p.A) == n && p.A[0].IsNull()
}

// printUpdates prints one table per monitored table present in updates,
// in the order the tables were requested.
func (c *client) printUpdates(v monitorVersion, mts []*monitoredTable, updates ovsjson.Value, initial bool, now time.Time) {
	if updates.Kind != ovsjson.Object {
		return
	}
	for _, mt := range mts {
		tu, ok := lastMember(updates, mt.ts.Name)
		if !ok || tu.Kind != ovsjson.Object {
			continue
		}
		t := &table.Table{Timestamp: now}
		if len(mts) > 1 {
			t.Caption = mt.ts.Name
		}
		t.Headings = make([]string, 0, len(mt.columns)+2)
		t.Headings = append(t.Headings, "row", "action")
		for _, col := range mt.columns {
			t.Headings = append(t.Headings, col.Name)
		}
		for _, uuid := range hashSorted(objectKeys(tu)) {
			ru, _ := lastMember(tu, uuid)
			if ru.Kind != ovsjson.Object {
				continue
			}
			if v == monitorV1 {
				old, hasOld := lastMember(ru, "old")
				nu, hasNew := lastMember(ru, "new")
				switch {
				case initial:
					t.Rows = append(t.Rows, mt.row(uuid, "initial", nu))
				case !hasOld:
					t.Rows = append(t.Rows, mt.row(uuid, "insert", nu))
				case !hasNew:
					t.Rows = append(t.Rows, mt.row(uuid, "delete", old))
				default:
					t.Rows = append(t.Rows, mt.row(uuid, "old", old), mt.row("", "new", nu))
				}
				continue
			}
			for _, action := range []string{"initial", "insert", "delete", "modify"} {
				if row, ok := lastMember(ru, action); ok {
					t.Rows = append(t.Rows, mt.row(uuid, action, row))
					break
				}
			}
		}
		c.printTable(t)
	}
}

// row makes one printed row: the row UUID, the action, then each monitored
// column's value, or an empty cell for a column the update does not carry.
func (mt *monitoredTable) row(uuid, action string, values ovsjson.Value) []table.Cell {
	cells := make([]table.Cell, 0, len(mt.columns)+2)
	cells = append(cells, table.Text(uuid), table.Text(action))
	for _, col := range mt.columns {
		v, ok := lastMember(values, col.Name)
		if !ok {
			cells = append(cells, nil)
			continue
		}
		d, err := ovsdb.DatumFromJSON(&col.Type, v, nil)
		if err != nil {
			cells = append(cells, table.JSONCell{Value: v})
			continue
		}
		cells = append(cells, &datumCell{d: d, t: &col.Type})
	}
	return cells
}
