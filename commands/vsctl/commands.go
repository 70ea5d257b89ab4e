package vsctl

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/paths"
)

var commandList = []*command{
	{name: "init", minArgs: 0, maxArgs: 0, run: cmdInit},
	{name: "show", minArgs: 0, maxArgs: 0, pre: preShow, run: cmdShow},
	{name: "emer-reset", minArgs: 0, maxArgs: 0, pre: preEmerReset, run: cmdEmerReset},

	{name: "add-br", minArgs: 1, maxArgs: 3, usage: "NEW-BRIDGE [PARENT] [NEW-VLAN]", options: "--may-exist", pre: func(r *runner) { r.preAddIface() }, run: cmdAddBr},
	{name: "del-br", minArgs: 1, maxArgs: 1, usage: "BRIDGE", options: "--if-exists", pre: func(r *runner) { r.preCache() }, run: cmdDelBr},
	{name: "list-br", minArgs: 0, maxArgs: 0, options: "--real,--fake", pre: func(r *runner) { r.preCache() }, run: cmdListBr},
	{name: "br-exists", minArgs: 1, maxArgs: 1, usage: "BRIDGE", pre: func(r *runner) { r.preCache() }, run: cmdBrExists},
	{name: "br-to-vlan", minArgs: 1, maxArgs: 1, usage: "BRIDGE", pre: func(r *runner) { r.preCache() }, run: cmdBrToVlan},
	{name: "br-to-parent", minArgs: 1, maxArgs: 1, usage: "BRIDGE", pre: func(r *runner) { r.preCache() }, run: cmdBrToParent},
	{name: "br-set-external-id", minArgs: 2, maxArgs: 3, usage: "BRIDGE KEY [VALUE]", pre: preBrExternalID, run: cmdBrSetExternalID},
	{name: "br-get-external-id", minArgs: 1, maxArgs: 2, usage: "BRIDGE [KEY]", pre: preBrExternalID, run: cmdBrGetExternalID},

	{name: "list-ports", minArgs: 1, maxArgs: 1, usage: "BRIDGE", pre: func(r *runner) { r.preCache() }, run: cmdListPorts},
	{name: "add-port", minArgs: 2, maxArgs: unlimited, usage: "BRIDGE NEW-PORT [COLUMN[:KEY]=VALUE]...", options: "--may-exist", pre: preAddPort, run: cmdAddPort},
	{name: "add-bond", minArgs: 4, maxArgs: unlimited, usage: "BRIDGE NEW-BOND-PORT SYSIFACE... [COLUMN[:KEY]=VALUE]...", options: "--may-exist,--fake-iface", pre: preAddBond, run: cmdAddBond},
	{name: "del-port", minArgs: 1, maxArgs: 2, usage: "[BRIDGE] PORT|IFACE", options: "--if-exists,--with-iface", pre: func(r *runner) { r.preCache() }, run: cmdDelPort},
	{name: "port-to-br", minArgs: 1, maxArgs: 1, usage: "PORT", pre: func(r *runner) { r.preCache() }, run: cmdPortToBr},

	{name: "list-ifaces", minArgs: 1, maxArgs: 1, usage: "BRIDGE", pre: func(r *runner) { r.preCache() }, run: cmdListIfaces},
	{name: "iface-to-br", minArgs: 1, maxArgs: 1, usage: "IFACE", pre: func(r *runner) { r.preCache() }, run: cmdIfaceToBr},

	{name: "get-controller", minArgs: 1, maxArgs: 1, usage: "BRIDGE", pre: preController, run: cmdGetController},
	{name: "del-controller", minArgs: 1, maxArgs: 1, usage: "BRIDGE", pre: preController, run: cmdDelController},
	{name: "set-controller", minArgs: 1, maxArgs: unlimited, usage: "BRIDGE TARGET...", options: "--inactivity-probe=", pre: preController, run: cmdSetController},
	{name: "get-fail-mode", minArgs: 1, maxArgs: 1, usage: "BRIDGE", pre: preFailMode, run: cmdGetFailMode},
	{name: "del-fail-mode", minArgs: 1, maxArgs: 1, usage: "BRIDGE", pre: preFailMode, run: cmdDelFailMode},
	{name: "set-fail-mode", minArgs: 2, maxArgs: 2, usage: "BRIDGE MODE", pre: preFailMode, run: cmdSetFailMode},

	{name: "add-zone-tp", minArgs: 3, maxArgs: unlimited, usage: "DATAPATH zone=ZONE_ID POLICIES", options: "--may-exist", pre: preZone, run: cmdAddZoneTP},
	{name: "del-zone-tp", minArgs: 2, maxArgs: 2, usage: "DATAPATH zone=ZONE_ID", options: "--if-exists", pre: preZone, run: cmdDelZoneTP},
	{name: "list-zone-tp", minArgs: 1, maxArgs: 1, usage: "DATAPATH", pre: preZone, run: cmdListZoneTP},
	{name: "list-dp-cap", minArgs: 1, maxArgs: 1, usage: "DATAPATH", pre: preZone, run: cmdListDPCap},

	{name: "get-manager", minArgs: 0, maxArgs: 0, pre: preManager, run: cmdGetManager},
	{name: "del-manager", minArgs: 0, maxArgs: 0, pre: preManager, run: cmdDelManager},
	{name: "set-manager", minArgs: 1, maxArgs: unlimited, usage: "TARGET...", options: "--inactivity-probe=", pre: preManager, run: cmdSetManager},

	{name: "get-ssl", minArgs: 0, maxArgs: 0, pre: preSSL, run: cmdGetSSL},
	{name: "del-ssl", minArgs: 0, maxArgs: 0, pre: preSSL, run: cmdDelSSL},
	{name: "set-ssl", minArgs: 3, maxArgs: 3, usage: "PRIVATE-KEY CERTIFICATE CA-CERT", options: "--bootstrap", pre: preSSL, run: cmdSetSSL},

	{name: "add-aa-mapping", minArgs: 3, maxArgs: 3, usage: "BRIDGE I-SID VLAN", pre: preAA, run: cmdAddAAMapping},
	{name: "del-aa-mapping", minArgs: 3, maxArgs: 3, usage: "BRIDGE I-SID VLAN", pre: preAA, run: cmdDelAAMapping},
	{name: "get-aa-mapping", minArgs: 1, maxArgs: 1, usage: "BRIDGE", pre: preAA, run: cmdGetAAMapping},

	{name: "comment", minArgs: 0, maxArgs: unlimited, usage: "[ARG]...", run: func(r *runner) {}},
	{name: "get", minArgs: 2, maxArgs: unlimited, usage: "TABLE RECORD [COLUMN[:KEY]]...", options: "--if-exists,--id=", pre: preGet, run: cmdGet},
	{name: "list", minArgs: 1, maxArgs: unlimited, usage: "TABLE [RECORD]...", options: "--if-exists,--columns=", pre: preList, run: cmdList},
	{name: "find", minArgs: 1, maxArgs: unlimited, usage: "TABLE [COLUMN[:KEY]=VALUE]...", options: "--columns=", pre: preFind, run: cmdFind},
	{name: "set", minArgs: 3, maxArgs: unlimited, usage: "TABLE RECORD COLUMN[:KEY]=VALUE...", options: "--if-exists", pre: preSet, run: cmdSet},
	{name: "add", minArgs: 4, maxArgs: unlimited, usage: "TABLE RECORD COLUMN [KEY=]VALUE...", options: "--if-exists", pre: preColumnArg, run: cmdAdd},
	{name: "remove", minArgs: 4, maxArgs: unlimited, usage: "TABLE RECORD COLUMN KEY|VALUE|KEY=VALUE...", options: "--if-exists", pre: preColumnArg, run: cmdRemove},
	{name: "clear", minArgs: 3, maxArgs: unlimited, usage: "TABLE RECORD COLUMN...", options: "--if-exists", pre: preClear, run: cmdClear},
	{name: "create", minArgs: 2, maxArgs: unlimited, usage: "TABLE COLUMN[:KEY]=VALUE...", options: "--id=", pre: preCreate, run: cmdCreate, post: postCreate},
	{name: "destroy", minArgs: 1, maxArgs: unlimited, usage: "TABLE [RECORD]...", options: "--if-exists,--all", pre: preDestroy, run: cmdDestroy},
	{name: "wait-until", minArgs: 2, maxArgs: unlimited, usage: "TABLE RECORD [COLUMN[:KEY]=VALUE]...", pre: preWaitUntil, run: cmdWaitUntil},
}

