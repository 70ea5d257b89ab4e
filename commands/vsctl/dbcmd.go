package vsctl

import (
	"fmt"
	"strings"

	"github.com/govs/ovs/commands/internal/table"
	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// rowID is one way to name a row of a table besides its UUID: by the value
// of nameCol in refTable (the table itself when uuidCol is ""), following
// uuidCol of that row; nameCol "" means the single row of refTable, as ".".
type rowID struct {
	refTable, nameCol, uuidCol string
}

// rowIDs lists, per table, the ways to name its rows besides the UUID.
var rowIDs = [...]struct {
	table string
	ids   []rowID
}{
	{"AutoAttach", []rowID{{"Bridge", "name", "auto_attach"}}},
	{"Bridge", []rowID{{"Bridge", "name", ""}}},
	{"Controller", []rowID{{"Bridge", "name", "controller"}}},
	{"Flow_Sample_Collector_Set", []rowID{{"Flow_Sample_Collector_Set", "id", ""}}},
	{"Flow_Table", []rowID{{"Flow_Table", "name", ""}}},
	{"IPFIX", []rowID{{"Bridge", "name", "ipfix"}}},
	{"Interface", []rowID{{"Interface", "name", ""}}},
	{"Manager", []rowID{{"Manager", "target", ""}}},
	{"Mirror", []rowID{{"Mirror", "name", ""}}},
	{"NetFlow", []rowID{{"Bridge", "name", "netflow"}}},
	{"Open_vSwitch", []rowID{{"Open_vSwitch", "", ""}}},
	{"Port", []rowID{{"Port", "name", ""}}},
	{"QoS", []rowID{{"Port", "name", "qos"}}},
	{"SSL", []rowID{{"Open_vSwitch", "", "ssl"}}},
	{"sFlow", []rowID{{"Bridge", "name", "sflow"}}},
}

// rowIDsOf returns the ways to name a row of table besides its UUID. (A
// static table rather than a map literal, which every tool of the binary
// would build at start-up.)
func rowIDsOf(table string) []rowID {
	for i := range rowIDs {
		if rowIDs[i].table == table {
			return rowIDs[i].ids
		}
	}
	return nil
}

func lowerUnderscore(c byte) byte {
	if c == '-' {
		return '_'
	}
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matchScore is how well s abbreviates name: max for an exact match, a
// little less for a case-insensitive one, the prefix length for a prefix,
// 0 for none.
func matchScore(name, s string) int {
	if name == s {
		return unlimited
	}
	i := 0
	for ; ; i++ {
		var a, b byte
		if i < len(name) {
			a = name[i]
		}
		if i < len(s) {
			b = s[i]
		}
		if lowerUnderscore(a) != lowerUnderscore(b) {
			break
		}
		if i >= len(name) {
			return unlimited - 1
		}
	}
	if i >= len(s) {
		return i
	}
	return 0
}

func (r *runner) getTable(name string) *ovsdb.TableSchema {
	var best *ovsdb.TableSchema
	bestScore := 0
	for _, tn := range r.schema.TableNames {
		score := matchScore(tn, name)
		if score > bestScore {
			best, bestScore = r.schema.Tables[tn], score
		} else if score == bestScore {
			best = nil
		}
	}
	if best == nil {
		if bestScore > 0 {
			fatal("multiple table names match \"%s\"", name)
		}
		fatal("unknown table \"%s\"", name)
	}
	return best
}

func (r *runner) getColumn(ts *ovsdb.TableSchema, name string) *ovsdb.ColumnSchema {
	return r.findColumn(ts, name, true)
}

// findColumn looks a column up by unique abbreviation; "_uuid" counts only
// for commands that read.
func (r *runner) findColumn(ts *ovsdb.TableSchema, name string, withUUID bool) *ovsdb.ColumnSchema {
	var best *ovsdb.ColumnSchema
	bestScore := 0
	var matches []string
	names := ts.ColumnNames
	if withUUID {
		names = append([]string{"_uuid"}, ts.ColumnNames...)
	}
	for _, cn := range names {
		score := matchScore(cn, name)
		if score > 0 {
			matches = append(matches, cn)
		}
		if score > bestScore {
			best, bestScore = ts.Columns[cn], score
		} else if score == bestScore {
			best = nil
		}
	}
	if best == nil {
		if bestScore > 0 {
			fatal("%s contains more than one column whose name matches \"%s\": %s", ts.Name, name, strings.Join(matches, ", "))
		}
		fatal("%s does not contain a column whose name matches \"%s\"", ts.Name, name)
	}
	return best
}

// preTable registers a whole table and the tables used to find its rows.
func (r *runner) preTable(name string) *ovsdb.TableSchema {
	ts := r.getTable(name)
	r.regTable(ts.Name)
	for _, id := range rowIDsOf(ts.Name) {
		if id.nameCol != "" {
			r.reg(id.refTable, id.nameCol)
		} else {
			r.reg(id.refTable)
		}
		if id.uuidCol != "" {
			r.reg(id.refTable, id.uuidCol)
		}
	}
	return ts
}

func (r *runner) firstOnly(t *idl.Table) *idl.Row {
	var first *idl.Row
	for row := range r.txn.Rows(t) {
		if first != nil {
			return nil
		}
		first = row
	}
	return first
}

func (r *runner) rowByID(ts *ovsdb.TableSchema, id rowID, rec string) (*idl.Row, bool) {
	ref := r.table(id.refTable)
	var referrer *idl.Row
	if id.nameCol == "" {
		if rec != "." {
			return nil, false
		}
		referrer = r.firstOnly(ref)
		if referrer == nil {
			return nil, false
		}
	} else {
		nc := r.col(id.refTable, id.nameCol)
		intKey := nc.Schema.Type.Key.Type == ovsdb.TypeInteger
		var want int64
		if intKey {
			if rec == "" || strings.Trim(rec, "0123456789") != "" {
				return nil, false
			}
			want = int64(atoi64(rec))
		}
		for row := range r.txn.Rows(ref) {
			d := r.txn.Get(row, nc)
			if len(d.Keys) != 1 {
				continue
			}
			if (intKey && d.Keys[0].Int() == want) || (!intKey && d.Keys[0].Str() == rec) {
				if referrer != nil {
					return nil, true
				}
				referrer = row
			}
		}
		if referrer == nil {
			return nil, false
		}
	}
	if id.uuidCol == "" {
		return referrer, false
	}
	uc := r.col(id.refTable, id.uuidCol)
	r.txn.Verify(referrer, uc)
	d := r.txn.Get(referrer, uc)
	if len(d.Keys) == 1 {
		return r.txn.Row(r.table(ts.Name), d.Keys[0].UUID()), false
	}
	return nil, false
}

func atoi64(s string) int64 {
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return n
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// partialUUID returns how many hex digits of a UUID prefix s holds, 0 if
// s is not one.
func partialUUID(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return 0
			}
			continue
		}
		if i >= 36 || !isHex(c) {
			return 0
		}
		n++
	}
	return n
}

