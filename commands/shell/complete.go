package shell

import (
	"sort"
	"strings"
)

// vocabulary is what completion knows about: the names that are fixed in
// the program and the live names read from the database. The shell fills
// it from the vsctl package and the open session; tests fill it by hand.
type vocabulary struct {
	tools          func() []string // tool words, short and "ovs-" forms
	vsctlCommands  func() []string
	vsctlOptions   func() []string // global options, with their "--"
	tables         func() []string
	columns        func(table string) []string
	bridges, ports func() []string
	ifaces         func() []string
}

// shellCommands are the words the shell itself understands.
var shellCommands = []string{"exit", "help", "quit"}

// vsctlCommandOptions are the per-command options of ovs-vsctl; they go
// before the command's name, as in OVS.
var vsctlCommandOptions = []string{
	"--all", "--bare", "--columns=", "--fake", "--fake-iface", "--id=",
	"--if-exists", "--may-exist", "--real", "--with-iface",
}

// vsctlOptionWithArg reports the options that take the next word as their
// argument when it is not glued with "=", so that word is no command name.
// (This and vsctlArgs are a switch and a static table, not map literals,
// which every tool of the binary would build at start-up.)
func vsctlOptionWithArg(opt string) bool {
	switch opt {
	case "--db", "--timeout", "-t", "--private-key", "-p", "--certificate", "-c", "--ca-cert", "-C",
		"--ssl-protocols", "--ssl-ciphers", "--bootstrap-ca-cert", "--format", "-f", "--data", "-d",
		"--columns", "--id":
		return true
	}
	return false
}

// argKind says what an argument position of a vsctl command holds.
type argKind uint8

const (
	argNone argKind = iota
	argBridge
	argPort
	argIface
	argBridgeOrPort
	argPortOrIface
	argTable
	argRecord // of the table given as the first argument
	argColumn // of the table given as the first argument
	argFailMode
)

// vsctlArgs gives, for each vsctl command whose arguments name something,
// the kind of each argument position; the last kind repeats for the
// positions after it. These follow the synopses in ovs-vsctl(8).
var vsctlArgs = [...]struct {
	cmd   string
	kinds []argKind
}{
	{"add-br", []argKind{argNone, argBridge, argNone}},
	{"del-br", []argKind{argBridge, argNone}},
	{"br-exists", []argKind{argBridge, argNone}},
	{"br-to-vlan", []argKind{argBridge, argNone}},
	{"br-to-parent", []argKind{argBridge, argNone}},
	{"br-set-external-id", []argKind{argBridge, argNone}},
	{"br-get-external-id", []argKind{argBridge, argNone}},
	{"list-ports", []argKind{argBridge, argNone}},
	{"list-ifaces", []argKind{argBridge, argNone}},
	{"add-port", []argKind{argBridge, argNone, argColumn}},
	{"add-bond", []argKind{argBridge, argNone, argNone}},
	{"del-port", []argKind{argBridgeOrPort, argPort, argNone}},
	{"port-to-br", []argKind{argPort, argNone}},
	{"add-bond-iface", []argKind{argPort, argNone}},
	{"del-bond-iface", []argKind{argPortOrIface, argIface, argNone}},
	{"iface-to-br", []argKind{argIface, argNone}},
	{"get-controller", []argKind{argBridge, argNone}},
	{"del-controller", []argKind{argBridge, argNone}},
	{"set-controller", []argKind{argBridge, argNone}},
	{"get-fail-mode", []argKind{argBridge, argNone}},
	{"del-fail-mode", []argKind{argBridge, argNone}},
	{"set-fail-mode", []argKind{argBridge, argFailMode, argNone}},
	{"add-aa-mapping", []argKind{argBridge, argNone}},
	{"del-aa-mapping", []argKind{argBridge, argNone}},
	{"get-aa-mapping", []argKind{argBridge, argNone}},
	{"list", []argKind{argTable, argRecord}},
	{"find", []argKind{argTable, argColumn}},
	{"get", []argKind{argTable, argRecord, argColumn}},
	{"set", []argKind{argTable, argRecord, argColumn}},
	{"add", []argKind{argTable, argRecord, argColumn, argNone}},
	{"remove", []argKind{argTable, argRecord, argColumn, argNone}},
	{"clear", []argKind{argTable, argRecord, argColumn}},
	{"create", []argKind{argTable, argColumn}},
	{"destroy", []argKind{argTable, argRecord}},
	{"wait-until", []argKind{argTable, argRecord, argColumn}},
}

// vsctlArgKinds returns vsctlArgs' kinds for cmd.
func vsctlArgKinds(cmd string) ([]argKind, bool) {
	for i := range vsctlArgs {
		if vsctlArgs[i].cmd == cmd {
			return vsctlArgs[i].kinds, true
		}
	}
	return nil, false
}

// addPortTable is the table whose columns add-port and add-bond set.
const addPortTable = "Port"

