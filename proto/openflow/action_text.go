package openflow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ParseActions parses the actions part of a flow (ovs-actions(7)): a
// comma-separated list, "drop" alone for none. Errors are OVS's words
// without the "ovs-ofctl: " prefix.
func ParseActions(s string, ports PortLookup) ([]Action, error) {
	return parseActionList(s, ports, false)
}

// parseActionList parses a list of actions; inCt is set for ct's exec
// list, the only one that may write ct_mark and ct_label. (OVS refuses
// such writes elsewhere once the list is parsed, so an unknown action
// later in the list is reported first.)
func parseActionList(s string, ports PortLookup, inCt bool) ([]Action, error) {
	acts := []Action{}
	drop := false
	for s != "" {
		var name, value string
		var hasValue bool
		name, value, hasValue, s = nextAction(s)
		if name == "" {
			continue
		}
		if name == "drop" {
			drop = true
			continue
		}
		if strings.EqualFold(name, "check_pkt_larger") {
			// "check_pkt_larger(N)->DST": the destination follows the
			// parenthesis.
			end := len(s)
			if i := strings.IndexAny(s, ", \t\r\n"); i >= 0 {
				end = i
			}
			a, err := parseCheckPktLarger(value, s[:end])
			if err != nil {
				return nil, err
			}
			acts = append(acts, a...)
			s = s[end:]
			continue
		}
		a, err := parseAction(name, value, hasValue, ports)
		if err != nil {
			return nil, err
		}
		acts = append(acts, a...)
	}
	if drop && len(acts) > 0 {
		return nil, errors.New(`"drop" must not be accompanied by any other action or instruction`)
	}
	if !inCt {
		for _, a := range acts {
			if writesCtField(a) {
				return nil, errors.New("cannot set CT fields outside of ct action")
			}
		}
	}
	return acts, nil
}

// nextAction splits "name[:value]" or "name(value)" off s.
func nextAction(s string) (name, value string, hasValue bool, rest string) {
	s = strings.TrimLeft(s, ", \t\r\n")
	i := strings.IndexAny(s, "=:, \t\r\n(")
	if i < 0 {
		return s, "", false, ""
	}
	name = s[:i]
	switch s[i] {
	case '(':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					return name, s[i+1 : j], true, s[j+1:]
				}
			}
		}
		return name, s[i+1:], true, ""
	case ':', '=':
		s = s[i+1:]
		depth := 0
		for j := 0; j < len(s); j++ {
			switch s[j] {
			case '(', '[':
				depth++
			case ')', ']':
				if depth > 0 {
					depth--
				}
			case ',', ' ', '\t', '\r', '\n':
				if depth == 0 {
					return name, s[:j], true, s[j:]
				}
			}
		}
		return name, s, true, ""
	}
	return name, "", false, s[i:]
}

func parseUintN(s string, bits int) (uint64, error) {
	v, err := strconv.ParseUint(s, 0, bits)
	if err != nil {
		return 0, fmt.Errorf("invalid numeric format %s", s)
	}
	return v, nil
}

func one(a Action) []Action { return []Action{a} }

