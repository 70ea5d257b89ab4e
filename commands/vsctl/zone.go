package vsctl

import (
	"math"
	"slices"
	"strings"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
)

// Conntrack zone timeout policies, datapath capabilities and Auto-Attach
// mappings. Their argument parsing follows what OVS 3.1 accepts rather
// than what its manual promises, because scripts written against the real
// tool rely on it: numbers are read like C's strtoull/atoi (a prefix is
// enough), a --may-exist add-zone-tp replaces the zone's policy, and
// del-aa-mapping of an existing pair removes every mapping to that VLAN.
// Out-of-range values are left for the server to reject in OVS, so we
// report them as the server's transaction error (see deferErr).

func preZone(r *runner) {
	r.reg("Open_vSwitch", "datapaths")
	r.reg("Datapath", "ct_zones", "capabilities")
	r.reg("CT_Zone", "timeout_policy")
	r.reg("CT_Timeout_Policy", "timeouts")
}

func preAA(r *runner) {
	r.preCache()
	r.reg("Bridge", "auto_attach")
	r.reg("AutoAttach", "mappings")
}

// datapath returns the Datapath row that Open_vSwitch's datapaths column
// maps name to, or nil.
func (r *runner) datapath(name string) *idl.Row {
	r.verify(r.ovs, "Open_vSwitch", "datapaths")
	d := r.get(r.ovs, "Open_vSwitch", "datapaths")
	i, ok := d.Find(ovsdb.TypeString, ovsdb.StringAtom(name))
	if !ok {
		return nil
	}
	return r.txn.Row(r.table("Datapath"), d.Values[i].UUID())
}

// parseZone reads "zone=N" as OVS does: white space, a sign and a C
// integer in any base (0x.., 0..), wrapping on overflow; trailing text is
// ignored.
func parseZone(arg string) int64 {
	s, ok := strings.CutPrefix(arg, "zone=")
	if !ok {
		fatal("%s: invalid zone (expected zone=ZONE_ID)", arg)
	}
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := uint64(10)
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hexDigit(s[2]) >= 0:
		base, s = 16, s[2:]
	case len(s) > 0 && s[0] == '0':
		base = 8
	}
	var n uint64
	digits := 0
	for ; digits < len(s); digits++ {
		d := hexDigit(s[digits])
		if d < 0 || uint64(d) >= base {
			break
		}
		n = n*base + uint64(d)
	}
	if digits == 0 {
		fatal("%s: invalid zone (expected zone=ZONE_ID)", arg)
	}
	if neg {
		n = -n
	}
	return int64(n)
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// parsePolicy reads the first KEY=VALUE (or KEY:VALUE, or KEY(VALUE)) of
// arg the way OVS's key-value parser does, the value converted as C's
// atoi. ok is false when arg holds no key at all.
func parsePolicy(arg string) (key string, value int64, ok bool) {
	const delims = ", \t\r\n"
	s := strings.TrimLeft(arg, delims)
	if s == "" {
		return "", 0, false
	}
	i := strings.IndexAny(s, "=:("+delims)
	if i < 0 {
		return s, 0, true
	}
	key = s[:i]
	var v string
	switch s[i] {
	case '=', ':':
		rest := s[i+1:]
		depth, j := 0, 0
		for ; j < len(rest); j++ {
			c := rest[j]
			if c == '(' {
				depth++
			} else if c == ')' && depth > 0 {
				depth--
			} else if depth == 0 && strings.IndexByte(delims, c) >= 0 {
				break
			}
		}
		v = rest[:j]
	case '(':
		rest := s[i+1:]
		depth, j := 1, 0
		for ; j < len(rest); j++ {
			if rest[j] == '(' {
				depth++
			} else if rest[j] == ')' {
				if depth--; depth == 0 {
					break
				}
			}
		}
		v = rest[:j]
	}
	return key, int64(atoi32(v)), true
}

// atoi32 is glibc's atoi: strtol (64-bit, saturating) truncated to int.
func atoi32(s string) int32 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var n uint64
	overflow := false
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + uint64(s[i]-'0')
		if n > 1<<63 {
			overflow = true
			n = 1 << 63
		}
	}
	var v int64
	switch {
	case neg && (overflow || n == 1<<63):
		v = math.MinInt64
	case neg:
		v = -int64(n)
	case overflow || n >= 1<<63:
		v = math.MaxInt64
	default:
		v = int64(n)
	}
	return int32(v)
}

