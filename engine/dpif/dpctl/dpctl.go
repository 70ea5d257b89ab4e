// Package dpctl implements the dpctl/* commands (and the userspace
// datapath's dpif-netdev/pmd-stats-*) as functions that return the exact
// text OVS 3.1 prints, so that ovs-vswitchd can register them on its
// unixctl server and an ovs-dpctl tool can run them directly.
//
// Commands work on an Env: the datapaths that exist and the program name
// that OVS puts in front of its error messages ("ovs-vswitchd: deleting
// flow (No such file or directory)"). A command's error is the complete
// message, without a trailing newline; the caller sends it as the unixctl
// error or prints it to stderr. Argument counts are checked by the caller
// from Command.Min/Max, as OVS's unixctl server does.
package dpctl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/internal/stream"
)

// Env is what the commands run against.
type Env struct {
	// Program prefixes error messages ("ovs-vswitchd", "ovs-dpctl").
	Program string
	// Datapaths lists the datapaths that exist now.
	Datapaths func() []dpif.Datapath
}

// Command is one dpctl command for registration on a unixctl server.
type Command struct {
	Name     string // "dpctl/show"
	Usage    string
	Min, Max int
	Run      func(e *Env, args []string) (string, error)
}

// Commands lists every command of the package, as vswitchd registers them.
var Commands = []Command{
	{"dpctl/show", "[-s] [dp...]", 0, 1 << 20, (*Env).Show},
	{"dpctl/dump-dps", "", 0, 0, (*Env).DumpDPs},
	{"dpctl/dump-flows", "[-m] [--names] [dp] [filter=..] [type=..] [pmd=..]", 0, 6, (*Env).DumpFlows},
	{"dpctl/add-flow", "[dp] flow actions", 2, 3, (*Env).AddFlow},
	{"dpctl/mod-flow", "[dp] flow actions", 2, 3, (*Env).ModFlow},
	{"dpctl/get-flow", "[dp] ufid", 1, 2, (*Env).GetFlow},
	{"dpctl/del-flow", "[dp] flow", 1, 2, (*Env).DelFlow},
	{"dpctl/del-flows", "[dp]", 0, 1, (*Env).DelFlows},
	{"dpif-netdev/pmd-stats-show", "[-pmd core] [dp]", 0, 3, (*Env).PMDStatsShow},
	{"dpif-netdev/pmd-stats-clear", "[-pmd core] [dp]", 0, 3, (*Env).PMDStatsClear},
}

// strerror is C's strerror text for an errno, which OVS prints in
// parentheses after its messages.
func strerror(err error) string { return stream.Strerror(err) }

func (e *Env) errorf(errno error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if errno != nil {
		msg += " (" + strerror(errno) + ")"
	}
	return fmt.Errorf("%s: %s", e.Program, msg)
}

func fullName(dp dpif.Datapath) string { return dp.Type() + "@" + dp.Name() }

func (e *Env) sorted() []dpif.Datapath {
	dps := slices.Clone(e.Datapaths())
	slices.SortFunc(dps, func(a, b dpif.Datapath) int { return strings.Compare(fullName(a), fullName(b)) })
	return dps
}

// open finds the datapath a user named as "type@name" (plain "name" means
// the kernel datapath type "system", as in OVS).
func (e *Env) open(arg string) (dpif.Datapath, error) {
	typ, name, ok := strings.Cut(arg, "@")
	if !ok {
		typ, name = "system", arg
	}
	for _, dp := range e.Datapaths() {
		if dp.Type() == typ && dp.Name() == name {
			return dp, nil
		}
	}
	errno := unix.ENOENT
	if typ == "netdev" || typ == "dummy" {
		errno = unix.ENODEV
	}
	return nil, e.errorf(errno, "opening datapath %s failed", arg)
}

// only returns the datapath named by arg, or the only one when arg is "".
func (e *Env) only(arg string) (dpif.Datapath, error) {
	if arg != "" {
		typ, name, ok := strings.Cut(arg, "@")
		if !ok {
			typ, name = "", arg
		}
		for _, dp := range e.Datapaths() {
			if dp.Name() == name && (typ == "" || dp.Type() == typ) {
				return dp, nil
			}
		}
		return nil, e.errorf(unix.EINVAL, "datapath not found")
	}
	dps := e.Datapaths()
	switch len(dps) {
	case 1:
		return dps[0], nil
	case 0:
		return nil, e.errorf(unix.ENODEV, "no datapaths exist")
	}
	return nil, e.errorf(unix.EINVAL, "multiple datapaths, specify one")
}