func (r *runner) getRow(ts *ovsdb.TableSchema, rec string, mustExist bool) *idl.Row {
	t := r.table(ts.Name)
	var row *idl.Row
	if u, ok := ovsdb.ParseUUID(rec); ok {
		row = r.txn.Row(t, u)
	}
	if row == nil && rec == "." {
		row = r.firstOnly(t)
	}
	if row == nil {
		for _, id := range rowIDsOf(ts.Name) {
			found, multiple := r.rowByID(ts, id, rec)
			if multiple {
				fatal("multiple rows in %s match \"%s\"", ts.Name, rec)
			}
			if found != nil {
				row = found
				break
			}
		}
	}
	if row == nil && partialUUID(rec) >= 4 {
		lower := strings.ToLower(rec)
		for _, cand := range r.sortedRows(t) {
			if strings.HasPrefix(cand.UUID.String(), lower) {
				if row != nil {
					fatal("%s contains 2 or more rows whose UUIDs begin with %s: at least %s and %s", ts.Name, rec, row.UUID, cand.UUID)
				}
				row = cand
			}
		}
	}
	if row == nil && mustExist {
		fatal("no row \"%s\" in table %s", rec, ts.Name)
	}
	return row
}

func (r *runner) sortedRows(t *idl.Table) []*idl.Row {
	var rows []*idl.Row
	for row := range r.txn.Rows(t) {
		rows = append(rows, row)
	}
	sortRows(rows)
	return rows
}