func parseAction(name, v string, hasValue bool, ports PortLookup) ([]Action, error) {
	switch strings.ToLower(name) {
	case "output":
		return parseOutput(v, ports)
	case "controller":
		return parseController(v, hasValue)
	case "enqueue":
		p, q, ok := strings.Cut(v, ":")
		if !ok {
			p, q, ok = strings.Cut(v, ",")
		}
		if !ok {
			return nil, errors.New(`"enqueue" syntax is "enqueue:PORT:QUEUE" or "enqueue(PORT,QUEUE)"`)
		}
		port, pok := parsePort(p, ports)
		if !pok {
			return nil, fmt.Errorf("%s: enqueue to unknown port", p)
		}
		qv, err := parseUintN(q, 32)
		if err != nil {
			return nil, err
		}
		return one(&Enqueue{Port: port, Queue: uint32(qv)}), nil
	case "mod_vlan_vid", "set_vlan_vid":
		n, err := strconv.ParseUint(v, 0, 16)
		if err != nil || n > 4095 {
			return nil, fmt.Errorf("%s: not a valid VLAN VID", v)
		}
		return one(&SetVlanVID{VID: uint16(n), NoPush: name == "set_vlan_vid"}), nil
	case "mod_vlan_pcp", "set_vlan_pcp":
		n, err := strconv.ParseUint(v, 0, 8)
		if err != nil || n > 7 {
			return nil, fmt.Errorf("%s: not a valid VLAN PCP", v)
		}
		return one(&SetVlanPCP{PCP: uint8(n), NoPush: name == "set_vlan_pcp"}), nil
	case "strip_vlan", "pop_vlan":
		return one(&StripVlan{Pop: name == "pop_vlan"}), nil
	case "push_vlan", "push_mpls", "pop_mpls":
		n, err := parseUintN(v, 16)
		if err != nil {
			return nil, err
		}
		switch name {
		case "push_vlan":
			if n != 0x8100 && n != 0x88a8 {
				return nil, fmt.Errorf("%s: not a valid VLAN ethertype", v)
			}
			return one(&PushVlan{EthType: uint16(n)}), nil
		case "push_mpls":
			if n != EthTypeMPLS && n != EthTypeMPLSM {
				return nil, errors.New("push_mpls: ethertype must be 0x8847 or 0x8848")
			}
			return one(&PushMPLS{EthType: uint16(n)}), nil
		}
		return one(&PopMPLS{EthType: uint16(n)}), nil
	case "set_field":
		return parseSetField(v, ports)
	case "load":
		return parseLoad(v)
	case "move":
		return parseMove(v)
	case "mod_dl_src", "mod_dl_dst":
		var mac [6]byte
		if !parseEthernet(v, mac[:]) {
			return nil, fmt.Errorf("%s: invalid Ethernet address", v)
		}
		if name == "mod_dl_src" {
			return one(&SetEthSrc{MAC: mac}), nil
		}
		return one(&SetEthDst{MAC: mac}), nil
	case "mod_nw_src", "mod_nw_dst":
		ip, ok := parseIPv4(v)
		if !ok {
			return nil, fmt.Errorf("%s: invalid IP address", v)
		}
		if name == "mod_nw_src" {
			return one(&SetIPv4Src{IP: ip}), nil
		}
		return one(&SetIPv4Dst{IP: ip}), nil
	case "mod_nw_tos":
		n, err := parseUintN(v, 8)
		if err != nil {
			return nil, err
		}
		if n&3 != 0 {
			return nil, fmt.Errorf("%s: not a valid TOS", v)
		}
		return one(&SetIPDSCP{TOS: uint8(n)}), nil
	case "mod_tp_src", "mod_tp_dst":
		n, err := parseUintN(v, 16)
		if err != nil {
			return nil, err
		}
		if name == "mod_tp_src" {
			return one(&SetL4Src{Port: uint16(n)}), nil
		}
		return one(&SetL4Dst{Port: uint16(n)}), nil
	case "dec_ttl":
		d := &DecTTL{}
		if hasValue && v != "" {
			for _, id := range strings.Split(v, ",") {
				n, err := parseUintN(strings.TrimSpace(id), 16)
				if err != nil {
					return nil, err
				}
				d.IDs = append(d.IDs, uint16(n))
			}
		}
		return one(d), nil
	case "set_mpls_label":
		n, err := parseUintN(v, 32)
		if err != nil {
			return nil, err
		}
		return one(&SetMPLSLabel{Label: uint32(n)}), nil
	case "set_mpls_tc":
		n, err := parseUintN(v, 8)
		if err != nil {
			return nil, err
		}
		return one(&SetMPLSTC{TC: uint8(n)}), nil
	case "set_mpls_ttl":
		n, err := parseUintN(v, 8)
		if err != nil {
			return nil, err
		}
		return one(&SetMPLSTTL{TTL: uint8(n)}), nil
	case "dec_mpls_ttl":
		return one(&DecMPLSTTL{}), nil
	case "resubmit":
		return parseResubmit(v, ports)
	case "goto_table":
		n, err := parseUintN(v, 8)
		if err != nil {
			return nil, err
		}
		return one(&GotoTable{Table: uint8(n)}), nil
	case "write_metadata":
		vs, ms, hasMask := strings.Cut(v, "/")
		val, err := parseUintN(vs, 64)
		if err != nil {
			return nil, err
		}
		mask := ^uint64(0)
		if hasMask {
			if mask, err = parseUintN(ms, 64); err != nil {
				return nil, err
			}
		}
		return one(&WriteMetadata{Value: val, Mask: mask}), nil
	case "write_actions":
		inner, err := ParseActions(v, ports)
		if err != nil {
			return nil, err
		}
		return one(&WriteActions{Actions: inner}), nil
	case "clear_actions":
		return one(&ClearActions{}), nil
	case "meter", "group", "set_queue":
		n, err := parseUintN(v, 32)
		if err != nil {
			return nil, err
		}
		switch name {
		case "meter":
			return one(&Meter{ID: uint32(n)}), nil
		case "group":
			return one(&Group{ID: uint32(n)}), nil
		}
		return one(&SetQueue{Queue: uint32(n)}), nil
	case "pop_queue":
		return one(&PopQueue{}), nil
	case "exit":
		return one(&Exit{}), nil
	case "note":
		data, err := parseHexBytes(v)
		if err != nil {
			return nil, errors.New("bad hex digit in `note' argument")
		}
		return one(&Note{Data: data}), nil
	case "fin_timeout":
		f := &FinTimeout{}
		for _, kv := range strings.Split(v, ",") {
			k, val, _ := strings.Cut(kv, "=")
			n, err := parseUintN(val, 16)
			if err != nil {
				return nil, err
			}
			switch k {
			case "idle_timeout":
				f.Idle = uint16(n)
			case "hard_timeout":
				f.Hard = uint16(n)
			default:
				return nil, fmt.Errorf("invalid key '%s' in 'fin_timeout' argument", k)
			}
		}
		return one(f), nil
	case "conjunction":
		var id, k, n uint64
		if c, err := fmt.Sscanf(v, "%d,%d/%d", &id, &k, &n); err != nil || c != 3 || id > 0xffffffff {
			return nil, fmt.Errorf("\"conjunction\" syntax is \"conjunction(id,i/n)\"")
		}
		if n < 2 || n > 64 {
			return nil, fmt.Errorf("conjunction must have at least 2 clauses and at most 64")
		}
		if k < 1 || k > n {
			return nil, fmt.Errorf("clause index must be positive and no greater than the number of clauses")
		}
		return one(&Conjunction{ID: uint32(id), Clause: uint8(k), NClauses: uint8(n)}), nil
	case "clone":
		inner, err := ParseActions(v, ports)
		if err != nil {
			return nil, err
		}
		return one(&Clone{Actions: inner}), nil
	case "set_tunnel", "set_tunnel64":
		return parseSetTunnel(v, name == "set_tunnel64")
	case "mod_nw_ttl":
		n, err := strconv.ParseUint(v, 10, 8)
		if err != nil {
			return nil, fmt.Errorf("invalid TTL \"%s\"", v)
		}
		return one(&SetIPTTL{TTL: uint8(n)}), nil
	case "mod_nw_ecn":
		n, err := strconv.ParseUint(v, 10, 8)
		if err != nil {
			return nil, fmt.Errorf("invalid ECN \"%s\"", v)
		}
		if n > 3 {
			return nil, fmt.Errorf("%s: not a valid ECN", v)
		}
		return one(&SetIPECN{ECN: uint8(n)}), nil
	case "multipath":
		return parseMultipath(v)
	case "bundle":
		return parseBundle(v, false)
	case "bundle_load":
		return parseBundle(v, true)
	case "sample":
		return parseSample(v, ports)
	case "learn":
		return parseLearn(v, ports)
	case "ct":
		return parseCt(v, ports)
	case "ct_clear":
		return one(&CtClear{}), nil
	case "push", "pop":
		sf, err := parseSubfield(v)
		if err != nil {
			return nil, err
		}
		if name == "push" {
			return one(&StackPush{Field: sf}), nil
		}
		return one(&StackPop{Field: sf}), nil
	case "debug_recirc":
		return one(&DebugRecirc{}), nil
	case "debug_slow":
		return one(&DebugSlow{}), nil
	}
	if !hasValue {
		if p, ok := parsePort(name, ports); ok {
			return outputTo(p, 0), nil
		}
	}
	return nil, fmt.Errorf("unknown action %s", name)
}