// Show is dpctl/show [-s] [DP...].
func (e *Env) Show(args []string) (string, error) {
	stats := false
	var names []string
	for _, a := range args {
		switch a {
		case "-s", "--statistics":
			stats = true
		default:
			if strings.HasPrefix(a, "-") && a != "-" {
				return "", fmt.Errorf("Unrecognized option %s", a)
			}
			names = append(names, a)
		}
	}
	var dps []dpif.Datapath
	if len(names) == 0 {
		dps = e.sorted()
	} else {
		for _, n := range names {
			dp, err := e.open(n)
			if err != nil {
				return "", err
			}
			dps = append(dps, dp)
		}
	}
	var b []byte
	for _, dp := range dps {
		b = appendShow(b, dp, stats)
	}
	return string(b), nil
}

func appendShow(b []byte, dp dpif.Datapath, stats bool) []byte {
	st := dp.Stats()
	b = fmt.Appendf(b, "%s:\n  lookups: hit:%d missed:%d lost:%d\n  flows: %d\n",
		fullName(dp), st.Hit, st.Missed, st.Lost, st.Flows)
	for _, p := range dp.Ports() {
		b = fmt.Appendf(b, "  port %d: %s", p.No, p.Name)
		if p.Type != "" && p.Type != "system" {
			b = fmt.Appendf(b, " (%s)", p.Type)
		}
		b = append(b, '\n')
		if !stats || p.Dev == nil {
			continue
		}
		s, err := p.Dev.Stats()
		if err != nil {
			b = fmt.Appendf(b, "    statistics: %s\n", strerror(err))
			continue
		}
		b = fmt.Appendf(b, "    RX packets:%d errors:%d dropped:%d overruns:0 frame:0\n", s.RxPackets, s.RxErrors, s.RxDropped)
		b = fmt.Appendf(b, "    TX packets:%d errors:%d dropped:%d aborted:0 carrier:0\n", s.TxPackets, s.TxErrors, s.TxDropped)
		b = fmt.Appendf(b, "    collisions:%d\n", s.Collisions)
		b = fmt.Appendf(b, "    RX bytes:%d%s  TX bytes:%d%s\n", s.RxBytes, humanSize(s.RxBytes), s.TxBytes, humanSize(s.TxBytes))
	}
	return b
}

// humanSize is the " (1.4 KiB)" that follows a byte count of 1 KiB or more.
func humanSize(n uint64) string {
	const k = 1024
	switch {
	case n >= k*k*k*k:
		return fmt.Sprintf(" (%.1f TiB)", float64(n)/(k*k*k*k))
	case n >= k*k*k:
		return fmt.Sprintf(" (%.1f GiB)", float64(n)/(k*k*k))
	case n >= k*k:
		return fmt.Sprintf(" (%.1f MiB)", float64(n)/(k*k))
	case n >= k:
		return fmt.Sprintf(" (%.1f KiB)", float64(n)/k)
	}
	return ""
}