// parseToken scans a column name or key: up to a delimiter outside
// double quotes; a backslash makes the next byte ordinary.
func parseToken(s string, p int) (string, int) {
	var buf []byte
	inQuotes := false
	i := p
	for ; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			buf = append(buf, s[i+1])
			i++
			continue
		}
		if c == '"' {
			inQuotes = !inQuotes
		} else if !inQuotes && strings.IndexByte(":=, []{}!<>", c) >= 0 {
			break
		}
		buf = append(buf, c)
	}
	return string(buf), i
}

var setOperators = []string{"="}

var findOperators = []string{"=", "!=", "<", ">", "<=", ">=", "{=}", "{!=}", "{<}", "{>}", "{<=}", "{>=}", "{in}", "{not-in}"}

// colArg is a parsed "COLUMN[:KEY]OPVALUE" argument.
type colArg struct {
	col      *ovsdb.ColumnSchema
	key      string
	hasKey   bool
	op       string
	value    string
	hasValue bool
}

func (r *runner) parseColumnKeyValue(arg string, ts *ovsdb.TableSchema, ops []string) colArg {
	var a colArg
	name, p := parseToken(arg, 0)
	if name == "" {
		fatal("%s: missing column name", arg)
	}
	a.col = r.findColumn(ts, name, len(ops) != 1)
	if p < len(arg) && arg[p] == ':' {
		var key string
		key, p = parseToken(arg, p+1)
		if key == "" {
			fatal("%s: missing key", arg)
		}
		a.key, a.hasKey = key, true
	}
	if ops == nil {
		if p < len(arg) {
			fatal("%s: trailing garbage \"%s\" in argument", arg, arg[p:])
		}
		return a
	}
	best := ""
	for _, op := range ops {
		if strings.HasPrefix(arg[p:], op) && len(op) > len(best) {
			best = op
		}
	}
	if best == "" || p+len(best) >= len(arg) {
		var quoted []string
		for _, op := range ops {
			quoted = append(quoted, "\""+op+"\"")
		}
		list := quoted[0]
		if len(quoted) > 1 {
			list = strings.Join(quoted[:len(quoted)-1], ", ") + ", or " + quoted[len(quoted)-1]
		}
		fatal("%s: argument does not end in %s followed by a value.", arg, list)
	}
	a.op = best
	a.value = arg[p+len(best):]
	a.hasValue = true
	return a
}

func (r *runner) preSetting(tbl, arg string) {
	ts := r.getTable(tbl)
	r.parseColumnKeyValue(arg, ts, setOperators)
}

// cell wraps a datum for the table printer.
type cell struct {
	d ovsdb.Datum
	t *ovsdb.Type
}

func (c cell) String() string      { return c.d.ToString(c.t) }
func (c cell) Bare() string        { return c.d.ToBare(c.t) }
func (c cell) JSON() ovsjson.Value { return c.d.ToJSON(c.t) }

var uuidType = ovsdb.NewScalarType(ovsdb.TypeUUID)

func (r *runner) columnsFor(ts *ovsdb.TableSchema) []*ovsdb.ColumnSchema {
	if spec, ok := r.inv.opts.value("--columns"); ok {
		var cols []*ovsdb.ColumnSchema
		for _, n := range strings.FieldsFunc(spec, func(c rune) bool { return c == ',' || c == ' ' }) {
			cols = append(cols, r.getColumn(ts, n))
		}
		return cols
	}
	cols := []*ovsdb.ColumnSchema{ts.Columns["_uuid"]}
	for _, n := range ts.ColumnNames {
		cols = append(cols, ts.Columns[n])
	}
	return cols
}