func outputTo(p uint32, maxLen uint16) []Action {
	if p == PortController && maxLen == 0 {
		maxLen = 0xffff
	}
	return one(&Output{Port: p, MaxLen: maxLen})
}

func parseOutput(v string, ports PortLookup) ([]Action, error) {
	if strings.Contains(v, "[") {
		sf, err := parseSubfield(v)
		if err != nil {
			return nil, err
		}
		return one(&OutputReg{Src: sf}), nil
	}
	if strings.Contains(v, "=") {
		var port uint32
		var maxLen uint64
		havePort := false
		for _, kv := range strings.Split(v, ",") {
			k, val, _ := strings.Cut(kv, "=")
			switch k {
			case "port":
				p, ok := parsePort(val, ports)
				if !ok {
					return nil, fmt.Errorf("%s: output to unknown port", val)
				}
				port, havePort = p, true
			case "max_len":
				n, err := parseUintN(val, 32)
				if err != nil {
					return nil, err
				}
				maxLen = n
			default:
				return nil, fmt.Errorf("invalid key '%s' in output_trunc argument", k)
			}
		}
		if !havePort {
			return nil, errors.New("missing port in output_trunc")
		}
		if maxLen > 0xffff {
			return nil, fmt.Errorf("%d: max_len out of range", maxLen)
		}
		return one(&Output{Port: port, MaxLen: uint16(maxLen)}), nil
	}
	p, ok := parsePort(v, ports)
	if !ok {
		if sf, err := parseSubfield(v); err == nil {
			return one(&OutputReg{Src: sf}), nil
		}
		return nil, fmt.Errorf("%s: output to unknown port", v)
	}
	return outputTo(p, 0), nil
}

