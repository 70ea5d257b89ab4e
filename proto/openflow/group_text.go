package openflow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Text form of groups: the ovs-ofctl(8) group syntax (add-group,
// mod-group, del-groups, insert-buckets, remove-buckets) and the way
// ofp-print and dump-groups show a group.

var groupCmdNames = [...]string{GroupAdd: "ADD", GroupModify: "MOD", GroupDelete: "DEL",
	GroupInsertBucket: "INSERT_BUCKET", GroupRemoveBucket: "REMOVE_BUCKET", GroupAddOrMod: "ADD_OR_MOD"}

// AppendGroupText appends a group as dump-groups prints it in OpenFlow
// 1.1–1.4 ("group_id=1,type=select,bucket=weight:10,actions=output:1").
func AppendGroupText(b []byte, g *GroupDesc, names PortNamer) []byte {
	return AppendGroupTextVersion(b, g, names, V13)
}

// AppendGroupTextVersion is AppendGroupText for a group received in
// version v: 1.5 (and OVS's 1.0 extension) show bucket ids and the
// selection method, which the older formats cannot carry.
func AppendGroupTextVersion(b []byte, g *GroupDesc, names PortNamer, v Version) []byte {
	b = strconv.AppendUint(append(b, "group_id="...), uint64(g.GroupID), 10)
	b = append(append(b, ",type="...), g.Type.String()...)
	b = appendGroupPropsText(b, &g.Props, names)
	return appendBucketsText(b, g.Buckets, g.Type, names, format15(v))
}

func appendGroupPropsText(b []byte, p *GroupProps, names PortNamer) []byte {
	if p.Method != "" {
		b = append(append(b, ",selection_method="...), p.Method...)
	}
	if p.MethodParam != 0 {
		b = strconv.AppendUint(append(b, ",selection_method_param="...), p.MethodParam, 10)
	}
	if len(p.Fields) == 0 {
		return b
	}
	if len(p.Fields) == 1 {
		b = append(b, ",fields="...)
	} else {
		b = append(b, ",fields("...)
	}
	for i, id := range p.Fields {
		if i > 0 {
			b = append(b, ',')
		}
		f := FieldByID(id)
		if f == nil {
			b = append(b, "unknown"...)
			continue
		}
		b = append(b, f.Name...)
		if i < len(p.FieldMasks) && p.FieldMasks[i] != nil {
			b = appendFieldValue(append(b, '='), f, p.FieldMasks[i], nil, names)
		}
	}
	if len(p.Fields) > 1 {
		b = append(b, ')')
	}
	return b
}

func appendBucketsText(b []byte, bs []Bucket, t GroupType, names PortNamer, ids bool) []byte {
	for i := range bs {
		bk := &bs[i]
		b = append(b, ",bucket="...)
		if ids {
			b = strconv.AppendUint(append(b, "bucket_id:"...), uint64(bk.BucketID), 10)
			b = append(b, ',')
		}
		if t == GroupSelect && bk.Weight != 1 {
			b = strconv.AppendUint(append(b, "weight:"...), uint64(bk.Weight), 10)
			b = append(b, ',')
		}
		if bk.WatchPort != PortNone {
			b = appendPort(append(b, "watch_port:"...), bk.WatchPort, names)
			b = append(b, ',')
		}
		if bk.WatchGroup != GroupAny {
			b = strconv.AppendUint(append(b, "watch_group:"...), uint64(bk.WatchGroup), 10)
			b = append(b, ',')
		}
		b = AppendActions(append(b, "actions="...), bk.Actions, names)
	}
	return b
}

func appendCommandBucketID(b []byte, id uint32) []byte {
	switch id {
	case BucketFirst:
		return append(b, "first"...)
	case BucketLast:
		return append(b, "last"...)
	case BucketAll:
		return append(b, "all"...)
	}
	return strconv.AppendUint(b, uint64(id), 10)
}

// appendText is the ofp-print body of a group_mod.
func (m *GroupMod) appendText(b []byte, v Version) []byte {
	b = append(b, "\n "...)
	if int(m.Command) < len(groupCmdNames) {
		b = append(b, groupCmdNames[m.Command]...)
	}
	b = append(b, ' ')
	bucketCmd := m.Command == GroupInsertBucket || m.Command == GroupRemoveBucket
	if bucketCmd && format15(v) {
		b = appendCommandBucketID(append(b, "command_bucket_id:"...), m.CommandBucketID)
		b = append(b, ',')
	}
	b = strconv.AppendUint(append(b, "group_id="...), uint64(m.GroupID), 10)
	if !bucketCmd {
		b = append(append(b, ",type="...), m.GroupType.String()...)
		b = appendGroupPropsText(b, &m.Props, nil)
	}
	return appendBucketsText(b, m.Buckets, m.GroupType, nil, format15(v))
}

// ParseGroupMod parses one group in ovs-ofctl's syntax for command cmd.
// Errors are ovs-ofctl's messages without the "ovs-ofctl: " prefix.
// Bucket ids not given are numbered from 0, skipping ids given
// explicitly, as OVS numbers them.
func ParseGroupMod(s string, cmd GroupModCommand, ports PortLookup) (*GroupMod, error) {
	if int(cmd) >= len(groupCmdWire) {
		return nil, OFPGMFC_BAD_COMMAND
	}
	m := &GroupMod{Command: cmd, GroupID: GroupIDAll, CommandBucketID: BucketAll}
	groupPart, bucketParts := splitBuckets(s)
	haveID, haveType, haveCmdBucket := false, false, false
	var fieldsText string
	haveFields, haveParam := false, false
	rest := groupPart
	for rest != "" {
		name, value, _, r := nextAction(rest)
		rest = r
		if name == "" {
			continue
		}
		switch name {
		case "group_id":
			haveID = true
			if value == "all" {
				m.GroupID = GroupIDAll
				break
			}
			n, err := parseUintN(value, 32)
			if err != nil {
				return nil, err
			}
			if n > uint64(GroupIDMax) {
				return nil, fmt.Errorf("invalid group id %d", n)
			}
			m.GroupID = uint32(n)
		case "type":
			haveType = true
			switch value {
			case "all":
				m.GroupType = GroupAll
			case "select":
				m.GroupType = GroupSelect
			case "indirect":
				m.GroupType = GroupIndirect
			case "ff", "fast_failover":
				m.GroupType = GroupFastFailover
			default:
				return nil, fmt.Errorf("invalid group type %s", value)
			}
		case "command_bucket_id":
			haveCmdBucket = true
			switch value {
			case "first":
				m.CommandBucketID = BucketFirst
			case "last":
				m.CommandBucketID = BucketLast
			case "all":
				m.CommandBucketID = BucketAll
			default:
				n, err := parseUintN(value, 32)
				if err != nil {
					return nil, err
				}
				if n > uint64(BucketMax) {
					return nil, fmt.Errorf("invalid command bucket id %d", n)
				}
				m.CommandBucketID = uint32(n)
			}
		case "selection_method":
			if len(value) >= selectionMethodLen {
				return nil, fmt.Errorf("selection method is longer than %d bytes long", selectionMethodLen-1)
			}
			m.Props.Method = value
		case "selection_method_param":
			haveParam = true
			n, err := parseUintN(value, 64)
			if err != nil {
				return nil, err
			}
			m.Props.MethodParam = n
		case "fields":
			haveFields = true
			fieldsText = value
		default:
			return nil, fmt.Errorf("unknown keyword %s", name)
		}
	}
	bucketCmd := cmd == GroupInsertBucket || cmd == GroupRemoveBucket
	switch {
	case !haveID && cmd != GroupDelete:
		return nil, errors.New("must specify a group_id")
	case haveType && (cmd == GroupDelete || bucketCmd):
		return nil, errors.New("type is not needed")
	case !haveType && !(cmd == GroupDelete || bucketCmd):
		return nil, errors.New("must specify a type")
	case haveCmdBucket && !bucketCmd:
		return nil, errors.New("command bucket id is not needed")
	case cmd == GroupInsertBucket && !haveCmdBucket:
		return nil, errors.New("must specify a command bucket id")
	case cmd == GroupInsertBucket && m.CommandBucketID == BucketAll:
		return nil, errors.New("command_bucket_id=all is not permitted")
	case len(bucketParts) > 0 && (cmd == GroupDelete || cmd == GroupRemoveBucket):
		return nil, errors.New("bucket is not needed")
	case haveParam && m.Props.Method == "":
		return nil, errors.New(`selection_method_param is only allowed with "selection_method"`)
	case haveFields && m.Props.Method != "hash":
		return nil, errors.New(`fields may only be specified with "selection_method=hash"`)
	}
	if haveFields {
		if err := parseSelectionFields(fieldsText, &m.Props, ports); err != nil {
			return nil, err
		}
	}
	if !bucketCmd {
		m.CommandBucketID = 0
	}
	for _, bp := range bucketParts {
		bk, err := parseBucket(bp, m.GroupType, ports)
		if err != nil {
			return nil, err
		}
		m.Buckets = append(m.Buckets, bk)
	}
	if m.GroupType == GroupIndirect && len(m.Buckets) > 1 {
		return nil, errors.New("Indirect groups can have at most one bucket.")
	}
	if m.GroupType != GroupSelect {
		for i := range m.Buckets {
			if m.Buckets[i].Weight != 0 {
				return nil, errors.New("Only select groups can have bucket weights.")
			}
		}
	}
	numberBuckets(m.Buckets)
	return m, nil
}

// bucketUnset marks a bucket whose id the text did not give.
const bucketUnset = ^uint32(0)

func numberBuckets(bs []Bucket) {
	used := map[uint32]bool{}
	for i := range bs {
		if bs[i].BucketID != bucketUnset {
			used[bs[i].BucketID] = true
		}
	}
	next := uint32(0)
	for i := range bs {
		if bs[i].BucketID != bucketUnset {
			continue
		}
		for used[next] {
			next++
		}
		bs[i].BucketID = next
		next++
	}
}

// splitBuckets cuts s at each "bucket=" keyword.
func splitBuckets(s string) (group string, buckets []string) {
	idx := bucketKeyword(s, 0)
	if idx < 0 {
		return s, nil
	}
	group = s[:idx]
	for idx >= 0 {
		start := idx + len("bucket=")
		next := bucketKeyword(s, start)
		if next < 0 {
			buckets = append(buckets, s[start:])
		} else {
			buckets = append(buckets, s[start:next])
		}
		idx = next
	}
	return group, buckets
}

func bucketKeyword(s string, from int) int {
	for i := from; ; {
		j := strings.Index(s[i:], "bucket=")
		if j < 0 {
			return -1
		}
		j += i
		if j == 0 || strings.ContainsRune(", \t\r\n", rune(s[j-1])) {
			return j
		}
		i = j + 1
	}
}

// parseBucket parses one bucket's text. Bucket keywords and actions may
// come in any order: "actions=" only introduces the first action, so
// "actions=output:1,weight:3" is a weighted bucket, as in OVS.
func parseBucket(s string, t GroupType, ports PortLookup) (Bucket, error) {
	bk := NewBucket(t)
	bk.Weight = 0
	weightSet, haveActions := false, false
	bk.BucketID = bucketUnset
	var acts []string
	rest := s
	for rest != "" {
		trimmed := strings.TrimLeft(rest, ", \t\r\n")
		name, value, hasValue, r := nextAction(rest)
		raw := strings.TrimRight(trimmed[:len(trimmed)-len(r)], ", \t\r\n")
		rest = r
		if name == "" {
			continue
		}
		switch name {
		case "actions":
			haveActions = true
			if hasValue && value != "" {
				acts = append(acts, value)
			}
		case "bucket_id":
			n, err := parseUintN(value, 32)
			if err != nil {
				return bk, err
			}
			if n > uint64(BucketMax) {
				return bk, fmt.Errorf("invalid bucket_id id %d", n)
			}
			bk.BucketID = uint32(n)
		case "weight":
			n, err := strconv.ParseUint(value, 0, 16)
			if err != nil {
				return bk, fmt.Errorf("invalid weight \"%s\"", value)
			}
			bk.Weight, weightSet = uint16(n), true
		case "watch_port":
			p, ok := parsePort(value, ports)
			if !ok || p >= PortMax && p != PortNone {
				return bk, fmt.Errorf("%s: invalid watch_port", value)
			}
			bk.WatchPort = p
		case "watch_group":
			n, err := parseUintN(value, 32)
			if err != nil {
				return bk, err
			}
			bk.WatchGroup = uint32(n)
		default:
			haveActions = true
			acts = append(acts, raw)
		}
	}
	if !haveActions {
		return bk, errors.New("bucket must specify actions")
	}
	if !weightSet && t == GroupSelect {
		bk.Weight = 1
	}
	parsed, err := ParseActions(strings.Join(acts, ","), ports)
	if err != nil {
		return bk, err
	}
	bk.Actions = parsed
	return bk, nil
}

func parseSelectionFields(s string, p *GroupProps, ports PortLookup) error {
	rest := s
	for rest != "" {
		name, value, hasValue, r := nextKeyValue(rest)
		rest = r
		if name == "" {
			continue
		}
		f := FieldByName(name)
		if f == nil {
			return fmt.Errorf("%s: unknown field %s", value, name)
		}
		var mask []byte
		if hasValue {
			v, _, err := ParseFieldValue(f, value, ports)
			if err != nil {
				return err
			}
			if !allOnes(v) {
				mask = v
			}
		}
		p.Fields = append(p.Fields, f.ID)
		p.FieldMasks = append(p.FieldMasks, mask)
	}
	return nil
}