func (r *runner) value(row *idl.Row, c *ovsdb.ColumnSchema) (ovsdb.Datum, *ovsdb.Type) {
	if c.Name == "_uuid" {
		return ovsdb.NewScalarDatum(ovsdb.UUIDAtom(row.UUID)), &uuidType
	}
	return *r.txn.Get(row, r.col(row.Table.Name, c.Name)), &c.Type
}

func (r *runner) listTable(cols []*ovsdb.ColumnSchema) *table.Table {
	t := &table.Table{}
	for _, c := range cols {
		t.Headings = append(t.Headings, c.Name)
	}
	r.inv.table = t
	return t
}

func (r *runner) addListRow(t *table.Table, row *idl.Row, cols []*ovsdb.ColumnSchema) {
	cells := make([]table.Cell, len(cols))
	for i, c := range cols {
		d, ty := r.value(row, c)
		cells[i] = cell{d, ty}
	}
	t.Rows = append(t.Rows, cells)
}

func preList(r *runner) {
	ts := r.preTable(r.inv.args[1])
	r.columnsFor(ts)
}

func cmdList(r *runner) {
	ts := r.getTable(r.inv.args[1])
	cols := r.columnsFor(ts)
	t := r.listTable(cols)
	if len(r.inv.args) > 2 {
		for _, rec := range r.inv.args[2:] {
			row := r.getRow(ts, rec, !r.inv.has("--if-exists"))
			if row != nil {
				r.addListRow(t, row, cols)
			}
		}
		return
	}
	for _, row := range r.sortedRows(r.table(ts.Name)) {
		r.addListRow(t, row, cols)
	}
}

func preFind(r *runner) {
	ts := r.preTable(r.inv.args[1])
	r.columnsFor(ts)
	for _, a := range r.inv.args[2:] {
		r.parseColumnKeyValue(a, ts, findOperators)
	}
}

func cmdFind(r *runner) {
	ts := r.getTable(r.inv.args[1])
	cols := r.columnsFor(ts)
	t := r.listTable(cols)
	conds := make([]colArg, 0, len(r.inv.args)-2)
	for _, a := range r.inv.args[2:] {
		conds = append(conds, r.parseColumnKeyValue(a, ts, findOperators))
	}
	for _, row := range r.sortedRows(r.table(ts.Name)) {
		ok := true
		for i := range conds {
			if !r.satisfied(row, &conds[i]) {
				ok = false
				break
			}
		}
		if ok {
			r.addListRow(t, row, cols)
		}
	}
}

// satisfied evaluates one find/wait-until condition on row.
func (r *runner) satisfied(row *idl.Row, a *colArg) bool {
	have, ct := r.value(row, a.col)
	if a.hasKey {
		if !ct.IsMap() {
			fatal("cannot specify key to check for non-map column %s", a.col.Name)
		}
		key, err := ovsdb.ParseAtomString(&ct.Key, a.key, r.resolver(ct))
		if err != nil {
			fatal("%s", err)
		}
		vt := ovsdb.Type{Key: ct.Value, Value: ovsdb.NewBaseType(ovsdb.TypeVoid), Min: 1, Max: 1}
		if strings.HasPrefix(a.op, "{") {
			vt.Min, vt.Max = 0, unlimited
		}
		want, err := ovsdb.DatumFromString(&vt, a.value, r.resolver(ct))
		if err != nil {
			fatal("%s", err)
		}
		idx, found := have.Find(ct.Key.Type, key)
		var got ovsdb.Datum
		if found {
			got = ovsdb.NewScalarDatum(have.Values[idx])
		} else {
			got = ovsdb.Datum{Keys: []ovsdb.Atom{}}
			switch a.op {
			case "=", "<", ">", "<=", ">=":
				return false
			case "!=":
				return true
			}
		}
		return evalOp(a.op, &got, &want, &vt)
	}
	wt := *ct
	if a.op != "=" && a.op != "!=" && a.op != "<" && a.op != ">" && a.op != "<=" && a.op != ">=" {
		wt.Min, wt.Max = 0, unlimited
	}
	want, err := ovsdb.DatumFromString(&wt, a.value, r.resolver(ct))
	if err != nil {
		fatal("%s", err)
	}
	return evalOp(a.op, &have, &want, ct)
}