// DumpDPs is dpctl/dump-dps.
func (e *Env) DumpDPs(args []string) (string, error) {
	var b strings.Builder
	for _, dp := range e.sorted() {
		b.WriteString(fullName(dp))
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// portMaps returns name lookups in both directions for dp's ports.
func portMaps(dp dpif.Datapath) (func(uint32) (string, bool), func(string) (uint32, bool)) {
	ports := dp.Ports()
	byNo := make(map[uint32]string, len(ports))
	byName := make(map[string]uint32, len(ports))
	for _, p := range ports {
		byNo[p.No] = p.Name
		byName[p.Name] = p.No
	}
	return func(n uint32) (string, bool) { s, ok := byNo[n]; return s, ok },
		func(s string) (uint32, bool) { n, ok := byName[s]; return n, ok }
}

// DumpFlows is dpctl/dump-flows [-m] [--names|--no-names] [DP]
// [filter=MATCH] [type=TYPE] [pmd=N].
func (e *Env) DumpFlows(args []string) (string, error) {
	verbose, names, namesSet := false, false, false
	dpName := ""
	var filter *Filter
	for _, a := range args {
		switch {
		case a == "-m" || a == "--more":
			verbose = true
		case a == "--names":
			names, namesSet = true, true
		case a == "--no-names":
			names, namesSet = false, true
		case strings.HasPrefix(a, "filter="):
			f, err := ParseFilter(a[len("filter="):])
			if err != nil {
				return "", fmt.Errorf("%s: Failed to parse filter (%v)", e.Program, err)
			}
			filter = f
		case strings.HasPrefix(a, "type="), strings.HasPrefix(a, "pmd="):
			// Offload types and PMD ids: every flow here is an "ovs"
			// flow on the main thread.
			if strings.HasPrefix(a, "pmd=") && a != "pmd=-1" {
				return "", nil
			}
			if t := a[len("type="):]; strings.HasPrefix(a, "type=") && t != "ovs" && t != "all" {
				if t != "offloaded" && t != "dpdk" && t != "tc" && t != "non-offloaded" && t != "partially-offloaded" {
					return "", fmt.Errorf("%s: Failed to parse type (%s)", e.Program, t)
				}
				if t != "non-offloaded" {
					return "", nil
				}
			}
		case strings.HasPrefix(a, "-") && a != "-":
			return "", fmt.Errorf("Unrecognized option %s", a)
		default:
			dpName = a
		}
	}
	if !namesSet {
		names = verbose
	}
	dp, err := e.only(dpName)
	if err != nil {
		return "", err
	}
	name, _ := portMaps(dp)
	opt := flow.FormatOptions{Verbose: verbose}
	var portName func(uint32) (string, bool)
	if names {
		opt.PortName = name
		portName = name
	}
	now := dp.Now()
	var b []byte
	dp.FlowDump(func(f *dpif.Flow, st dpif.FlowStats) bool {
		if filter != nil && !filter.Matches(&f.Key, &f.Mask, name) {
			return true
		}
		if len(b) == 0 {
			b = append(b, "flow-dump from the main thread:\n"...)
		}
		b = appendFlow(b, f, st, now, opt, portName)
		return true
	})
	return string(b), nil
}

func appendFlow(b []byte, f *dpif.Flow, st dpif.FlowStats, now int64, opt flow.FormatOptions, portName func(uint32) (string, bool)) []byte {
	if opt.Verbose {
		b = append(b, "ufid:"...)
		b = appendUUID(b, f.UFID)
		b = append(b, ", "...)
	}
	b = flow.AppendODP(b, &f.Key, &f.Mask, opt)
	b = fmt.Appendf(b, ", packets:%d, bytes:%d, used:", st.Packets, st.Bytes)
	b = appendUsed(b, st.Used, now)
	if st.TCPFlags != 0 {
		b = append(b, ", flags:"...)
		b = appendTCPFlags(b, st.TCPFlags)
	}
	if opt.Verbose {
		b = append(b, ", dp:ovs"...)
	}
	b = append(b, ", actions:"...)
	b = dpif.AppendActions(b, f.Actions(), portName)
	if opt.Verbose {
		lo, hi := miniflowBits(&f.Mask)
		b = fmt.Appendf(b, ", dp-extra-info:miniflow_bits(%d,%d)", lo, hi)
	}
	return append(b, '\n')
}

// miniflowBits counts the mask's non-zero 64-bit words in the two halves
// of the key, the way OVS reports the shape of a megaflow's mask.
func miniflowBits(m *flow.Key) (lo, hi int) {
	w := m.Words()
	for i, x := range w {
		if x == 0 {
			continue
		}
		if i < len(w)/2 {
			lo++
		} else {
			hi++
		}
	}
	return lo, hi
}

func appendUsed(b []byte, used, now int64) []byte {
	if used == 0 {
		return append(b, "never"...)
	}
	d := now - used
	if d < 0 {
		d = 0
	}
	return fmt.Appendf(b, "%d.%03ds", d/1000, d%1000)
}

// appendTCPFlags prints TCP flags as OVS does ("S", "SF", "P.").
func appendTCPFlags(b []byte, f uint16) []byte {
	type bit struct {
		m uint16
		s string
	}
	for _, x := range [...]bit{{0x002, "S"}, {0x001, "F"}, {0x008, "P"}, {0x004, "R"}, {0x020, "U"}, {0x010, "."}, {0x040, "E"}, {0x080, "C"}, {0x100, "N"}} {
		if f&x.m != 0 {
			b = append(b, x.s...)
		}
	}
	if rest := f &^ 0x1ff; rest != 0 {
		b = fmt.Appendf(b, "[%x]", rest)
	}
	return b
}

func appendUUID(b []byte, u [16]byte) []byte {
	const hexd = "0123456789abcdef"
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexd[c>>4], hexd[c&15])
	}
	return b
}

func parseUFID(s string) ([16]byte, bool) {
	var u [16]byte
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 32 {
		return u, false
	}
	for i := range u {
		v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return u, false
		}
		u[i] = byte(v)
	}
	return u, true
}