// deferErr records a value the server would reject: OVS sends it and
// fails with the server's "transaction error", after all the commands
// have run.
func (r *runner) deferErr(d ovsdb.Datum, t *ovsdb.Type) bool {
	if err := d.Check(t); err != nil {
		if r.commitErr == nil {
			r.commitErr = err
		}
		return false
	}
	return true
}

func cmdAddZoneTP(r *runner) {
	args := r.inv.args
	dp := r.datapath(args[1])
	if dp == nil {
		fatal("datapath %s does not exist", args[1])
	}
	zone := parseZone(args[2])
	zonesCol := r.col("Datapath", "ct_zones")
	r.txn.Verify(dp, zonesCol)
	zones := r.committedZones(dp)
	var zoneRow *idl.Row
	if i, ok := zones.Find(ovsdb.TypeInteger, ovsdb.IntegerAtom(zone)); ok {
		if !r.inv.has("--may-exist") {
			fatal("zone id %d already exists", zone)
		}
		zoneRow = r.txn.Row(r.table("CT_Zone"), zones.Values[i].UUID())
	}
	var keys []string
	vals := map[string]int64{}
	for _, a := range args[3:] {
		k, v, ok := parsePolicy(a)
		if !ok {
			continue
		}
		if _, dup := vals[k]; !dup {
			keys = append(keys, k)
			vals[k] = v
		}
	}
	slices.Sort(keys)
	timeouts := ovsdb.Datum{Keys: make([]ovsdb.Atom, len(keys)), Values: make([]ovsdb.Atom, len(keys))}
	for i, k := range keys {
		timeouts.Keys[i] = ovsdb.StringAtom(k)
		timeouts.Values[i] = ovsdb.IntegerAtom(vals[k])
	}
	tpTable := r.table("CT_Timeout_Policy")
	tpCol := r.col("CT_Timeout_Policy", "timeouts")
	var policy *idl.Row
	var candidates []*idl.Row
	for row := range r.txn.Rows(tpTable) {
		if r.txn.Get(row, tpCol).Equal(&timeouts) {
			candidates = append(candidates, row)
		}
	}
	if len(candidates) > 0 {
		sortRows(candidates)
		policy = candidates[0]
	} else if r.deferErr(timeouts, &tpCol.Schema.Type) {
		policy = r.txn.Insert(tpTable)
		r.txn.Set(policy, tpCol, timeouts)
	}
	policyCol := r.col("CT_Zone", "timeout_policy")
	if zoneRow != nil {
		if policy != nil {
			r.txn.Set(zoneRow, policyCol, uuidSet(policy.UUID))
		}
		return
	}
	zoneRow = r.txn.Insert(r.table("CT_Zone"))
	if policy != nil {
		r.txn.Set(zoneRow, policyCol, uuidSet(policy.UUID))
	}
	entry := ovsdb.Datum{Keys: []ovsdb.Atom{ovsdb.IntegerAtom(zone)}, Values: []ovsdb.Atom{ovsdb.UUIDAtom(zoneRow.UUID)}}
	check := zonesCol.Schema.Type
	check.Min, check.Max = 0, ovsdb.Unlimited
	if r.deferErr(entry, &check) {
		r.txn.SetKey(dp, zonesCol, entry.Keys[0], entry.Values[0])
	}
}

// committedZones returns dp's ct_zones as the database last reported
// them: OVS edits the column key by key, and such edits stay invisible to
// later commands of the same invocation (so "del-zone-tp Z -- add-zone-tp
// Z" fails, and a zone added twice takes the second policy).
func (r *runner) committedZones(dp *idl.Row) *ovsdb.Datum {
	col := r.col("Datapath", "ct_zones")
	if row := r.table("Datapath").Row(dp.UUID); row != nil {
		return row.Get(col)
	}
	return r.txn.Get(dp, col)
}

func cmdDelZoneTP(r *runner) {
	args := r.inv.args
	dp := r.datapath(args[1])
	if dp == nil {
		fatal("datapath %s does not exist", args[1])
	}
	zone := parseZone(args[2])
	zonesCol := r.col("Datapath", "ct_zones")
	r.txn.Verify(dp, zonesCol)
	key := ovsdb.IntegerAtom(zone)
	if _, ok := r.committedZones(dp).Find(ovsdb.TypeInteger, key); !ok {
		if r.inv.has("--if-exists") {
			return
		}
		fatal("zone id %d does not exist", zone)
	}
	r.txn.DeleteKey(dp, zonesCol, key)
}