func evalOp(op string, have, want *ovsdb.Datum, t *ovsdb.Type) bool {
	switch op {
	case "=", "{=}":
		return have.Compare(t, want) == 0
	case "!=", "{!=}":
		return have.Compare(t, want) != 0
	case "<":
		return have.Compare(t, want) < 0
	case ">":
		return have.Compare(t, want) > 0
	case "<=":
		return have.Compare(t, want) <= 0
	case ">=":
		return have.Compare(t, want) >= 0
	case "{<}":
		return have.Len() < want.Len() && subset(have, want, t)
	case "{<=}", "{in}":
		return subset(have, want, t)
	case "{>}":
		return have.Len() > want.Len() && subset(want, have, t)
	case "{>=}":
		return subset(want, have, t)
	case "{not-in}":
		for i := range have.Keys {
			var v ovsdb.Atom
			if have.Values != nil {
				v = have.Values[i]
			}
			if want.Contains(t, have.Keys[i], v) {
				return false
			}
		}
		return true
	}
	return false
}

func subset(a, b *ovsdb.Datum, t *ovsdb.Type) bool {
	for i := range a.Keys {
		var v ovsdb.Atom
		if a.Values != nil {
			v = a.Values[i]
		}
		if !b.Contains(t, a.Keys[i], v) {
			return false
		}
	}
	return true
}

func preGet(r *runner) {
	ts := r.preTable(r.inv.args[1])
	for _, a := range r.inv.args[3:] {
		r.parseColumnKeyValue(a, ts, nil)
	}
}

func cmdGet(r *runner) {
	args := r.inv.args
	ts := r.getTable(args[1])
	mustExist := !r.inv.has("--if-exists")
	row := r.getRow(ts, args[2], mustExist)
	if row == nil {
		return
	}
	if id, ok := r.inv.opts.value("--id"); ok {
		s := r.createSymbol(id)
		s.uuid = row.UUID
		s.strongRef = true
	}
	for _, a := range args[3:] {
		ca := r.parseColumnKeyValue(a, ts, nil)
		if ca.col.Name != "_uuid" {
			r.txn.Verify(row, r.col(ts.Name, ca.col.Name))
		}
		d, ct := r.value(row, ca.col)
		if !ca.hasKey {
			r.out("%s\n", d.ToString(ct))
			continue
		}
		if !ct.IsMap() {
			fatal("cannot specify key to get for non-map column %s", ca.col.Name)
		}
		key, err := ovsdb.ParseAtomString(&ct.Key, ca.key, r.resolver(ct))
		if err != nil {
			fatal("%s", err)
		}
		idx, found := d.Find(ct.Key.Type, key)
		if !found {
			if mustExist {
				fatal("no key \"%s\" in %s record \"%s\" column %s", ca.key, ts.Name, args[2], ca.col.Name)
			}
			r.out("\n")
			continue
		}
		r.out("%s\n", d.Values[idx].ToString(ct.Value.Type))
	}
}

func checkMutable(ts *ovsdb.TableSchema, c *ovsdb.ColumnSchema, inserted bool) {
	if c.Name == "_uuid" || (!c.Mutable && !inserted) {
		fatal("cannot modify read-only column %s in table %s", c.Name, ts.Name)
	}
}

// setColumn applies one "COL[:KEY]=VALUE" to an existing row.
func (r *runner) setColumn(t *idl.Table, row *idl.Row, arg string) {
	a := r.parseColumnKeyValue(arg, t.Schema, setOperators)
	checkMutable(t.Schema, a.col, false)
	r.applyColumn(t, row, a, true)
}

func preSet(r *runner) {
	ts := r.preTable(r.inv.args[1])
	for _, a := range r.inv.args[3:] {
		r.parseColumnKeyValue(a, ts, setOperators)
	}
}

func (r *runner) invalidate(ts *ovsdb.TableSchema) {
	switch ts.Name {
	case "Open_vSwitch", "Bridge", "Port", "Interface":
		r.cache = nil
		r.verified = false
	}
}

