package openflow

import (
	"encoding/binary"
)

// Wire codecs for groups. Three layouts exist: OpenFlow 1.1–1.4's
// ofp_bucket (weight and watches in a fixed header), OpenFlow 1.5's
// (bucket id in the header, weight and watches as properties, group
// properties after the buckets), and OVS's NXT_GROUP_MOD, which carries
// the 1.5 layout with 1.0 actions so that 1.0 controllers get groups too.
//
// OpenFlow 1.1's own action set is not spoken by this package; buckets in
// 1.1 messages use the 1.2 action codec, which agrees with 1.1 on the
// actions groups are normally built from (output, group, push/pop).

// Wire OFPGC_* numbers for the model's commands.
var groupCmdWire = [...]uint16{GroupAdd: 0, GroupModify: 1, GroupDelete: 2,
	GroupInsertBucket: 3, GroupRemoveBucket: 5, GroupAddOrMod: 0x8000}

func groupCmdFromWire(c uint16) (GroupModCommand, bool) {
	for m, w := range groupCmdWire {
		if w == c {
			return GroupModCommand(m), true
		}
	}
	return 0, false
}

// Bucket and group property types (OpenFlow 1.5).
const (
	bucketPropWeight     = 0
	bucketPropWatchPort  = 1
	bucketPropWatchGroup = 2
	propExperimenter     = 0xffff

	ntrVendor          = 0x0000154d // Netronome: OVS's selection-method property
	ntrSelectionMethod = 1
	selectionMethodLen = 16 // NUL-padded method name
)

// format15 reports whether v sends groups in the 1.5 layout (1.5 itself,
// and 1.0 through NXT_GROUP_MOD).
func format15(v Version) bool { return v == V10 || v >= V15 }

// actionVersion is the action codec used inside buckets of version v:
// each version's own, 1.1 included (OVS sends and reads OFPAT11 actions
// there, set_vlan_vid and mod_nw_src rather than set_field).
func actionVersion(v Version) Version { return v }

// NewBucket returns a bucket with no liveness watch, the default of the
// group syntax: weight 1 for select groups, 0 for the others.
func NewBucket(t GroupType) Bucket {
	b := Bucket{WatchPort: PortNone, WatchGroup: GroupAny}
	if t == GroupSelect {
		b.Weight = 1
	}
	return b
}

// AppendBuckets appends the wire form of bs for version v. The 1.5 layout
// writes a weight property only for select groups; AppendBuckets cannot
// know the group type, so it writes one whenever a bucket's weight is
// non-zero (appendBuckets is the group-aware form).
func AppendBuckets(b []byte, bs []Bucket, v Version) ([]byte, error) {
	return appendBuckets(b, bs, v, -1)
}

// appendBuckets writes buckets; typ is the group type (-1: unknown).
func appendBuckets(b []byte, bs []Bucket, v Version, typ int) ([]byte, error) {
	if !v.Known() {
		return b, OFPBRC_BAD_VERSION
	}
	var err error
	for i := range bs {
		bk := &bs[i]
		start := len(b)
		if !format15(v) {
			b = be16(b, 0)
			b = be16(b, bk.Weight)
			b = be32(b, portTo32(bk.WatchPort))
			b = be32(b, bk.WatchGroup)
			b = pad(b, 4)
			if b, err = AppendActionsWire(b, bk.Actions, actionVersion(v)); err != nil {
				return b, err
			}
			binary.BigEndian.PutUint16(b[start:], uint16(len(b)-start))
			continue
		}
		b = be16(b, 0)
		b = be16(b, 0)
		b = be32(b, bk.BucketID)
		if b, err = AppendActionsWire(b, bk.Actions, v); err != nil {
			return b, err
		}
		binary.BigEndian.PutUint16(b[start+2:], uint16(len(b)-start-8))
		if typ == int(GroupSelect) || typ < 0 && bk.Weight != 0 {
			b = be16(be16(b, bucketPropWeight), 8)
			b = be16(b, bk.Weight)
			b = pad(b, 2)
		}
		if bk.WatchPort != PortNone {
			b = be16(be16(b, bucketPropWatchPort), 8)
			b = be32(b, portTo32(bk.WatchPort))
		}
		if bk.WatchGroup != GroupAny {
			b = be16(be16(b, bucketPropWatchGroup), 8)
			b = be32(b, bk.WatchGroup)
		}
		if len(b)-start > 0xffff {
			return b, OFPGMFC_BAD_BUCKET
		}
		binary.BigEndian.PutUint16(b[start:], uint16(len(b)-start))
	}
	return b, nil
}

