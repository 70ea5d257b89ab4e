package vsctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/govs/ovs/commands/internal/table"
	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// command is one ovs-vsctl command.
type command struct {
	name             string
	minArgs, maxArgs int
	usage            string
	// options lists the command's options as OVS spells them:
	// "--may-exist,--id=" ("=": requires an argument, "?": may take one).
	options string
	// pre registers what the command reads, before connecting; it also
	// reports errors that need no database (unknown tables and columns).
	pre  func(r *runner)
	run  func(r *runner)
	post func(r *runner)
}

const unlimited = int(^uint(0) >> 1)

// optionSet holds the options given to one command, in order.
type optionSet struct {
	keys   []string
	values []string
	hasVal []bool
}

func newOptionSet() *optionSet { return &optionSet{} }

func (o *optionSet) find(key string) int {
	for i, k := range o.keys {
		if k == key {
			return i
		}
	}
	return -1
}

func (o *optionSet) has(key string) bool { return o.find(key) >= 0 }

func (o *optionSet) add(key, value string, hasVal bool) {
	o.keys = append(o.keys, key)
	o.values = append(o.values, value)
	o.hasVal = append(o.hasVal, hasVal)
}

func (o *optionSet) value(key string) (string, bool) {
	if i := o.find(key); i >= 0 {
		return o.values[i], o.hasVal[i]
	}
	return "", false
}

// invocation is one command on the command line.
type invocation struct {
	cmd    *command
	opts   *optionSet
	args   []string // args[0] is the command name
	output []byte
	table  *table.Table
	// state carried from run to post
	sym      *symbol
	inserted *idl.Row
}

func (inv *invocation) has(opt string) bool { return inv.opts.has(opt) }

// String is the command as vsctl_context_to_string shows it in errors.
func (inv *invocation) String() string {
	var b strings.Builder
	for i, k := range inv.opts.keys {
		b.WriteString(k)
		if inv.opts.hasVal[i] {
			b.WriteByte('=')
			b.WriteString(inv.opts.values[i])
		}
		b.WriteByte(' ')
	}
	b.WriteString(strings.Join(inv.args, " "))
	return b.String()
}

func parseCommands(args []string, local *optionSet) []*invocation {
	var cmds []*invocation
	start := 0
	for i := 0; i <= len(args); i++ {
		if i == len(args) || args[i] == "--" {
			if i > start {
				cmds = append(cmds, parseCommand(args[start:i], local))
				local = newOptionSet()
			} else if len(local.keys) > 0 {
				fatal("missing command name (use --help for help)")
			}
			start = i + 1
		}
	}
	if len(cmds) == 0 {
		fatal("missing command name (use --help for help)")
	}
	return cmds
}

func parseCommand(argv []string, opts *optionSet) *invocation {
	i := 0
	for ; i < len(argv) && strings.HasPrefix(argv[i], "-"); i++ {
		key, value, hasVal := strings.Cut(argv[i], "=")
		if opts.has(key) {
			fatal("'%s' option specified multiple times", argv[i])
		}
		opts.add(key, value, hasVal)
	}
	if i == len(argv) {
		fatal("missing command name (use --help for help)")
	}
	cmd := commands()[argv[i]]
	if cmd == nil {
		fatal("unknown command '%s'; use --help for help", argv[i])
	}
	for j, key := range opts.keys {
		kind, ok := cmd.optionKind(key)
		if !ok {
			fatal("'%s' command has no '%s' option", argv[i], key)
		}
		if kind != '?' && (kind == '=') != opts.hasVal[j] {
			if kind == '=' {
				fatal("missing argument to '%s' option on '%s' command", key, argv[i])
			}
			fatal("'%s' option on '%s' does not accept an argument", key, argv[i])
		}
	}
	n := len(argv) - i - 1
	if n < cmd.minArgs {
		fatal("'%s' command requires at least %d arguments", cmd.name, cmd.minArgs)
	}
	if n > cmd.maxArgs {
		note := ""
		for _, a := range argv[i+1:] {
			if strings.HasPrefix(a, "-") {
				note = " (note that options must precede command names and follow a \"--\" argument)"
				break
			}
		}
		fatal("'%s' command takes at most %d arguments%s", cmd.name, cmd.maxArgs, note)
	}
	return &invocation{cmd: cmd, opts: opts, args: argv[i:]}
}