// flowArgs splits [DP] FLOW [ACTIONS] and drops the options OVS accepts.
func flowArgs(args []string, want int) (dpName string, rest []string, stats, clear bool, err error) {
	for _, a := range args {
		switch a {
		case "-s", "--statistics":
			stats = true
		case "--clear":
			clear = true
		default:
			if strings.HasPrefix(a, "-") && len(a) > 1 && !strings.Contains(a, "(") {
				return "", nil, false, false, fmt.Errorf("Unrecognized option %s", a)
			}
			rest = append(rest, a)
		}
	}
	if len(rest) > want {
		dpName, rest = rest[0], rest[1:]
	}
	if len(rest) < want {
		return "", nil, false, false, fmt.Errorf("not enough arguments")
	}
	return dpName, rest, stats, clear, nil
}

// findFlow returns the installed flow with exactly this match.
func findFlow(dp dpif.Datapath, key, mask *flow.Key) (*dpif.Flow, dpif.FlowStats) {
	m := *mask
	m.InPort, m.RecircID = 0xffffffff, 0xffffffff
	k := key.Masked(&m)
	var found *dpif.Flow
	var fs dpif.FlowStats
	dp.FlowDump(func(f *dpif.Flow, st dpif.FlowStats) bool {
		if f.Mask == m && f.Key == k {
			found, fs = f, st
			return false
		}
		return true
	})
	return found, fs
}

func (e *Env) putFlow(args []string, create bool) (string, error) {
	dpName, rest, _, clear, err := flowArgs(args, 2)
	if err != nil {
		return "", err
	}
	dp, err := e.only(dpName)
	if err != nil {
		return "", err
	}
	_, no := portMaps(dp)
	key, mask, err := flow.ParseODP(rest[0], no)
	if err != nil {
		return "", e.errorf(unix.EINVAL, "parsing flow key (%v)", err)
	}
	acts, err := dpif.ParseActions(rest[1], no)
	if err != nil {
		return "", e.errorf(unix.EINVAL, "parsing actions")
	}
	old, _ := findFlow(dp, &key, &mask)
	switch {
	case create && old != nil:
		return "", e.errorf(unix.EEXIST, "updating flow table")
	case !create && old == nil:
		return "", e.errorf(unix.ENOENT, "updating flow table")
	}
	if old != nil && !clear {
		old.SetActions(acts)
		return "", nil
	}
	if old != nil {
		dp.FlowDel(old)
	}
	if err := dp.FlowPut(&key, &mask, acts); err != nil {
		return "", e.errorf(err, "updating flow table")
	}
	return "", nil
}

// AddFlow is dpctl/add-flow [DP] FLOW ACTIONS.
func (e *Env) AddFlow(args []string) (string, error) { return e.putFlow(args, true) }

// ModFlow is dpctl/mod-flow [--clear] [DP] FLOW ACTIONS.
func (e *Env) ModFlow(args []string) (string, error) { return e.putFlow(args, false) }

// lookupFlow finds the flow named by a "ufid:UUID" or a flow key.
func (e *Env) lookupFlow(dp dpif.Datapath, s string) (*dpif.Flow, dpif.FlowStats, bool, error) {
	if u, ok := strings.CutPrefix(s, "ufid:"); ok {
		id, ok := parseUFID(u)
		if !ok {
			return nil, dpif.FlowStats{}, true, e.errorf(unix.EINVAL, "parsing flow ufid")
		}
		var found *dpif.Flow
		var fs dpif.FlowStats
		dp.FlowDump(func(f *dpif.Flow, st dpif.FlowStats) bool {
			if f.UFID == id {
				found, fs = f, st
				return false
			}
			return true
		})
		return found, fs, true, nil
	}
	_, no := portMaps(dp)
	key, mask, err := flow.ParseODP(s, no)
	if err != nil {
		return nil, dpif.FlowStats{}, false, e.errorf(unix.EINVAL, "parsing flow key (%v)", err)
	}
	f, st := findFlow(dp, &key, &mask)
	return f, st, false, nil
}

// GetFlow is dpctl/get-flow [DP] ufid:UUID.
func (e *Env) GetFlow(args []string) (string, error) {
	dpName, rest, _, _, err := flowArgs(args, 1)
	if err != nil {
		return "", err
	}
	dp, err := e.only(dpName)
	if err != nil {
		return "", err
	}
	u, ok := strings.CutPrefix(rest[0], "ufid:")
	id, ok2 := parseUFID(u)
	if !ok || !ok2 {
		// OVS reports this one as output, not as a failure.
		return e.Program + ": parsing flow ufid\n", nil
	}
	var found *dpif.Flow
	var fs dpif.FlowStats
	dp.FlowDump(func(f *dpif.Flow, st dpif.FlowStats) bool {
		if f.UFID == id {
			found, fs = f, st
			return false
		}
		return true
	})
	if found == nil {
		return "", e.errorf(unix.ENOENT, "getting flow")
	}
	name, _ := portMaps(dp)
	return string(appendFlow(nil, found, fs, dp.Now(), flow.FormatOptions{Verbose: true, PortName: name}, name)), nil
}