// DecodeBuckets decodes a bucket list of version v. Buckets missing a
// weight property (1.5 layout) get weight 1, as select groups read them;
// decodeBuckets is the group-aware form.
func DecodeBuckets(b []byte, v Version) ([]Bucket, error) {
	return decodeBuckets(b, v, GroupSelect)
}

func decodeBuckets(b []byte, v Version, typ GroupType) ([]Bucket, error) {
	if !v.Known() {
		return nil, OFPBRC_BAD_VERSION
	}
	bs := []Bucket{}
	for n := uint32(0); len(b) > 0; n++ {
		if len(b) < 16 && !format15(v) || len(b) < 8 {
			return nil, OFPGMFC_BAD_BUCKET
		}
		blen := int(u16(b, 0))
		bk := NewBucket(typ)
		if !format15(v) {
			if blen < 16 || blen > len(b) {
				return nil, OFPGMFC_BAD_BUCKET
			}
			bk.BucketID = n
			bk.Weight = u16(b, 2)
			bk.WatchPort = portFrom32(u32(b, 4))
			bk.WatchGroup = u32(b, 8)
			acts, err := DecodeActions(b[16:blen], actionVersion(v))
			if err != nil {
				return nil, err
			}
			bk.Actions = acts
			bs = append(bs, bk)
			b = b[blen:]
			continue
		}
		alen := int(u16(b, 2))
		if blen < 8 || blen > len(b) || alen > blen-8 {
			return nil, OFPGMFC_BAD_BUCKET
		}
		bk.BucketID = u32(b, 4)
		if bk.BucketID > BucketMax {
			return nil, OFPGMFC_BAD_BUCKET
		}
		acts, err := DecodeActions(b[8:8+alen], v)
		if err != nil {
			return nil, err
		}
		bk.Actions = acts
		props := b[8+alen : blen]
		for len(props) > 0 {
			if len(props) < 4 {
				return nil, OFPBPC_BAD_LEN
			}
			pt, pl := u16(props, 0), int(u16(props, 2))
			if pl < 4 || pl > len(props) {
				return nil, OFPBPC_BAD_LEN
			}
			p := props[:pl]
			switch pt {
			case bucketPropWeight:
				if pl != 8 {
					return nil, OFPBPC_BAD_LEN
				}
				bk.Weight = u16(p, 4)
			case bucketPropWatchPort:
				if pl != 8 {
					return nil, OFPBPC_BAD_LEN
				}
				bk.WatchPort = portFrom32(u32(p, 4))
			case bucketPropWatchGroup:
				if pl != 8 {
					return nil, OFPBPC_BAD_LEN
				}
				bk.WatchGroup = u32(p, 4)
			case propExperimenter:
				if pl < 12 {
					return nil, OFPBPC_BAD_LEN
				}
				return nil, OFPBPC_BAD_EXPERIMENTER
			default:
				return nil, OFPBPC_BAD_TYPE
			}
			props = props[(pl+7)/8*8 : len(props)]
		}
		bs = append(bs, bk)
		b = b[blen:]
	}
	return bs, nil
}

