package openflow

// Groups (OFPT_GROUP_MOD and the group description shared with the
// group-desc multipart reply).
//
// The model is OpenFlow 1.5's, the richest of the wire formats: buckets
// carry an id, and a group_mod can insert or remove buckets relative to
// CommandBucketID. The 1.1–1.4 codecs drop what their format cannot say
// (bucket ids become positions) and refuse what they cannot express
// (insert/remove bucket). OVS's selection-method extension (NTR vendor
// property) travels as a group property in 1.5 only, as in OVS.

// GroupType is OFPGT_*.
type GroupType uint8

// Group types.
const (
	GroupAll          GroupType = 0
	GroupSelect       GroupType = 1
	GroupIndirect     GroupType = 2
	GroupFastFailover GroupType = 3
)

var groupTypeNames = [...]string{"all", "select", "indirect", "ff"}

// String is the group type as ovs-ofctl prints it ("all", "select",
// "indirect", "ff").
func (t GroupType) String() string {
	if int(t) < len(groupTypeNames) {
		return groupTypeNames[t]
	}
	return "unknown"
}

// GroupModCommand is what a group_mod does. The values are the model's;
// the codecs map them to each version's OFPGC_* numbers.
type GroupModCommand uint16

// Group mod commands. GroupAddOrMod is OVS's extension (add-group
// --may-create, "mod-group" that creates a missing group).
const (
	GroupAdd GroupModCommand = iota
	GroupModify
	GroupDelete
	GroupInsertBucket // 1.5
	GroupRemoveBucket // 1.5
	GroupAddOrMod
)

// Special group ids.
const (
	GroupIDMax uint32 = 0xffffff00 // highest ordinary group id
	GroupIDAll uint32 = 0xfffffffc // OFPG_ALL: every group (delete)
	// GroupAny (0xffffffff) is defined with the flow_mod fields.
)

// Special bucket ids (OpenFlow 1.5) as CommandBucketID.
const (
	BucketMax   uint32 = 0xffffff00
	BucketFirst uint32 = 0xfffffffd
	BucketLast  uint32 = 0xfffffffe
	BucketAll   uint32 = 0xffffffff
)

// Bucket is one group bucket. BucketID is meaningful in 1.5 (and OVS's
// 1.0 extension); WatchPort is a model port number. A bucket without a
// liveness watch has WatchPort PortNone and WatchGroup GroupAny, which
// NewBucket sets: the zero value watches port 0 and group 0.
type Bucket struct {
	BucketID   uint32
	Weight     uint16
	WatchPort  uint32
	WatchGroup uint32
	Actions    []Action
}

// GroupProps are the group properties OVS knows: the NTR selection method
// for select groups ("hash" or "dp_hash"), its parameter and the fields
// hashed (each optionally masked: FieldMasks[i] nil means the whole field).
type GroupProps struct {
	Method      string
	MethodParam uint64
	Fields      []FieldID
	FieldMasks  [][]byte
}

// GroupMod is a group table modification.
//
// The group type is in GroupType because Type is the Message method.
type GroupMod struct {
	Command         GroupModCommand
	GroupType       GroupType
	GroupID         uint32
	CommandBucketID uint32 // insert/remove bucket (1.5)
	Buckets         []Bucket
	Props           GroupProps
}

// GroupDesc describes one group as the group-desc reply and dump-groups
// give it.
type GroupDesc struct {
	Type    GroupType
	GroupID uint32
	Buckets []Bucket
	Props   GroupProps
}