// commands indexes commandList by name. It is built on the first lookup,
// not at init: every tool of the binary links this package.
var commands = sync.OnceValue(func() map[string]*command {
	m := make(map[string]*command, len(commandList))
	for _, c := range commandList {
		m[c.name] = c
	}
	return m
})

func sortRows(rows []*idl.Row) {
	slices.SortFunc(rows, func(a, b *idl.Row) int { return bytes.Compare(a.UUID[:], b.UUID[:]) })
}

// show prints an overview: the Open_vSwitch row and, nested under it, the
// rows it refers to, each with the columns that matter, in OVS's layout.
type showTable struct {
	name    string
	nameCol string
	cols    []string
}

var showTables = []showTable{
	{"Open_vSwitch", "", []string{"manager_options", "bridges", "ovs_version"}},
	{"Bridge", "name", []string{"controller", "fail_mode", "datapath_type", "ports"}},
	{"Port", "name", []string{"tag", "trunks", "interfaces"}},
	{"Interface", "name", []string{"type", "options", "error"}},
	{"Controller", "target", []string{"is_connected"}},
	{"Manager", "target", []string{"is_connected"}},
}

func findShowTable(name string) *showTable {
	for i := range showTables {
		if showTables[i].name == name {
			return &showTables[i]
		}
	}
	return nil
}