// DelFlow is dpctl/del-flow [DP] FLOW (or ufid:UUID).
func (e *Env) DelFlow(args []string) (string, error) {
	dpName, rest, _, _, err := flowArgs(args, 1)
	if err != nil {
		return "", err
	}
	dp, err := e.only(dpName)
	if err != nil {
		return "", err
	}
	f, _, byUFID, err := e.lookupFlow(dp, rest[0])
	if err != nil {
		return "", err
	}
	if f == nil {
		msg := e.errorf(unix.ENOENT, "deleting flow").Error()
		if !byUFID {
			msg += "\nPerhaps you need to specify a UFID?"
		}
		return "", fmt.Errorf("%s", msg)
	}
	dp.FlowDel(f)
	return "", nil
}

// DelFlows is dpctl/del-flows [DP].
func (e *Env) DelFlows(args []string) (string, error) {
	dpName := ""
	if len(args) > 0 {
		dpName = args[0]
	}
	dp, err := e.only(dpName)
	if err != nil {
		return "", err
	}
	dp.FlowFlush()
	return "", nil
}

// pmdDP picks the userspace datapath for the dpif-netdev/pmd-stats-*
// commands: the only one, or the one named.
func (e *Env) pmdDP(args []string) (dpif.PMDStatser, bool, error) {
	var dpName string
	pmdOnly := false
	for i := 0; i < len(args); i++ {
		if args[i] == "-pmd" {
			if i+1 >= len(args) {
				return nil, false, fmt.Errorf("Invalid syntax")
			}
			if _, err := strconv.ParseUint(args[i+1], 10, 32); err != nil {
				return nil, false, fmt.Errorf("Invalid syntax")
			}
			pmdOnly = true
			i++
			continue
		}
		dpName = args[i]
	}
	var cands []dpif.PMDStatser
	var named dpif.PMDStatser
	for _, dp := range e.Datapaths() {
		if s, ok := dp.(dpif.PMDStatser); ok {
			cands = append(cands, s)
			if dp.Name() == dpName || fullName(dp) == dpName {
				named = s
			}
		}
	}
	switch {
	case named != nil:
		return named, pmdOnly, nil
	case len(cands) == 1:
		return cands[0], pmdOnly, nil
	}
	return nil, false, fmt.Errorf("please specify an existing datapath")
}

func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// PMDStatsShow is dpif-netdev/pmd-stats-show [-pmd CORE] [DP]. Ports here
// are polled by ordinary goroutines, which OVS reports as its main thread.
func (e *Env) PMDStatsShow(args []string) (string, error) {
	dp, pmdOnly, err := e.pmdDP(args)
	if err != nil {
		return "", err
	}
	if pmdOnly {
		return "", nil // no PMD threads, only the main thread
	}
	s := dp.PMDStats()
	passes := 0.0
	if s.Received != 0 {
		passes = ratio(s.Received+s.Recirculations, s.Received)
	}
	return fmt.Sprintf("main thread:\n"+
		"  packets received: %d\n"+
		"  packet recirculations: %d\n"+
		"  avg. datapath passes per packet: %.02f\n"+
		"  phwol hits: 0\n"+
		"  mfex opt hits: 0\n"+
		"  simple match hits: 0\n"+
		"  emc hits: %d\n"+
		"  smc hits: 0\n"+
		"  megaflow hits: %d\n"+
		"  avg. subtable lookups per megaflow hit: %.02f\n"+
		"  miss with success upcall: %d\n"+
		"  miss with failed upcall: %d\n"+
		"  avg. packets per output batch: %.02f\n",
		s.Received, s.Recirculations, passes, s.EMCHits, s.MegaflowHits,
		ratio(s.SubtableLookups, s.MegaflowHits), s.Upcalls, s.LostUpcalls,
		ratio(s.OutputPackets, s.OutputBatches)), nil
}

// PMDStatsClear is dpif-netdev/pmd-stats-clear [-pmd CORE] [DP].
func (e *Env) PMDStatsClear(args []string) (string, error) {
	dp, pmdOnly, err := e.pmdDP(args)
	if err != nil {
		return "", err
	}
	if !pmdOnly {
		dp.ClearPMDStats()
	}
	return "", nil
}
