package ovsdbclient

import (
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// convertTarget reads the SCHEMA argument and connects to the server, as
// convert and needs-conversion both begin.
func (c *client) convertTarget(args []string) (*ovsdb.Schema, error) {
	server, file := serverAndArg(args)
	s, err := ovsdb.ParseSchemaFile(file)
	if err != nil {
		return nil, err
	}
	rpc, err := c.open(server, s.Name)
	if err != nil {
		return nil, err
	}
	c.rpc = rpc
	c.server = server
	if err := c.checkDatabaseExists(s.Name); err != nil {
		return nil, err
	}
	return s, nil
}

// checkDatabaseExists asks the _Server database whether the server has
// the database. (OVS 3.1 crashes when it does not; we say so.)
func (c *client) checkDatabaseExists(name string) error {
	result, err := c.rpc.call("transact", serverDatabaseQuery(name))
	if err != nil {
		return err
	}
	if result.Kind == ovsjson.Array && len(result.A) == 1 {
		if e, ok := result.A[0].Get("error"); ok {
			return fatalf("%s: %s", c.server, ovsdbErrorText(result.A[0], e))
		}
		if rows, ok := result.A[0].Get("rows"); ok && rows.Kind == ovsjson.Array && len(rows.A) > 0 {
			return nil
		}
	}
	return fatalf("%s: database %s does not exist", c.server, name)
}

// ovsdbErrorText renders an OVSDB error object the way OVS prints one.
func ovsdbErrorText(obj, tag ovsjson.Value) string {
	e := &ovsdb.Error{}
	if tag.Kind == ovsjson.String {
		e.Tag = tag.S
	}
	if d, ok := obj.Get("details"); ok && d.Kind == ovsjson.String {
		e.Details = d.S
	}
	return e.Error()
}

func (c *client) convert(args []string) error {
	s, err := c.convertTarget(args)
	if err != nil {
		return err
	}
	if err := c.setDBChangeAware(); err != nil {
		return err
	}
	_, err = c.rpc.call("convert", ovsjson.NewArray(ovsjson.NewString(s.Name), s.ToJSON()))
	return err
}

func (c *client) needsConversion(args []string) error {
	s, err := c.convertTarget(args)
	if err != nil {
		return err
	}
	cur, err := c.fetchSchema(s.Name)
	if err != nil {
		return err
	}
	if ovsjson.Equal(cur.ToJSON(), s.ToJSON()) {
		c.stdout.WriteString("no\n")
	} else {
		c.stdout.WriteString("yes\n")
	}
	return nil
}