// checkBuckets applies the per-type rules OVS enforces when it decodes a
// group: only fast-failover buckets may watch (and must), only select
// buckets may be weighted, an indirect group has exactly one bucket.
func checkBuckets(t GroupType, bs []Bucket) error {
	if t > GroupFastFailover {
		return OFPGMFC_BAD_TYPE
	}
	if t == GroupIndirect && len(bs) != 1 {
		return OFPGMFC_INVALID_GROUP
	}
	for i := range bs {
		bk := &bs[i]
		watched := bk.WatchPort != PortNone || bk.WatchGroup != GroupAny
		switch t {
		case GroupAll, GroupIndirect:
			if watched {
				return OFPGMFC_WATCH_UNSUPPORTED
			}
			if bk.Weight != 0 {
				return OFPGMFC_INVALID_GROUP
			}
		case GroupFastFailover:
			if !watched || bk.Weight != 0 {
				return OFPGMFC_INVALID_GROUP
			}
		}
	}
	return nil
}

// appendGroupProps writes the group properties (1.5 layout).
func appendGroupProps(b []byte, p *GroupProps, v Version) ([]byte, error) {
	if p.Method == "" {
		return b, nil
	}
	if len(p.Method) >= selectionMethodLen {
		return b, OFPBPC_BAD_VALUE
	}
	start := len(b)
	b = be16(be16(b, propExperimenter), 0)
	b = be32(be32(b, ntrVendor), ntrSelectionMethod)
	b = pad(b, 4)
	b = append(b, p.Method...)
	b = pad(b, selectionMethodLen-len(p.Method))
	b = be64(b, p.MethodParam)
	for i, id := range p.Fields {
		f := FieldByID(id)
		if f == nil {
			return b, OFPBPC_BAD_VALUE
		}
		var mask [16]byte
		m := mask[:f.Bytes]
		if i < len(p.FieldMasks) && p.FieldMasks[i] != nil {
			copy(m, p.FieldMasks[i])
		} else {
			for j := range m {
				m[j] = 0xff
			}
		}
		e := encoder{oxm: v != V10, version: v}
		code, exp := e.code(f)
		b = appendTLV(b, code, exp, m, nil)
	}
	binary.BigEndian.PutUint16(b[start+2:], uint16(len(b)-start))
	for (len(b)-start)%8 != 0 {
		b = append(b, 0)
	}
	return b, nil
}

// decodeGroupProps reads the group properties (1.5 layout).
func decodeGroupProps(b []byte, p *GroupProps) error {
	for len(b) > 0 {
		if len(b) < 4 {
			return OFPBPC_BAD_LEN
		}
		pt, pl := u16(b, 0), int(u16(b, 2))
		if pl < 4 || pl > len(b) {
			return OFPBPC_BAD_LEN
		}
		if pt != propExperimenter {
			return OFPBPC_BAD_TYPE
		}
		if pl < 12 {
			return OFPBPC_BAD_LEN
		}
		if u32(b, 4) != ntrVendor || u32(b, 8) != ntrSelectionMethod {
			return OFPBPC_BAD_EXP_TYPE
		}
		if pl < 40 {
			return OFPBPC_BAD_LEN
		}
		name := b[16 : 16+selectionMethodLen]
		n := 0
		for n < len(name) && name[n] != 0 {
			n++
		}
		if n == len(name) {
			return OFPBPC_BAD_VALUE
		}
		p.Method = string(name[:n])
		if p.Method != "hash" && p.Method != "dp_hash" {
			return OFPBPC_BAD_VALUE
		}
		p.MethodParam = u64(b, 32)
		fs := b[40:pl]
		p.Fields, p.FieldMasks = nil, nil
		for len(fs) > 0 {
			if len(fs) >= 4 && fs[2]&1 != 0 {
				return OFPBMC_BAD_MASK
			}
			t, _, rest, err := nextTLV(fs)
			if err != nil {
				return OFPBMC_BAD_FIELD
			}
			p.Fields = append(p.Fields, t.f.ID)
			if allOnes(t.value) {
				p.FieldMasks = append(p.FieldMasks, nil)
			} else {
				p.FieldMasks = append(p.FieldMasks, append([]byte(nil), t.value...))
			}
			fs = rest
		}
		if p.Method != "hash" && len(p.Fields) > 0 {
			return OFPBPC_BAD_VALUE
		}
		adv := (pl + 7) / 8 * 8
		if adv > len(b) {
			adv = len(b)
		}
		b = b[adv:]
	}
	return nil
}