func cmdSet(r *runner) {
	args := r.inv.args
	ts := r.getTable(args[1])
	row := r.getRow(ts, args[2], !r.inv.has("--if-exists"))
	if row == nil {
		return
	}
	for _, a := range args[3:] {
		r.setColumn(r.table(ts.Name), row, a)
	}
	r.invalidate(ts)
}

func preColumnArg(r *runner) {
	ts := r.preTable(r.inv.args[1])
	r.getColumn(ts, r.inv.args[3])
}

func cmdAdd(r *runner) {
	args := r.inv.args
	ts := r.getTable(args[1])
	cs := r.getColumn(ts, args[3])
	row := r.getRow(ts, args[2], !r.inv.has("--if-exists"))
	if row == nil {
		return
	}
	checkMutable(ts, cs, false)
	c := r.col(ts.Name, cs.Name)
	ct := &cs.Type
	at := *ct
	at.Min, at.Max = 0, unlimited
	cur := r.txn.Get(row, c).Clone()
	for _, v := range args[4:] {
		d, err := ovsdb.DatumFromString(&at, v, r.resolver(ct))
		if err != nil {
			fatal("%s", err)
		}
		cur.Union(ct, &d)
	}
	if cur.Len() > ct.Max {
		fatal("\"add\" operation would put %d %s in column %s of table %s but the maximum number is %d",
			cur.Len(), elemWord(ct), cs.Name, ts.Name, ct.Max)
	}
	r.txn.Verify(row, c)
	r.txn.Set(row, c, cur)
	r.invalidate(ts)
}

func elemWord(t *ovsdb.Type) string {
	if t.IsMap() {
		return "pairs"
	}
	return "values"
}

func cmdRemove(r *runner) {
	args := r.inv.args
	ts := r.getTable(args[1])
	cs := r.getColumn(ts, args[3])
	row := r.getRow(ts, args[2], !r.inv.has("--if-exists"))
	if row == nil {
		return
	}
	checkMutable(ts, cs, false)
	c := r.col(ts.Name, cs.Name)
	ct := &cs.Type
	rt := *ct
	rt.Min, rt.Max = 0, unlimited
	cur := r.txn.Get(row, c).Clone()
	for _, v := range args[4:] {
		d, err := ovsdb.DatumFromString(&rt, v, r.resolver(ct))
		if err != nil && ct.IsMap() {
			kt := rt
			kt.Value = ovsdb.NewBaseType(ovsdb.TypeVoid)
			var err2 error
			d, err2 = ovsdb.DatumFromString(&kt, v, r.resolver(ct))
			if err2 == nil {
				err = nil
			}
		}
		if err != nil {
			fatal("%s", err)
		}
		cur.Subtract(ct, &d)
	}
	if cur.Len() < ct.Min {
		fatal("\"remove\" operation would put %d %s in column %s of table %s but the minimum number is %d",
			cur.Len(), elemWord(ct), cs.Name, ts.Name, ct.Min)
	}
	r.txn.Verify(row, c)
	r.txn.Set(row, c, cur)
	r.invalidate(ts)
}

func preClear(r *runner) {
	ts := r.preTable(r.inv.args[1])
	for _, a := range r.inv.args[3:] {
		r.getColumn(ts, a)
	}
}

func cmdClear(r *runner) {
	args := r.inv.args
	ts := r.getTable(args[1])
	row := r.getRow(ts, args[2], !r.inv.has("--if-exists"))
	if row == nil {
		return
	}
	for _, a := range args[3:] {
		cs := r.getColumn(ts, a)
		checkMutable(ts, cs, false)
		if cs.Type.Min > 0 {
			fatal("\"clear\" operation cannot be applied to column %s of table %s, which is not allowed to be empty", cs.Name, ts.Name)
		}
		d := ovsdb.Datum{Keys: []ovsdb.Atom{}}
		if cs.Type.IsMap() {
			d.Values = []ovsdb.Atom{}
		}
		r.txn.Set(row, r.col(ts.Name, cs.Name), d)
	}
	r.invalidate(ts)
}

func preCreate(r *runner) {
	ts := r.preTable(r.inv.args[1])
	for _, a := range r.inv.args[2:] {
		r.parseColumnKeyValue(a, ts, setOperators)
	}
}