// optionKind returns the suffix of the option in the command's list: 0,
// '=' or '?'.
func (c *command) optionKind(key string) (byte, bool) {
	for _, o := range strings.Split(c.options, ",") {
		o = strings.TrimSpace(o)
		name := strings.TrimRight(o, "=?")
		if name == key {
			if len(name) < len(o) {
				return o[len(name)], true
			}
			return 0, true
		}
	}
	return 0, false
}

// symbol is a row named with --id=@name.
type symbol struct {
	uuid      ovsdb.UUID
	created   bool
	strongRef bool
	weakRef   bool
}

// runner executes the command list.
type runner struct {
	s      *settings
	idl    *idl.IDL
	schema *ovsdb.Schema
	regs   map[string]map[string]bool // nil inner map: whole table
	// target is set when the replica is a targeted one (target.go).
	target *target

	txn      *idl.Txn
	ovs      *idl.Row
	inv      *invocation
	symtab   map[string]*symbol
	symOrder []string
	cache    *cache
	verified bool
	tryAgain bool

	pending      map[*idl.Row][]ovsdb.UUID
	pendingOrder []*idl.Row

	exitStatus   int
	expectIfaces []*idl.Row
	// commitErr is a value the server will reject; see deferErr.
	commitErr error
}

func (r *runner) reg(tbl string, cols ...string) {
	if r.regs == nil {
		r.regs = map[string]map[string]bool{}
	}
	m, ok := r.regs[tbl]
	if ok && m == nil {
		return
	}
	if !ok {
		m = map[string]bool{}
		r.regs[tbl] = m
	}
	for _, c := range cols {
		m[c] = true
	}
}

func (r *runner) regTable(tbl string) {
	if r.regs == nil {
		r.regs = map[string]map[string]bool{}
	}
	r.regs[tbl] = nil
}

// register asks for what every run needs: the Open_vSwitch row.
func (r *runner) register() {
	r.reg("Open_vSwitch", "bridges", "next_cfg")
	if r.s.wait {
		r.reg("Open_vSwitch", "cur_cfg")
	}
}

func (r *runner) finishRegistration() {
	for tbl, cols := range r.regs {
		if cols == nil {
			r.idl.RegisterTable(tbl)
			continue
		}
		names := make([]string, 0, len(cols))
		for c := range cols {
			names = append(names, c)
		}
		r.idl.Register(tbl, names...)
	}
}

func (r *runner) table(name string) *idl.Table { return r.idl.Table(name) }

func (r *runner) col(tbl, name string) *idl.Column { return r.idl.Column(tbl, name) }

// get reads a column as the transaction leaves it.
func (r *runner) get(row *idl.Row, tbl, col string) *ovsdb.Datum {
	return r.txn.Get(row, r.col(tbl, col))
}

func (r *runner) getStr(row *idl.Row, tbl, col string) string {
	d := r.get(row, tbl, col)
	if len(d.Keys) == 0 {
		return ""
	}
	return d.Keys[0].Str()
}

func (r *runner) verify(row *idl.Row, tbl, col string) {
	r.txn.Verify(row, r.col(tbl, col))
}

func (r *runner) set(row *idl.Row, tbl, col string, d ovsdb.Datum) {
	r.txn.Set(row, r.col(tbl, col), d)
}

func (r *runner) setString(row *idl.Row, tbl, col, s string) {
	r.set(row, tbl, col, ovsdb.NewScalarDatum(ovsdb.StringAtom(s)))
}

func (r *runner) out(format string, args ...any) {
	r.inv.output = fmt.Appendf(r.inv.output, format, args...)
}

