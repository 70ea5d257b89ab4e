package openflow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The flow syntax of ovs-ofctl(8): one line of add-flow, mod-flows or
// del-flows. The keywords a command accepts follow OVS: add takes
// timeouts, flags and importance; modify takes timeouts and flags;
// delete takes out_port and out_group and no actions; priority matters
// to the strict forms and to add. A keyword a command does not take is
// read as a match field, which is how OVS arrives at "unknown keyword
// out_port" for an add.

type flowKeys uint8

const (
	fkActions flowKeys = 1 << iota
	fkTimeout
	fkFlags
	fkImportance
	fkOutPort
)

func commandKeys(cmd FlowModCommand) flowKeys {
	switch cmd {
	case FlowAdd:
		return fkActions | fkTimeout | fkFlags | fkImportance
	case FlowModify, FlowModifyStrict:
		return fkActions | fkTimeout | fkFlags
	}
	return fkOutPort
}

// ParseFlow parses a flow for command cmd. Errors are ovs-ofctl's
// messages without the "ovs-ofctl: " prefix. The match is normalised.
func ParseFlow(s string, cmd FlowModCommand, ports PortLookup) (*FlowMod, error) {
	if cmd > FlowDeleteStrict {
		return nil, OFPFMFC_BAD_COMMAND
	}
	keys := commandKeys(cmd)
	fm := NewFlowMod(cmd)
	matchPart, actPart, hasActs := splitActions(s)
	if hasActs && keys&fkActions == 0 {
		return nil, errors.New("actions are invalid with specified command")
	}
	if !hasActs && keys&fkActions != 0 {
		return nil, errors.New("must specify an action")
	}
	// One entry per field and one for the packet type, allocated once
	// rather than grown field by field.
	fm.Match.entries = make([]Entry, 0, strings.Count(matchPart, ",")+2)
	rest := matchPart
	for rest != "" {
		name, value, hasValue, r := nextKeyValue(rest)
		rest = r
		if name == "" {
			if rest == "" && !hasValue {
				break
			}
			return nil, fmt.Errorf("unknown keyword %s", name)
		}
		handled, err := fm.parseFlowKey(name, value, hasValue, keys, ports)
		if err != nil {
			return nil, err
		}
		if !handled {
			if err := fm.Match.ParseMatchField(name, value, hasValue, ports); err != nil {
				return nil, err
			}
		}
	}
	fm.Match.Normalize()
	if hasActs {
		acts, err := ParseActions(actPart, ports)
		if err != nil {
			return nil, err
		}
		if err := CheckInstructionOrder(acts); err != nil {
			return nil, err
		}
		fm.Actions = acts
	}
	return fm, nil
}

// splitActions cuts "actions=..." (always the last part of a flow) off.
func splitActions(s string) (match, acts string, ok bool) {
	for i := 0; ; {
		j := strings.Index(s[i:], "actions")
		if j < 0 {
			return s, "", false
		}
		j += i
		k := j + len("actions")
		if (j == 0 || strings.ContainsRune(", \t\r\n", rune(s[j-1]))) && k < len(s) && (s[k] == '=' || s[k] == ':') {
			return s[:j], s[k+1:], true
		}
		i = k
	}
}

func (fm *FlowMod) parseFlowKey(name, value string, hasValue bool, keys flowKeys, ports PortLookup) (bool, error) {
	num := func(bits int, what string) (uint64, error) {
		n, err := strconv.ParseUint(value, 0, bits)
		if err != nil {
			return 0, fmt.Errorf("invalid %s \"%s\"", what, value)
		}
		return n, nil
	}
	needValue := func() error {
		if !hasValue || value == "" {
			return fmt.Errorf("field %s missing value", name)
		}
		return nil
	}
	var err error
	var n uint64
	switch name {
	case "table":
		if err = needValue(); err != nil {
			return true, err
		}
		n, err = strconv.ParseUint(value, 0, 8)
		if err != nil {
			return true, fmt.Errorf("unknown table \"%s\"", value)
		}
		fm.TableID = uint8(n)
	case "priority":
		if err = needValue(); err != nil {
			return true, err
		}
		n, err = num(16, "priority")
		fm.Priority = uint16(n)
	case "cookie":
		if err = needValue(); err != nil {
			return true, err
		}
		vs, ms, masked := strings.Cut(value, "/")
		var v uint64
		if v, err = parseCookie(vs); err != nil {
			return true, err
		}
		if !masked {
			if fm.Command == FlowAdd || fm.Command == FlowModify || fm.Command == FlowModifyStrict {
				fm.NewCookie = v
			} else {
				fm.Cookie, fm.CookieMask = v, ^uint64(0)
			}
			break
		}
		if fm.Command == FlowAdd {
			return true, errors.New("flow additions cannot use a cookie mask")
		}
		var m uint64
		if m, err = parseCookie(ms); err != nil {
			return true, err
		}
		fm.Cookie, fm.CookieMask = v&m, m
	case "idle_timeout", "hard_timeout":
		if keys&fkTimeout == 0 {
			return false, nil
		}
		if err = needValue(); err != nil {
			return true, err
		}
		n, err = num(16, name)
		if name == "idle_timeout" {
			fm.IdleTimeout = uint16(n)
		} else {
			fm.HardTimeout = uint16(n)
		}
	case "importance":
		if keys&fkImportance == 0 {
			return false, nil
		}
		if err = needValue(); err != nil {
			return true, err
		}
		n, err = num(16, "importance")
		fm.Importance = uint16(n)
	case "send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts":
		if keys&fkFlags == 0 {
			return false, nil
		}
		for i, fn := range flowFlagNames {
			if fn == name {
				fm.Flags |= 1 << i
			}
		}
	case "out_port":
		if keys&fkOutPort == 0 {
			return false, nil
		}
		if err = needValue(); err != nil {
			return true, err
		}
		p, ok := parsePort(value, ports)
		if !ok {
			return true, fmt.Errorf("%s: output port is unknown", value)
		}
		fm.OutPort = p
	case "out_group":
		if keys&fkOutPort == 0 {
			return false, nil
		}
		if err = needValue(); err != nil {
			return true, err
		}
		if value == "any" || value == "ANY" {
			fm.OutGroup = GroupAny
			break
		}
		n, err = num(32, "out_group")
		fm.OutGroup = uint32(n)
	case "duration", "n_packets", "n_bytes", "idle_age", "hard_age":
		// dump-flows output read back: statistics are not flow settings.
	default:
		return false, nil
	}
	return true, err
}

// parseCookie reads a cookie the way OVS does (strtoull: any base,
// a leading minus wraps).
func parseCookie(s string) (uint64, error) {
	neg := strings.HasPrefix(s, "-")
	n, err := strconv.ParseUint(strings.TrimPrefix(s, "-"), 0, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid numeric format %s", s)
	}
	if neg {
		n = -n
	}
	return n, nil
}
