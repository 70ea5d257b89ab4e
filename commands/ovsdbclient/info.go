package ovsdbclient

import (
	"slices"

	"github.com/govs/ovs/commands/internal/table"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// datumCell prints an OVSDB value in the three data formats.
type datumCell struct {
	d ovsdb.Datum
	t *ovsdb.Type
}

func (c *datumCell) String() string      { return c.d.ToString(c.t) }
func (c *datumCell) Bare() string        { return c.d.ToBare(c.t) }
func (c *datumCell) JSON() ovsjson.Value { return c.d.ToJSON(c.t) }

// jsonFlags are the flags for JSON that ovsdb-client prints outside
// tables: sorted members, indented with --pretty.
func (c *client) jsonFlags() ovsjson.Flags {
	if c.style.Pretty {
		return ovsjson.Sort | ovsjson.Pretty
	}
	return ovsjson.Sort
}

func (c *client) printJSON(v ovsjson.Value) {
	c.stdout.Write(ovsjson.Append(nil, v, c.jsonFlags()))
	c.stdout.WriteByte('\n')
}

func (c *client) printTable(t *table.Table) {
	t.Print(c.stdout, &c.style)
}

func (c *client) listDBs(args []string) error {
	dbs, err := c.fetchDBs()
	if err != nil {
		return err
	}
	slices.Sort(dbs)
	for _, db := range dbs {
		c.stdout.WriteString(db)
		c.stdout.WriteByte('\n')
	}
	return nil
}

func (c *client) getSchema(args []string) error {
	s, err := c.fetchSchema(c.database)
	if err != nil {
		return err
	}
	c.printJSON(s.ToJSON())
	return nil
}

func (c *client) getSchemaVersion(args []string) error {
	s, err := c.fetchSchema(c.database)
	if err != nil {
		return err
	}
	c.stdout.WriteString(s.Version + "\n")
	return nil
}

func (c *client) getSchemaCksum(args []string) error {
	s, err := c.fetchSchema(c.database)
	if err != nil {
		return err
	}
	c.stdout.WriteString(s.Cksum + "\n")
	return nil
}

func (c *client) listTables(args []string) error {
	s, err := c.fetchSchema(c.database)
	if err != nil {
		return err
	}
	t := &table.Table{Headings: []string{"Table"}}
	for _, ts := range s.tables {
		t.Rows = append(t.Rows, []table.Cell{table.Text(ts.Name)})
	}
	c.printTable(t)
	return nil
}

func (c *client) listColumns(args []string) error {
	s, err := c.fetchSchema(c.database)
	if err != nil {
		return err
	}
	only := ""
	t := &table.Table{Headings: []string{"Table", "Column", "Type"}}
	if len(args) > 0 {
		only = args[0]
		t.Headings = t.Headings[1:]
	}
	for _, ts := range s.tables {
		if only != "" && ts.Name != only {
			continue
		}
		for _, col := range s.columns[ts.Name] {
			row := make([]table.Cell, 0, 3)
			if only == "" {
				row = append(row, table.Text(ts.Name))
			}
			row = append(row, table.Text(col.Name), table.JSONCell{Value: col.Type.ToJSON()})
			t.Rows = append(t.Rows, row)
		}
	}
	c.printTable(t)
	return nil
}
