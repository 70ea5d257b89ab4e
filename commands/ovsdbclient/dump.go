package ovsdbclient

import (
	"slices"
	"strings"

	"github.com/govs/ovs/commands/internal/table"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// dump prints the tables of a database, or one table, or some columns of
// one table, as OVS does: tables and columns sorted by name (byte order),
// "_version" left out, rows sorted by their values column by column.
func (c *client) dump(args []string) error {
	s, err := c.fetchSchema(c.database)
	if err != nil {
		return err
	}
	var tables []*ovsdb.TableSchema
	var chosen []*ovsdb.ColumnSchema
	if len(args) > 0 {
		ts := s.table(args[0])
		if ts == nil {
			return fatalf("No table \"%s\" found.", args[0])
		}
		tables = []*ovsdb.TableSchema{ts}
		for _, name := range args[1:] {
			col, ok := ts.Columns[name]
			if !ok {
				return fatalf("Table \"%s\" has no column %s.", ts.Name, name)
			}
			if name != "_version" {
				chosen = append(chosen, col)
			}
		}
	} else {
		for _, ts := range s.tables {
			tables = append(tables, ts)
		}
		slices.SortFunc(tables, func(a, b *ovsdb.TableSchema) int { return strings.Compare(a.Name, b.Name) })
	}

	ops := make([]ovsjson.Value, 0, len(tables)+1)
	ops = append(ops, ovsjson.NewString(c.database))
	columns := make([][]*ovsdb.ColumnSchema, len(tables))
	for i, ts := range tables {
		cols := chosen
		if len(args) < 2 {
			cols = nil
			for _, col := range s.columns[ts.Name] {
				if col.Name != "_version" {
					cols = append(cols, col)
				}
			}
		}
		names := make([]ovsjson.Value, len(cols))
		for j, col := range cols {
			names[j] = ovsjson.NewString(col.Name)
		}
		ops = append(ops, ovsjson.NewObject(
			ovsjson.M("op", ovsjson.NewString("select")),
			ovsjson.M("table", ovsjson.NewString(ts.Name)),
			ovsjson.M("where", ovsjson.NewArray()),
			ovsjson.M("columns", ovsjson.NewArray(names...))))
		sorted := slices.Clone(cols)
		slices.SortStableFunc(sorted, func(a, b *ovsdb.ColumnSchema) int { return strings.Compare(a.Name, b.Name) })
		columns[i] = sorted
	}
	result, err := c.rpc.call("transact", ovsjson.NewArray(ops...))
	if err != nil {
		return err
	}
	if result.Kind != ovsjson.Array || len(result.A) != len(tables) {
		return fatalf("reply is not array of %d elements: %s", len(tables), unsortedJSON(result))
	}
	for i, ts := range tables {
		t, err := dumpTable(ts, columns[i], result.A[i])
		if err != nil {
			return err
		}
		c.printTable(t)
	}
	return nil
}

// unsortedJSON prints v with object members in OVS's hash order, as OVS
// prints JSON it received in error messages.
func unsortedJSON(v ovsjson.Value) string {
	return string(ovsjson.Marshal(ovsjson.HashOrdered(v)))
}

type dumpRow struct {
	cells []ovsdb.Datum
}

func dumpTable(ts *ovsdb.TableSchema, cols []*ovsdb.ColumnSchema, reply ovsjson.Value) (*table.Table, error) {
	rowsJSON, ok := reply.Get("rows")
	if reply.Kind != ovsjson.Object || !ok || rowsJSON.Kind != ovsjson.Array {
		return nil, fatalf("%s table reply is not an object with a \"rows\" member array: %s",
			ts.Name, unsortedJSON(reply))
	}
	rows := make([]dumpRow, len(rowsJSON.A))
	for i, rj := range rowsJSON.A {
		if rj.Kind != ovsjson.Object {
			return nil, fatalf("row %d in table %s response is not a JSON object: %s",
				i, ts.Name, unsortedJSON(rj))
		}
		cells := make([]ovsdb.Datum, len(cols))
		for j, col := range cols {
			v, ok := lastMember(rj, col.Name)
			if !ok {
				return nil, fatalf("row %d in table %s response lacks %s column", i, ts.Name, col.Name)
			}
			d, err := ovsdb.DatumFromJSON(&col.Type, v, nil)
			if err != nil {
				return nil, err
			}
			cells[j] = d
		}
		rows[i].cells = cells
	}
	// UUIDs are random, so columns of UUIDs are compared only after all
	// the others, to keep the order reproducible, as OVS does.
	slices.SortStableFunc(rows, func(a, b dumpRow) int {
		for pass := 0; pass < 2; pass++ {
			for j, col := range cols {
				if (pass == 0) != (col.Type.Key.Type != ovsdb.TypeUUID) {
					continue
				}
				if r := a.cells[j].Compare(&col.Type, &b.cells[j]); r != 0 {
					return r
				}
			}
		}
		return 0
	})

	t := &table.Table{Caption: ts.Name + " table", Headings: make([]string, len(cols))}
	for j, col := range cols {
		t.Headings[j] = col.Name
	}
	t.Rows = make([][]table.Cell, len(rows))
	for i := range rows {
		cells := make([]table.Cell, len(cols))
		for j, col := range cols {
			cells[j] = &datumCell{d: rows[i].cells[j], t: &col.Type}
		}
		t.Rows[i] = cells
	}
	return t, nil
}

// lastMember looks up an object member as OVS's JSON objects do, where a
// repeated name keeps its last value.
func lastMember(v ovsjson.Value, name string) (ovsjson.Value, bool) {
	for i := len(v.O) - 1; i >= 0; i-- {
		if v.O[i].Key == name {
			return v.O[i].Value, true
		}
	}
	return ovsjson.Value{}, false
}