// complete is liner's WordCompleter: it returns the line before the word
// under the cursor, the candidates for that word (quoted as they must be
// typed), and the rest of the line.
func (v *vocabulary) complete(line string, pos int) (head string, completions []string, tail string) {
	if pos > len(line) {
		pos = len(line)
	}
	before := line[:pos]
	words, cur, start, ok := wordsBefore(before)
	if !ok {
		return before, nil, line[pos:]
	}
	cands, space := v.candidates(words, cur)
	out := make([]string, 0, len(cands))
	for _, c := range cands {
		if !strings.HasPrefix(c, cur) {
			continue
		}
		q := quoteWord(c)
		if space {
			q += " "
		}
		out = append(out, q)
	}
	sort.Strings(out)
	out = dedup(out)
	return before[:start], out, line[pos:]
}

// wordsBefore splits the text left of the cursor into the finished words
// and the word being typed, and returns where that word starts. ok is false
// inside a comment.
func wordsBefore(s string) (words []string, cur string, start int, ok bool) {
	p := wordScanner{line: s}
	for p.next() {
	}
	if p.comment {
		return nil, "", 0, false
	}
	switch {
	case p.open:
		return p.words, p.cur.String(), p.start, true
	case len(s) > 0 && !isBlank(s[len(s)-1]) && len(p.words) > 0:
		n := len(p.words) - 1
		return p.words[:n], p.words[n], p.start, true
	}
	return p.words, "", len(s), true
}

// candidates returns the names that fit after words (before filtering by
// the prefix typed), and whether a blank should follow a chosen name.
func (v *vocabulary) candidates(words []string, cur string) ([]string, bool) {
	if len(words) == 0 {
		return append(call(v.tools), shellCommands...), true
	}
	switch strings.TrimPrefix(words[0], "ovs-") {
	case "vsctl":
		return v.vsctlCandidates(words[1:], cur)
	case "ofctl", "dpctl":
		// Their commands take a bridge (or datapath) after the command name.
		if len(words) >= 2 && !strings.HasPrefix(cur, "-") {
			return call(v.bridges), true
		}
	}
	return nil, false
}

func (v *vocabulary) vsctlCandidates(args []string, cur string) ([]string, bool) {
	cmd, cmdArgs := "", []string(nil)
	skip := false
	for _, w := range args {
		switch {
		case skip:
			skip = false
		case w == "--":
			cmd, cmdArgs = "", nil
		case cmd == "" && strings.HasPrefix(w, "-"):
			skip = vsctlOptionWithArg(w)
		case cmd == "":
			cmd = w
		default:
			cmdArgs = append(cmdArgs, w)
		}
	}
	if skip {
		return nil, false
	}
	if cmd == "" {
		if strings.HasPrefix(cur, "-") {
			opts := append(call(v.vsctlOptions), vsctlCommandOptions...)
			return opts, false
		}
		return call(v.vsctlCommands), true
	}
	if strings.HasPrefix(cur, "-") {
		return []string{"--"}, true
	}
	kinds, found := vsctlArgKinds(cmd)
	if !found {
		return nil, false
	}
	n := len(cmdArgs)
	if n >= len(kinds) {
		n = len(kinds) - 1
	}
	table := ""
	if len(cmdArgs) > 0 {
		table = v.resolveTable(cmdArgs[0])
	}
	switch kinds[n] {
	case argBridge:
		return call(v.bridges), true
	case argPort:
		return call(v.ports), true
	case argIface:
		return call(v.ifaces), true
	case argBridgeOrPort:
		return append(call(v.bridges), call(v.ports)...), true
	case argPortOrIface:
		return append(call(v.ports), call(v.ifaces)...), true
	case argTable:
		return v.tablesFor(cur), true
	case argRecord:
		switch table {
		case "Bridge":
			return call(v.bridges), true
		case "Port":
			return call(v.ports), true
		case "Interface":
			return call(v.ifaces), true
		case "Open_vSwitch":
			return []string{"."}, true
		}
	case argColumn:
		if cmd == "add-port" || cmd == "add-bond" {
			table = addPortTable
		}
		if table != "" && v.columns != nil {
			// No blank: "=" or ":key" follows in set, find, create...
			return v.columns(table), cmd == "get" || cmd == "clear"
		}
	case argFailMode:
		return []string{"secure", "standalone"}, true
	}
	return nil, false
}

// tablesFor returns the table names, lower-cased when the user started
// in lower case: ovs-vsctl matches table names without regard to case, and
// the completed word should look like what was being typed.
func (v *vocabulary) tablesFor(cur string) []string {
	tables := call(v.tables)
	if cur == "" || cur[0] < 'a' || cur[0] > 'z' {
		return tables
	}
	out := make([]string, len(tables))
	for i, t := range tables {
		out[i] = strings.ToLower(t)
	}
	return out
}

// resolveTable maps what was typed to a table name as ovs-vsctl does: an
// exact match without regard to case, else a unique prefix.
func (v *vocabulary) resolveTable(typed string) string {
	tables := call(v.tables)
	match := ""
	for _, t := range tables {
		if strings.EqualFold(t, typed) {
			return t
		}
		if len(typed) <= len(t) && strings.EqualFold(t[:len(typed)], typed) {
			if match != "" {
				return ""
			}
			match = t
		}
	}
	return match
}

func call(f func() []string) []string {
	if f == nil {
		return nil
	}
	// A fresh slice: callers append to it.
	names := f()
	return append([]string(nil), names...)
}

func dedup(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