func parseController(v string, hasValue bool) ([]Action, error) {
	c := &Controller{MaxLen: 0xffff, Reason: ReasonAction}
	if hasValue && v != "" && !strings.ContainsAny(v, "=,") && v[0] >= '0' && v[0] <= '9' {
		n, err := parseUintN(v, 16)
		if err != nil {
			return nil, err
		}
		c.MaxLen = uint16(n)
		return one(c), nil
	}
	if !hasValue || v == "" {
		return one(c), nil
	}
	for _, kv := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(kv, "=")
		switch k {
		case "reason":
			found := false
			for i, n := range reasonNames {
				if n == val && n != "" {
					c.Reason, found = uint8(i), true
				}
			}
			if !found {
				return nil, fmt.Errorf("unknown reason \"%s\"", val)
			}
		case "max_len":
			n, err := parseUintN(val, 16)
			if err != nil {
				return nil, err
			}
			c.MaxLen = uint16(n)
		case "id":
			n, err := parseUintN(val, 16)
			if err != nil {
				return nil, err
			}
			c.ID = uint16(n)
		case "userdata":
			d, err := parseHexBytes(val)
			if err != nil {
				return nil, errors.New("bad hex digit in `controller' argument")
			}
			c.Userdata = d
		case "pause":
			c.Pause = true
		case "meter_id":
			n, err := parseUintN(val, 32)
			if err != nil {
				return nil, err
			}
			c.MeterID = uint32(n)
		default:
			return nil, fmt.Errorf("unknown key \"%s\" parsing controller action", k)
		}
	}
	return one(c), nil
}

// parseHexBytes reads hex bytes optionally separated by dots, as note
// and userdata use.
func parseHexBytes(s string) ([]byte, error) {
	var out []byte
	for s != "" {
		if s[0] == '.' {
			s = s[1:]
			continue
		}
		if len(s) < 2 || !isHex(s[0]) || !isHex(s[1]) {
			return nil, errors.New("bad hex")
		}
		out = append(out, hexVal(s[0])<<4|hexVal(s[1]))
		s = s[2:]
	}
	return out, nil
}

// parseSubfieldPrefix reads a subfield at the start of s: a field name
// (canonical, alias, NXM or OXM name) optionally followed by "[]",
// "[bit]" or "[start..end]", and returns the text after it. Errors name
// errText, as OVS's messages name the whole argument.
func parseSubfieldPrefix(s, errText string) (Subfield, string, error) {
	i := strings.IndexAny(s, "[-")
	if i < 0 {
		i = len(s)
	}
	name := s[:i]
	f := actionFieldByName(name)
	if f == nil || (f.NXM == 0 && f.OXM == 0 && f.ID != FieldInPort) {
		return Subfield{}, "", fmt.Errorf("%s: unknown field `%s'", errText, name)
	}
	sf := Subfield{Field: f, Bits: f.Bits}
	rest := s[i:]
	if !strings.HasPrefix(rest, "[") {
		return sf, rest, nil
	}
	syntax := fmt.Errorf("%s: syntax error expecting [] or [<bit>] or [<start>..<end>]", errText)
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return Subfield{}, "", syntax
	}
	rng := rest[1:end]
	rest = rest[end+1:]
	if rng == "" {
		return sf, rest, nil
	}
	a, b, isRange := strings.Cut(rng, "..")
	start, err1 := strconv.Atoi(a)
	last := start
	var err2 error
	if isRange {
		last, err2 = strconv.Atoi(b)
	}
	if err1 != nil || err2 != nil || start < 0 || last < 0 {
		return Subfield{}, "", syntax
	}
	switch {
	case start >= f.Bits:
		return Subfield{}, "", fmt.Errorf("%s: starting bit %d is not valid because field is only %d bits wide", errText, start, f.Bits)
	case last >= f.Bits:
		return Subfield{}, "", fmt.Errorf("%s: ending bit %d is not valid because field is only %d bits wide", errText, last, f.Bits)
	case start > last:
		return Subfield{}, "", fmt.Errorf("%s: starting bit %d is after ending bit %d", errText, start, last)
	}
	sf.Ofs, sf.Bits = start, last-start+1
	return sf, rest, nil
}