func preShow(r *runner) {
	for _, st := range showTables {
		if st.nameCol != "" {
			r.reg(st.name, st.nameCol)
		}
		r.reg(st.name, st.cols...)
	}
}

func cmdShow(r *runner) {
	for row := range r.txn.Rows(r.table("Open_vSwitch")) {
		r.showRow(row, 0, map[string]bool{})
	}
}

func (r *runner) showRow(row *idl.Row, level int, shown map[string]bool) {
	st := findShowTable(row.Table.Name)
	indent := strings.Repeat(" ", level*4)
	if st.nameCol != "" {
		c := r.col(st.name, st.nameCol)
		r.out("%s%s %s\n", indent, st.name, r.txn.Get(row, c).ToString(&c.Schema.Type))
	} else {
		r.out("%s%s\n", indent, row.UUID)
	}
	if shown[st.name] {
		return
	}
	shown[st.name] = true
	for _, cn := range st.cols {
		c := r.col(st.name, cn)
		ct := &c.Schema.Type
		d := r.txn.Get(row, c)
		if ct.Key.Type == ovsdb.TypeUUID && ct.Key.RefTable != "" && findShowTable(ct.Key.RefTable) != nil {
			rt := r.table(ct.Key.RefTable)
			for _, k := range d.Keys {
				if ref := r.txn.Row(rt, k.UUID()); ref != nil {
					r.showRow(ref, level+1, shown)
				}
			}
			continue
		}
		def := c.Default()
		if !d.Equal(&def) {
			r.out("%s%s: %s\n", strings.Repeat(" ", (level+1)*4), cn, d.ToString(ct))
		}
	}
	delete(shown, st.name)
}

func printCommands(w io.Writer) {
	for _, c := range commandList {
		fmt.Fprintf(w, "[%s] %s", c.options, c.name)
		if c.usage != "" {
			fmt.Fprintf(w, " %s", c.usage)
		}
		fmt.Fprintln(w)
	}
}

func printOptions(w io.Writer, opts []getopt.Option) {
	for _, o := range opts {
		if o.Name != "" {
			if o.HasArg != getopt.NoArgument {
				fmt.Fprintf(w, "--%s=ARG\n", o.Name)
			} else {
				fmt.Fprintf(w, "--%s\n", o.Name)
			}
		}
		if o.Short != 0 {
			if o.HasArg != getopt.NoArgument {
				fmt.Fprintf(w, "-%c ARG\n", o.Short)
			} else {
				fmt.Fprintf(w, "-%c\n", o.Short)
			}
		}
	}
}

func usage() string {
	var b strings.Builder
	b.WriteString(usageHead)
	names := vswitchSchema().TableNames
	for _, tn := range names {
		fmt.Fprintf(&b, "  %s:\n    by UUID\n", tn)
		for _, id := range rowIDsOf(tn) {
			switch {
			case id.nameCol == "":
				b.WriteString("    as \".\"\n")
			case id.uuidCol != "":
				fmt.Fprintf(&b, "    via \"%s\" of %s with matching \"%s\"\n", id.uuidCol, id.refTable, id.nameCol)
			default:
				fmt.Fprintf(&b, "    by \"%s\"\n", id.nameCol)
			}
		}
	}
	fmt.Fprintf(&b, "\n"+usageOptions, defaultDB(), paths.LogFile(program))
	b.WriteString(usageTail)
	return b.String()
}

// defaultDB is where ovs-vsctl connects without --db.
func defaultDB() string {
	return "unix:" + paths.DBSock()
}