func cmdCreate(r *runner) {
	args := r.inv.args
	ts := r.getTable(args[1])
	t := r.table(ts.Name)
	row := r.inv.inserted
	if row == nil {
		if !ts.IsRoot {
			logDBCtl.Warn("applying \"create\" command to table %s without --id option will have no effect", ts.Name)
		}
		row = r.txn.Insert(t)
	}
	r.inv.inserted = row
	for _, a := range args[2:] {
		r.setColumnInserted(t, row, a)
	}
	r.invalidate(ts)
}

// setColumnInserted is setColumn for a row this transaction inserts,
// whose immutable columns may still be set.
func (r *runner) setColumnInserted(t *idl.Table, row *idl.Row, arg string) {
	r.applyColumn(t, row, r.parseColumnKeyValue(arg, t.Schema, setOperators), false)
}

// applyColumn sets a column, or one key of a map column, of row. Setting a
// key reads the current map, so for a row already in the database (existing)
// the transaction verifies that column.
func (r *runner) applyColumn(t *idl.Table, row *idl.Row, a colArg, existing bool) {
	c := r.col(t.Name, a.col.Name)
	ct := &a.col.Type
	if a.hasKey {
		if !ct.IsMap() {
			fatal("cannot specify key to set for non-map column %s", a.col.Name)
		}
		key, err := ovsdb.ParseAtomString(&ct.Key, a.key, r.resolver(ct))
		if err != nil {
			fatal("%s", err)
		}
		val, err := ovsdb.ParseAtomString(&ct.Value, a.value, r.resolver(ct))
		if err != nil {
			fatal("%s", err)
		}
		cur := r.txn.Get(row, c).Clone()
		if idx, ok := cur.Find(ct.Key.Type, key); ok {
			cur.Values[idx] = val
		} else {
			add := ovsdb.Datum{Keys: []ovsdb.Atom{key}, Values: []ovsdb.Atom{val}}
			cur.Union(ct, &add)
		}
		if existing && c.Replicated() {
			r.txn.Verify(row, c)
		}
		r.txn.Set(row, c, cur)
		return
	}
	d, err := ovsdb.DatumFromString(ct, a.value, r.resolver(ct))
	if err != nil {
		fatal("%s", err)
	}
	r.txn.Set(row, c, d)
}

func postCreate(r *runner) {
	row := r.inv.inserted
	if row == nil {
		return
	}
	u := row.UUID
	if real, ok := r.txn.InsertedUUID(u); ok {
		u = real
	}
	r.inv.output = fmt.Appendf(r.inv.output, "%s\n", u)
}

func preDestroy(r *runner) {
	r.preTable(r.inv.args[1])
}

func cmdDestroy(r *runner) {
	args := r.inv.args
	ts := r.getTable(args[1])
	all := r.inv.has("--all")
	if all && len(args) > 2 {
		fatal("--all and records argument should not be specified together")
	}
	if !all && len(args) < 3 {
		logDBCtl.Warn("either --all or records argument should be specified")
		return
	}
	if all {
		for _, row := range r.sortedRows(r.table(ts.Name)) {
			r.txn.Delete(row)
		}
	} else {
		for _, rec := range args[2:] {
			if row := r.getRow(ts, rec, !r.inv.has("--if-exists")); row != nil {
				r.txn.Delete(row)
			}
		}
	}
	r.invalidate(ts)
}

func preWaitUntil(r *runner) {
	ts := r.preTable(r.inv.args[1])
	for _, a := range r.inv.args[3:] {
		r.parseColumnKeyValue(a, ts, findOperators)
	}
}

func cmdWaitUntil(r *runner) {
	args := r.inv.args
	ts := r.getTable(args[1])
	row := r.getRow(ts, args[2], false)
	if row == nil {
		r.tryAgain = true
		return
	}
	for _, a := range args[3:] {
		ca := r.parseColumnKeyValue(a, ts, findOperators)
		if !r.satisfied(row, &ca) {
			r.tryAgain = true
			return
		}
	}
}