// parseSubfield reads a whole string as a subfield.
func parseSubfield(s string) (Subfield, error) {
	sf, rest, err := parseSubfieldPrefix(s, s)
	if err != nil {
		return Subfield{}, err
	}
	if rest != "" {
		return Subfield{}, errors.New("unexpected input following field syntax")
	}
	return sf, nil
}

func parseLoad(v string) ([]Action, error) {
	val, dst, ok := strings.Cut(v, "->")
	if !ok {
		return nil, fmt.Errorf("%s: missing `->'", v)
	}
	sf, err := parseSubfield(dst)
	if err != nil {
		return nil, err
	}
	n, err := strconv.ParseUint(val, 0, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid numeric format %s", v, val)
	}
	if sf.Bits < 64 && n>>sf.Bits != 0 {
		return nil, fmt.Errorf("%s: value %s does not fit into %d bits", v, val, sf.Bits)
	}
	return one(&RegLoad{Dst: sf, Value: n}), nil
}

func parseMove(v string) ([]Action, error) {
	src, dst, ok := strings.Cut(v, "->")
	if !ok {
		return nil, fmt.Errorf("%s: missing `->' following source", v)
	}
	s, err := parseSubfield(src)
	if err != nil {
		return nil, err
	}
	d, err := parseSubfield(dst)
	if err != nil {
		return nil, err
	}
	if s.Bits != d.Bits {
		return nil, fmt.Errorf("%s: source field is %d bits wide but destination is %d bits wide", v, s.Bits, d.Bits)
	}
	return one(&RegMove{Src: s, Dst: d}), nil
}

func parseSetField(v string, ports PortLookup) ([]Action, error) {
	val, name, ok := strings.Cut(v, "->")
	if !ok {
		return nil, fmt.Errorf("%s: missing `->'", v)
	}
	f := FieldByName(name)
	switch name {
	case "tun_id", "tunnel_id":
		n, err := strconv.ParseUint(val, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: invalid numeric format", val)
		}
		return one(&SetTunnel{ID: n, SetField: true}), nil
	case "ct_mark":
		f = &ctMarkField
	case "ct_label":
		f = &ctLabelField
	}
	if readOnlyField(name) {
		return nil, fmt.Errorf("%s is read-only", name)
	}
	if f == nil {
		return nil, fmt.Errorf("%s is not a valid OXM field name", name)
	}
	value, mask, err := parseSetFieldValue(f, val, ports)
	if err != nil {
		return nil, err
	}
	if !setFieldValueValid(f, value) {
		return nil, fmt.Errorf("%s is not a valid value for field %s", val, name)
	}
	if mask != nil && allOnes(mask) {
		mask = nil
	}
	return one(&SetField{Field: f, Value: value, Mask: mask}), nil
}

// readOnlyField reports the fields ovs-fields(7) lists as not writable
// (by any of their names), which set_field refuses by the name given.
func readOnlyField(name string) bool {
	switch name {
	case "eth_type", "dl_type", "nw_proto", "ip_proto", "ip_frag", "nw_frag", "tcp_flags",
		"dp_hash", "recirc_id",
		"skb_priority", "actset_output", "packet_type", "conj_id", "mpls_bos",
		"ct_state", "ct_zone", "ct_nw_src", "ct_nw_dst", "ct_ipv6_src", "ct_ipv6_dst",
		"ct_nw_proto", "ct_tp_src", "ct_tp_dst", "nsh_mdtype", "nsh_np",
		"tun_gtpu_flags", "tun_gtpu_msgtype":
		return true
	}
	return false
}