// Type is MsgGroupMod (NXT_GROUP_MOD in OpenFlow 1.0).
func (*GroupMod) Type() MsgType { return MsgGroupMod }

func (m *GroupMod) appendBody(b []byte, v Version) ([]byte, error) {
	if int(m.Command) >= len(groupCmdWire) {
		return b, OFPGMFC_BAD_COMMAND
	}
	if m.GroupType > GroupFastFailover {
		return b, OFPGMFC_BAD_TYPE
	}
	if !format15(v) && (m.Command == GroupInsertBucket || m.Command == GroupRemoveBucket) {
		// OVS can read these commands in 1.1–1.4 messages but never
		// sends them: without bucket ids they cannot say where.
		return b, OFPGMFC_BAD_COMMAND
	}
	b = be16(b, groupCmdWire[m.Command])
	b = append(b, byte(m.GroupType), 0)
	b = be32(b, m.GroupID)
	var err error
	if !format15(v) {
		return appendBuckets(b, m.Buckets, v, int(m.GroupType))
	}
	lenAt := len(b)
	b = be16(b, 0)
	b = pad(b, 2)
	cb := BucketAll
	if m.Command == GroupInsertBucket || m.Command == GroupRemoveBucket {
		cb = m.CommandBucketID
	}
	b = be32(b, cb)
	start := len(b)
	if b, err = appendBuckets(b, m.Buckets, v, int(m.GroupType)); err != nil {
		return b, err
	}
	binary.BigEndian.PutUint16(b[lenAt:], uint16(len(b)-start))
	return appendGroupProps(b, &m.Props, v)
}

func decodeGroupMod(b []byte, v Version) (Message, error) {
	if len(b) < 8 {
		return nil, OFPBRC_BAD_LEN
	}
	m := &GroupMod{}
	cmd, ok := groupCmdFromWire(u16(b, 0))
	if !ok {
		return nil, OFPGMFC_BAD_COMMAND
	}
	m.Command = cmd
	m.GroupType = GroupType(b[2])
	m.GroupID = u32(b, 4)
	if m.GroupType > GroupFastFailover {
		return nil, OFPGMFC_BAD_TYPE
	}
	var err error
	if !format15(v) {
		if m.Buckets, err = decodeBuckets(b[8:], v, m.GroupType); err != nil {
			return nil, err
		}
	} else {
		if len(b) < 16 {
			return nil, OFPBRC_BAD_LEN
		}
		blen := int(u16(b, 8))
		if blen > len(b)-16 {
			return nil, OFPGMFC_BAD_BUCKET
		}
		cb := u32(b, 12)
		if !commandBucketValid(cmd, cb) {
			return nil, OFPGMFC_BAD_BUCKET
		}
		if cmd == GroupInsertBucket || cmd == GroupRemoveBucket {
			m.CommandBucketID = cb
		}
		if m.Buckets, err = decodeBuckets(b[16:16+blen], v, m.GroupType); err != nil {
			return nil, err
		}
		if err = decodeGroupProps(b[16+blen:], &m.Props); err != nil {
			return nil, err
		}
		if m.Props.Method != "" && m.GroupType != GroupSelect {
			return nil, OFPBPC_BAD_VALUE
		}
	}
	switch cmd {
	case GroupAdd, GroupModify, GroupAddOrMod:
		if err = checkBuckets(m.GroupType, m.Buckets); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// commandBucketValid is OVS's check of a 1.5 command_bucket_id: "all"
// for whole-group commands, a bucket id or first/last to insert at, and
// any of those or "all" to remove.
func commandBucketValid(cmd GroupModCommand, id uint32) bool {
	switch cmd {
	case GroupInsertBucket:
		return id <= BucketMax || id == BucketFirst || id == BucketLast
	case GroupRemoveBucket:
		return id <= BucketMax || id == BucketFirst || id == BucketLast || id == BucketAll
	}
	return id == BucketAll
}

func registerGroupDecoders() { decoders[MsgGroupMod] = decodeGroupMod }
