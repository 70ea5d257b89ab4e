package ovsdbclient

import (
	"github.com/govs/ovs/proto/ovsjson"
)

// serverAndArg splits the arguments of the commands that take an optional
// SERVER and one more argument.
func serverAndArg(args []string) (server, arg string) {
	if len(args) == 2 {
		return args[0], args[1]
	}
	return defaultServer(), args[0]
}

// parseTransaction parses and checks the TRANSACTION argument: an array
// whose first element, the database name, is a string.
func parseTransaction(text string) (ovsjson.Value, error) {
	v, err := parseJSONArg(text)
	if err != nil {
		return v, err
	}
	if v.Kind != ovsjson.Array || len(v.A) == 0 || v.A[0].Kind != ovsjson.String {
		return v, fatalf("not a valid OVSDB query")
	}
	return v, nil
}

func (c *client) transact(args []string) error {
	return c.runTransaction(args, false)
}

// query runs the transaction with an "abort" appended, so that nothing it
// does is committed, and drops the abort's own result from the output.
func (c *client) query(args []string) error {
	return c.runTransaction(args, true)
}

func (c *client) runTransaction(args []string, readOnly bool) error {
	server, text := serverAndArg(args)
	txn, err := parseTransaction(text)
	if err != nil {
		return err
	}
	if readOnly {
		ops := make([]ovsjson.Value, len(txn.A), len(txn.A)+1)
		copy(ops, txn.A)
		ops = append(ops, ovsjson.NewObject(ovsjson.M("op", ovsjson.NewString("abort"))))
		txn = ovsjson.NewArray(ops...)
	}
	rpc, err := c.open(server, "")
	if err != nil {
		return err
	}
	c.rpc = rpc
	result, err := rpc.call("transact", txn)
	if err != nil {
		return err
	}
	if readOnly && result.Kind == ovsjson.Array && len(result.A) > 0 {
		if last := result.A[len(result.A)-1]; isAbortResult(last) {
			result.A = result.A[:len(result.A)-1]
		}
	}
	c.printJSON(result)
	return nil
}

func isAbortResult(v ovsjson.Value) bool {
	e, ok := v.Get("error")
	return ok && e.Kind == ovsjson.String && e.S == "aborted"
}