// setFieldValueValid is OVS's check of a value set_field writes: nothing
// beyond the field's width (ip_dscp 64, vlan_pcp 8, vlan_vid 0x2000 with
// its present bit, mpls_label 2^20 are refused, not truncated), and for
// nw_tos nothing in the ECN bits.
func setFieldValueValid(f *Field, value []byte) bool {
	if f.ID == FieldNwTOS {
		return len(value) == 1 && value[0]&3 == 0
	}
	extra := len(value)*8 - f.Bits
	for i := 0; extra > 0 && i < len(value); i++ {
		bits := min(extra, 8)
		if value[i]&^byte(0xff>>bits) != 0 {
			return false
		}
		extra -= bits
	}
	return true
}

func parseResubmit(v string, ports PortLookup) ([]Action, error) {
	r := &Resubmit{Port: PortInPort, Table: TableCurrent}
	ps, ts, hasTable := strings.Cut(v, ",")
	if ps != "" {
		p, ok := parsePort(ps, ports)
		if !ok {
			return nil, fmt.Errorf("%s: resubmit to unknown port", ps)
		}
		r.Port = p
	}
	if hasTable && ts != "" {
		n, err := strconv.ParseUint(ts, 0, 8)
		if err != nil || n == 255 {
			return nil, fmt.Errorf("%s: resubmit to unknown table", ts)
		}
		r.Table = uint8(n)
	}
	if r.Port == PortInPort && r.Table == TableCurrent {
		return nil, errors.New("at least one \"in_port\" or \"table\" must be specified  on resubmit")
	}
	return one(r), nil
}

// AppendActions writes acts in ovs-ofctl's syntax ("drop" when empty).
func AppendActions(b []byte, acts []Action, names PortNamer) []byte {
	if len(acts) == 0 {
		return append(b, "drop"...)
	}
	for i, a := range acts {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendAction(b, a, names)
	}
	return b
}

// ActionsString is AppendActions into a string.
func ActionsString(acts []Action) string { return string(AppendActions(nil, acts, nil)) }

func appendSubfield(b []byte, sf Subfield) []byte {
	if sf.Field.NXMName != "" {
		b = append(b, sf.Field.NXMName...)
	} else {
		b = append(b, sf.Field.OXMName...)
	}
	b = append(b, '[')
	if sf.Ofs != 0 || sf.Bits != sf.Field.Bits {
		b = strconv.AppendInt(b, int64(sf.Ofs), 10)
		if sf.Bits > 1 {
			b = append(b, ".."...)
			b = strconv.AppendInt(b, int64(sf.Ofs+sf.Bits-1), 10)
		}
	}
	return append(b, ']')
}

func appendHexBytes(b []byte, d []byte) []byte {
	const hexd = "0123456789abcdef"
	for i, c := range d {
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, hexd[c>>4], hexd[c&15])
	}
	return b
}