func cmdListZoneTP(r *runner) {
	name := r.inv.args[1]
	dp := r.datapath(name)
	if dp == nil {
		fatal("datapath: %s record not found", name)
	}
	zones := r.committedZones(dp)
	zoneT, tpT := r.table("CT_Zone"), r.table("CT_Timeout_Policy")
	for i, k := range zones.Keys {
		r.out("Zone:%d, Timeout Policies:", k.Int())
		zone := r.txn.Row(zoneT, zones.Values[i].UUID())
		if zone == nil {
			r.out("\n")
			continue
		}
		ref := r.get(zone, "CT_Zone", "timeout_policy")
		var tp *idl.Row
		if len(ref.Keys) > 0 {
			tp = r.txn.Row(tpT, ref.Keys[0].UUID())
		}
		if tp == nil {
			r.out(" system default\n")
			continue
		}
		t := r.get(tp, "CT_Timeout_Policy", "timeouts")
		for j, tk := range t.Keys {
			r.out(" %s=%d", tk.Str(), t.Values[j].Int())
		}
		r.out("\n")
	}
}

func cmdListDPCap(r *runner) {
	name := r.inv.args[1]
	dp := r.datapath(name)
	if dp == nil {
		fatal("datapath \"%s\" record not found", name)
	}
	caps := r.get(dp, "Datapath", "capabilities")
	for i, k := range caps.Keys {
		if i > 0 {
			r.out(" ")
		}
		r.out("%s=%s", k.Str(), caps.Values[i].Str())
	}
	r.out("\n")
}

// parseAAArg reads an I-SID or VLAN as C's strtoull in base 10 does:
// white space, a sign, digits (at least one), saturating on overflow.
func parseAAArg(s string) int64 {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	var n uint64
	digits, overflow := 0, false
	for ; digits < len(t) && t[digits] >= '0' && t[digits] <= '9'; digits++ {
		d := uint64(t[digits] - '0')
		if n > (math.MaxUint64-d)/10 {
			overflow = true
		}
		n = n*10 + d
	}
	if digits == 0 {
		fatal("Invalid argument %s", s)
	}
	if overflow {
		return -1
	}
	if neg {
		n = -n
	}
	return int64(n)
}

// aaBridge returns the Bridge row that holds the Auto-Attach settings of
// bridge name (a fake bridge's parent).
func (r *runner) aaBridge(name string) *idl.Row {
	return r.findBridge(name, true).realCfg()
}

func (r *runner) autoAttach(br *idl.Row) *idl.Row {
	r.verify(br, "Bridge", "auto_attach")
	ref := r.get(br, "Bridge", "auto_attach")
	if len(ref.Keys) == 0 {
		return nil
	}
	return r.txn.Row(r.table("AutoAttach"), ref.Keys[0].UUID())
}

func cmdAddAAMapping(r *runner) {
	args := r.inv.args
	isid, vlan := parseAAArg(args[2]), parseAAArg(args[3])
	br := r.aaBridge(args[1])
	aa := r.autoAttach(br)
	if aa == nil {
		aa = r.txn.Insert(r.table("AutoAttach"))
		r.set(br, "Bridge", "auto_attach", uuidSet(aa.UUID))
	}
	col := r.col("AutoAttach", "mappings")
	entry := ovsdb.Datum{Keys: []ovsdb.Atom{ovsdb.IntegerAtom(isid)}, Values: []ovsdb.Atom{ovsdb.IntegerAtom(vlan)}}
	check := col.Schema.Type
	check.Min, check.Max = 0, ovsdb.Unlimited
	if r.deferErr(entry, &check) {
		r.txn.AddToSet(aa, col, entry)
	}
}

func cmdDelAAMapping(r *runner) {
	args := r.inv.args
	isid, vlan := parseAAArg(args[2]), parseAAArg(args[3])
	aa := r.autoAttach(r.aaBridge(args[1]))
	if aa == nil {
		return
	}
	col := r.col("AutoAttach", "mappings")
	r.txn.Verify(aa, col)
	m := r.txn.Get(aa, col)
	i, ok := m.Find(ovsdb.TypeInteger, ovsdb.IntegerAtom(isid))
	if !ok || m.Values[i].Int() != vlan {
		return
	}
	var gone ovsdb.Datum
	for j, k := range m.Keys {
		if m.Values[j].Int() == vlan {
			gone.Keys = append(gone.Keys, k)
		}
	}
	r.txn.RemoveFromSet(aa, col, gone)
}

func cmdGetAAMapping(r *runner) {
	aa := r.autoAttach(r.aaBridge(r.inv.args[1]))
	if aa == nil {
		return
	}
	col := r.col("AutoAttach", "mappings")
	r.txn.Verify(aa, col)
	m := r.txn.Get(aa, col)
	for i, k := range m.Keys {
		r.out("%d %d\n", k.Int(), m.Values[i].Int())
	}
}