// attempt runs the commands once. It returns false if they must be run
// again (try again, or wait-until not yet satisfied).
func (r *runner) attempt(ctx context.Context, stdout io.Writer) bool {
	r.txn = r.idl.NewTxn()
	txn := r.txn
	if r.s.dryRun {
		txn.SetDryRun()
	}
	txn.AddComment("ovs-vsctl: %s", r.s.cmdLine)
	ovsT := r.table("Open_vSwitch")
	r.ovs = nil
	for row := range txn.Rows(ovsT) {
		r.ovs = row
		break
	}
	if r.ovs == nil {
		r.ovs = txn.Insert(ovsT)
	} else if r.s.wait {
		txn.Increment(r.ovs, r.col("Open_vSwitch", "next_cfg"), false)
	}
	r.symtab = map[string]*symbol{}
	r.symOrder = nil
	r.cache = nil
	r.verified = false
	r.tryAgain = false
	r.expectIfaces = nil
	r.commitErr = nil
	for _, inv := range r.s.commands {
		inv.output, inv.table, inv.sym, inv.inserted = nil, nil, nil, nil
		if id, ok := inv.opts.value("--id"); ok && inv.cmd.name == "create" {
			// The row exists from the start, so that references made
			// before the create command (forward references) carry
			// its temporary UUID.
			r.inv = inv
			s := r.createSymbol(id)
			ts := r.getTable(inv.args[1])
			row := txn.Insert(r.table(ts.Name))
			s.uuid = row.UUID
			if ts.IsRoot {
				s.strongRef = true
			}
			inv.sym, inv.inserted = s, row
		}
	}
	r.pending, r.pendingOrder = nil, nil
	for _, inv := range r.s.commands {
		r.inv = inv
		if inv.cmd.name != "add-port" && inv.cmd.name != "add-bond" {
			// Only add-port and add-bond keep to the cache; anything
			// else may read the bridges' ports column.
			r.flushPorts()
		}
		inv.cmd.run(r)
		if r.tryAgain {
			txn.Abort()
			return false
		}
	}
	r.inv = nil
	r.flushPorts()
	for _, name := range r.symOrder {
		sym := r.symtab[name]
		if !sym.created {
			fatal("row id \"%s\" is referenced but never created (e.g. with \"-- --id=%s create ...\")", name, name)
		}
		if !sym.strongRef {
			if !sym.weakRef {
				logVsctl.Warn("row id \"%s\" was created but no reference to it was inserted, so it will not actually appear in the database", name)
			} else {
				logVsctl.Warn("row id \"%s\" was created but only a weak reference to it was inserted, so it will not actually appear in the database", name)
			}
		}
	}
	if r.commitErr != nil && !r.s.dryRun {
		text := errorText(r.commitErr)
		logIDL.Warn("transaction error: %s", text)
		fatal("transaction error: %s", text)
	}
	status, err := txn.Commit(ctx)
	switch status {
	case idl.Success, idl.Unchanged:
	case idl.TryAgain:
		return false
	case idl.NotLocked:
		fatal("database not locked")
	case idl.Error:
		if err == nil {
			err = txn.Err()
		}
		text := errorText(err)
		logIDL.Warn("transaction error: %s", text)
		fatal("transaction error: %s", text)
	default:
		if err != nil {
			if !r.idl.IsAlive() {
				connFatal(r.s.db, r.idl, err)
			}
			return false
		}
	}
	for _, inv := range r.s.commands {
		if inv.cmd.post != nil {
			r.inv = inv
			inv.cmd.post(r)
		}
	}
	writeOutput(stdout, r.s, r.s.commands)
	if r.s.wait && status == idl.Success && !r.s.dryRun {
		if next, ok := txn.IncrementValue(); ok {
			r.waitForReload(ctx, next)
		}
	}
	return true
}

func errorText(err error) string {
	var oe *ovsdb.Error
	if errors.As(err, &oe) {
		return string(ovsjson.Marshal(oe.ToJSON()))
	}
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// symbolFor returns the symbol called name, creating it.
func (r *runner) symbolFor(name string) *symbol {
	if s := r.symtab[name]; s != nil {
		return s
	}
	s := &symbol{uuid: ovsdb.NewUUID()}
	r.symtab[name] = s
	r.symOrder = append(r.symOrder, name)
	return s
}

// resolver returns the name resolver for values of column type t: "@name"
// refers to the symbol, and marks it strongly or weakly referenced.
func (r *runner) resolver(t *ovsdb.Type) ovsdb.NameResolver {
	return func(name string) (ovsdb.UUID, bool) {
		s := r.symbolFor("@" + name)
		weak := (t.Key.Type == ovsdb.TypeUUID && t.Key.IsWeakRef()) ||
			(t.Value.Type == ovsdb.TypeUUID && t.Value.IsWeakRef())
		strong := (t.Key.Type == ovsdb.TypeUUID && t.Key.IsStrongRef()) ||
			(t.Value.Type == ovsdb.TypeUUID && t.Value.IsStrongRef())
		if strong {
			s.strongRef = true
		} else if weak {
			s.weakRef = true
		}
		return s.uuid, true
	}
}

// createSymbol handles --id=@name on create and get.
func (r *runner) createSymbol(id string) *symbol {
	if !strings.HasPrefix(id, "@") {
		fatal("row id \"%s\" does not begin with \"@\"", id)
	}
	s := r.symbolFor(id)
	if s.created {
		fatal("row id \"%s\" may only be specified on one --id option", id)
	}
	s.created = true
	return s
}