// AppendAction writes one action in ovs-ofctl's syntax.
func AppendAction(b []byte, a Action, names PortNamer) []byte {
	switch a := a.(type) {
	case *Output:
		if a.Port == PortController {
			b = append(b, "CONTROLLER:"...)
			return strconv.AppendUint(b, uint64(a.MaxLen), 10)
		}
		if a.MaxLen != 0 {
			b = append(b, "output(port="...)
			b = appendPort(b, a.Port, names)
			b = append(b, ",max_len="...)
			b = strconv.AppendUint(b, uint64(a.MaxLen), 10)
			return append(b, ')')
		}
		if n := PortName(a.Port); n != "" {
			return append(b, n...)
		}
		b = append(b, "output:"...)
		return appendPort(b, a.Port, names)
	case *Controller:
		if a.simple() {
			b = append(b, "CONTROLLER:"...)
			return strconv.AppendUint(b, uint64(a.MaxLen), 10)
		}
		b = append(b, "controller("...)
		sep := false
		add := func(s string) {
			if sep {
				b = append(b, ',')
			}
			sep = true
			b = append(b, s...)
		}
		if a.Reason != ReasonAction {
			r := strconv.Itoa(int(a.Reason))
			if int(a.Reason) < len(reasonNames) {
				r = reasonNames[a.Reason]
			}
			add("reason=" + r)
		}
		if a.MaxLen != 0xffff {
			add("max_len=" + strconv.Itoa(int(a.MaxLen)))
		}
		if a.ID != 0 {
			add("id=" + strconv.Itoa(int(a.ID)))
		}
		if len(a.Userdata) > 0 {
			add("userdata=" + string(appendHexBytes(nil, a.Userdata)))
		}
		if a.Pause {
			add("pause")
		}
		if a.MeterID != 0 {
			add("meter_id=" + strconv.FormatUint(uint64(a.MeterID), 10))
		}
		return append(b, ')')
	case *Enqueue:
		b = append(b, "enqueue:"...)
		b = appendPort(b, a.Port, names)
		b = append(b, ':')
		return strconv.AppendUint(b, uint64(a.Queue), 10)
	case *OutputReg:
		b = append(b, "output:"...)
		return appendSubfield(b, a.Src)
	case *SetVlanVID:
		if a.NoPush {
			return strconv.AppendUint(append(b, "set_vlan_vid:"...), uint64(a.VID), 10)
		}
		return strconv.AppendUint(append(b, "mod_vlan_vid:"...), uint64(a.VID), 10)
	case *SetVlanPCP:
		if a.NoPush {
			return strconv.AppendUint(append(b, "set_vlan_pcp:"...), uint64(a.PCP), 10)
		}
		return strconv.AppendUint(append(b, "mod_vlan_pcp:"...), uint64(a.PCP), 10)
	case *StripVlan:
		if a.Pop {
			return append(b, "pop_vlan"...)
		}
		return append(b, "strip_vlan"...)
	case *PushVlan:
		return appendHexPad(append(b, "push_vlan:"...), uint64(a.EthType), 4)
	case *PushMPLS:
		return appendHexPad(append(b, "push_mpls:"...), uint64(a.EthType), 4)
	case *PopMPLS:
		return appendHexPad(append(b, "pop_mpls:"...), uint64(a.EthType), 4)
	case *SetField:
		b = append(b, "set_field:"...)
		b = appendFieldValue(b, a.Field, a.Value, a.Mask, names)
		b = append(b, "->"...)
		return append(b, a.Field.Name...)
	case *RegLoad:
		b = appendHex(append(b, "load:"...), a.Value)
		b = append(b, "->"...)
		return appendSubfield(b, a.Dst)
	case *RegMove:
		b = appendSubfield(append(b, "move:"...), a.Src)
		b = append(b, "->"...)
		return appendSubfield(b, a.Dst)
	case *SetEthSrc:
		return appendEthernet(append(b, "mod_dl_src:"...), a.MAC[:])
	case *SetEthDst:
		return appendEthernet(append(b, "mod_dl_dst:"...), a.MAC[:])
	case *SetIPv4Src:
		return appendIPv4(append(b, "mod_nw_src:"...), a.IP[:], ipv4Full)
	case *SetIPv4Dst:
		return appendIPv4(append(b, "mod_nw_dst:"...), a.IP[:], ipv4Full)
	case *SetIPDSCP:
		return strconv.AppendUint(append(b, "mod_nw_tos:"...), uint64(a.TOS), 10)
	case *SetL4Src:
		return strconv.AppendUint(append(b, "mod_tp_src:"...), uint64(a.Port), 10)
	case *SetL4Dst:
		return strconv.AppendUint(append(b, "mod_tp_dst:"...), uint64(a.Port), 10)
	case *DecTTL:
		b = append(b, "dec_ttl"...)
		if len(a.IDs) == 1 && a.IDs[0] == 0 || len(a.IDs) == 0 {
			return b
		}
		b = append(b, '(')
		for i, id := range a.IDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, uint64(id), 10)
		}
		return append(b, ')')
	case *SetMPLSLabel:
		return append(strconv.AppendUint(append(b, "set_mpls_label("...), uint64(a.Label), 10), ')')
	case *SetMPLSTC:
		return append(strconv.AppendUint(append(b, "set_mpls_tc("...), uint64(a.TC), 10), ')')
	case *SetMPLSTTL:
		return append(strconv.AppendUint(append(b, "set_mpls_ttl("...), uint64(a.TTL), 10), ')')
	case *DecMPLSTTL:
		return append(b, "dec_mpls_ttl"...)
	case *Resubmit:
		if a.Table == TableCurrent {
			b = append(b, "resubmit:"...)
			return appendPort(b, a.Port, names)
		}
		b = append(b, "resubmit("...)
		if a.Port != PortInPort {
			b = appendPort(b, a.Port, names)
		}
		b = append(b, ',')
		return append(strconv.AppendUint(b, uint64(a.Table), 10), ')')
	case *GotoTable:
		return strconv.AppendUint(append(b, "goto_table:"...), uint64(a.Table), 10)
	case *WriteMetadata:
		b = appendHex(append(b, "write_metadata:"...), a.Value)
		if a.Mask != ^uint64(0) {
			b = appendHex(append(b, '/'), a.Mask)
		}
		return b
	case *WriteActions:
		b = append(b, "write_actions("...)
		for i, x := range a.Actions {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendAction(b, x, names)
		}
		return append(b, ')')
	case *ClearActions:
		return append(b, "clear_actions"...)
	case *Meter:
		return strconv.AppendUint(append(b, "meter:"...), uint64(a.ID), 10)
	case *Group:
		return strconv.AppendUint(append(b, "group:"...), uint64(a.ID), 10)
	case *SetQueue:
		return strconv.AppendUint(append(b, "set_queue:"...), uint64(a.Queue), 10)
	case *PopQueue:
		return append(b, "pop_queue"...)
	case *Exit:
		return append(b, "exit"...)
	case *Note:
		return appendHexBytes(append(b, "note:"...), a.Data)
	case *FinTimeout:
		b = append(b, "fin_timeout("...)
		if a.Idle != 0 {
			b = strconv.AppendUint(append(b, "idle_timeout="...), uint64(a.Idle), 10)
			if a.Hard != 0 {
				b = append(b, ',')
			}
		}
		if a.Hard != 0 {
			b = strconv.AppendUint(append(b, "hard_timeout="...), uint64(a.Hard), 10)
		}
		return append(b, ')')
	case *Conjunction:
		b = strconv.AppendUint(append(b, "conjunction("...), uint64(a.ID), 10)
		b = strconv.AppendUint(append(b, ','), uint64(a.Clause), 10)
		b = strconv.AppendUint(append(b, '/'), uint64(a.NClauses), 10)
		return append(b, ')')
	case *Clone:
		b = append(b, "clone("...)
		for i, x := range a.Actions {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendAction(b, x, names)
		}
		return append(b, ')')
	}
	return appendExtText(b, a, names)
}

// appendFieldValue writes a set_field value in the field's own format.
func appendFieldValue(b []byte, f *Field, v, mk []byte, names PortNamer) []byte {
	switch f.Format {
	case FormatEthernet:
		b = appendEthernet(b, v)
		if mk != nil {
			b = appendEthernet(append(b, '/'), mk)
		}
		return b
	case FormatIPv4:
		if mk == nil {
			mk = ipv4Full
		}
		return appendIPv4(b, v, mk)
	case FormatPort:
		if len(v) <= 4 {
			if mk == nil {
				return appendPort(b, uint32(beUint(v)), names)
			}
			b = strconv.AppendUint(b, beUint(v), 10)
			return appendHex(append(b, '/'), beUint(mk))
		}
	case FormatIPv6:
		var v6, m6 [16]byte
		copy(v6[:], v)
		if mk == nil {
			for i := range m6 {
				m6[i] = 0xff
			}
		} else {
			copy(m6[:], mk)
		}
		return appendIPv6(b, v6, m6)
	}
	if len(v) > 8 {
		if f.Format == FormatHex {
			b = appendBigHex(b, v)
			if mk != nil {
				b = appendBigHex(append(b, '/'), mk)
			}
			return b
		}
		return appendHexBytes(b, v)
	}
	full := ^uint64(0) >> (64 - 8*len(v))
	m := full
	if mk != nil {
		m = beUint(mk)
	}
	if f.Format == FormatDecimal && m == full {
		return strconv.AppendUint(b, beUint(v), 10)
	}
	return appendInt(b, &Field{Format: FormatHex}, beUint(v), m, len(v), names)
}

var ipv4Full = []byte{255, 255, 255, 255}

// parseSetFieldValue is ParseFieldValue plus the action-only fields
// (ct_mark, ct_label), whose values are hex numbers with optional masks.
func parseSetFieldValue(f *Field, s string, ports PortLookup) (value, mask []byte, err error) {
	if f != &ctMarkField && f != &ctLabelField {
		return ParseFieldValue(f, s, ports)
	}
	vs, ms, hasMask := strings.Cut(s, "/")
	value, isNum, fits := parseImmediate(vs, f.Bits)
	if !isNum || !fits {
		return nil, nil, fmt.Errorf("%s: invalid numeric format", s)
	}
	if hasMask {
		mask, isNum, fits = parseImmediate(ms, f.Bits)
		if !isNum || !fits {
			return nil, nil, fmt.Errorf("%s: invalid numeric format", s)
		}
	}
	return value, mask, nil
}
