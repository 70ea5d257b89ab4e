package ofproto

import (
	"maps"
	"slices"
	"sync/atomic"

	"github.com/govs/ovs/proto/openflow"
)

// Groups, with OVS 3.1's semantics (checked against ovs-vswitchd):
// adding an existing group is OFPGMFC_GROUP_EXISTS, modifying a missing one
// OFPGMFC_UNKNOWN_GROUP (GroupAddOrMod creates it), deleting a missing one
// is no error and OFPG_ALL deletes every group; an indirect group needs
// exactly one bucket and a fast-failover group's buckets must watch a port
// or group (OFPGMFC_INVALID_GROUP); bucket ids must be unique and at most
// OFPG_BUCKET_MAX (OFPGMFC_BAD_BUCKET); bucket actions get the checks flow
// actions get, except that a bucket may name any group, even its own or one
// that does not exist (yet). Deleting
// a group deletes the flows that send to it (reason GROUP_DELETE), but not
// the groups that chain to it. OpenFlow 1.5's insert-bucket puts the new
// buckets after the command bucket (first, last or an id), and
// remove-bucket removes one (first, last, an id) or all.

// Group is one group table entry. It is immutable once published, counters
// aside: a modification publishes a new Group. Readers (translation) get it
// from Ofproto.Group without locking.
type Group struct {
	ID      uint32
	Type    openflow.GroupType
	Buckets []openflow.Bucket
	Props   openflow.GroupProps
	Created int64 // milliseconds, bridge clock

	stats   *groupCounters
	buckets []bucketCounters
}

type groupCounters struct {
	packets, bytes atomic.Uint64
}

type bucketCounters struct {
	packets, bytes atomic.Uint64
}

// Credit adds traffic that went through the group and its bucket
// (index into Buckets; -1 for none).
func (g *Group) Credit(bucket int, packets, bytes uint64) {
	g.stats.packets.Add(packets)
	g.stats.bytes.Add(bytes)
	if bucket >= 0 && bucket < len(g.buckets) {
		g.buckets[bucket].packets.Add(packets)
		g.buckets[bucket].bytes.Add(bytes)
	}
}

// Stats returns the group's counters.
func (g *Group) Stats() (packets, bytes uint64) {
	return g.stats.packets.Load(), g.stats.bytes.Load()
}

// BucketStats returns bucket i's counters.
func (g *Group) BucketStats(i int) (packets, bytes uint64) {
	if i < 0 || i >= len(g.buckets) {
		return 0, 0
	}
	return g.buckets[i].packets.Load(), g.buckets[i].bytes.Load()
}

// Desc is the group's description as group-desc replies carry it.
func (g *Group) Desc() openflow.GroupDesc {
	return openflow.GroupDesc{Type: g.Type, GroupID: g.ID, Buckets: g.Buckets, Props: g.Props}
}

// Group returns group id, or nil. Safe for concurrent use with writers.
func (o *Ofproto) Group(id uint32) *Group { return o.groups.get(id) }

// Groups calls fn for each group in id order until fn returns false.
func (o *Ofproto) Groups(fn func(g *Group) bool) { o.groups.each(fn) }

// GroupRefCount returns how many flows send to group id (group-stats'
// ref_count).
func (o *Ofproto) GroupRefCount(id uint32) uint32 {
	var n uint32
	o.Rules(func(r *Rule) bool {
		if outputsToGroup(r.Actions(), id) {
			n++
		}
		return true
	})
	return n
}

// GroupMod applies a group table modification. Errors are
// openflow.ErrorCode values.
func (o *Ofproto) GroupMod(gm *openflow.GroupMod) error {
	return o.transact(func(_ int64, ch *change) error { return o.groupMod(gm, ch) })
}

func (o *Ofproto) groupMod(gm *openflow.GroupMod, ch *change) error {
	cur := o.groups.current()
	old := cur[gm.GroupID]
	switch gm.Command {
	case openflow.GroupAdd, openflow.GroupModify, openflow.GroupAddOrMod:
		if gm.GroupID > openflow.GroupIDMax {
			return openflow.OFPGMFC_INVALID_GROUP
		}
		switch {
		case gm.Command == openflow.GroupAdd && old != nil:
			return openflow.OFPGMFC_GROUP_EXISTS
		case gm.Command == openflow.GroupModify && old == nil:
			return openflow.OFPGMFC_UNKNOWN_GROUP
		}
		if err := o.checkGroup(gm.GroupType, gm.Buckets); err != nil {
			return err
		}
		g := &Group{ID: gm.GroupID, Type: gm.GroupType, Buckets: slices.Clone(gm.Buckets), Props: gm.Props,
			Created: o.Now(), stats: &groupCounters{}}
		if old != nil {
			// A modification keeps the group's counters, not the
			// buckets' (they may be other buckets now).
			g.Created, g.stats = old.Created, old.stats
		}
		g.buckets = make([]bucketCounters, len(g.Buckets))
		o.groups.put(g.ID, g)
		ch.changed = true
	case openflow.GroupDelete:
		if gm.GroupID == openflow.GroupIDAll {
			if len(cur) > 0 {
				o.deleteFlowsWhere(openflow.RemovedGroupDelete, ch, func(acts []openflow.Action) bool {
					return sendsToGroupIn(acts, cur)
				})
			}
			o.groups.remove(slices.Collect(maps.Keys(cur))...)
			ch.changed = ch.changed || len(cur) > 0
			return nil
		}
		if old == nil {
			return nil
		}
		o.deleteFlowsWhere(openflow.RemovedGroupDelete, ch, func(acts []openflow.Action) bool {
			return outputsToGroup(acts, gm.GroupID)
		})
		o.groups.remove(gm.GroupID)
		ch.changed = true
	case openflow.GroupInsertBucket, openflow.GroupRemoveBucket:
		if old == nil {
			return openflow.OFPGMFC_UNKNOWN_GROUP
		}
		buckets, err := editBuckets(old.Buckets, gm)
		if err != nil {
			return err
		}
		if err := o.checkGroup(old.Type, buckets); err != nil {
			return err
		}
		g := &Group{ID: old.ID, Type: old.Type, Buckets: buckets, Props: old.Props, Created: old.Created, stats: old.stats}
		// Buckets that stay keep their counters.
		g.buckets = make([]bucketCounters, len(buckets))
		for i, b := range buckets {
			for j, ob := range old.Buckets {
				if ob.BucketID == b.BucketID {
					g.buckets[i].packets.Store(old.buckets[j].packets.Load())
					g.buckets[i].bytes.Store(old.buckets[j].bytes.Load())
				}
			}
		}
		o.groups.put(g.ID, g)
		ch.changed = true
	default:
		return openflow.OFPGMFC_BAD_COMMAND
	}
	return nil
}

// deleteFlowsWhere stages the removal of every visible flow whose actions
// satisfy uses, reporting them with reason. One pass over the tables,
// however many groups or meters go.
func (o *Ofproto) deleteFlowsWhere(reason openflow.FlowRemovedReason, ch *change, uses func([]openflow.Action) bool) {
	for t := 0; t < internalTable; t++ {
		c := o.tables[t]
		if c.Count() == 0 {
			continue
		}
		var rs []*Rule
		for cr := range c.Rules() {
			if !cr.Value.hidden && uses(cr.Value.Actions()) {
				rs = append(rs, cr.Value)
			}
		}
		for _, r := range rs {
			if o.stageRemove(r) {
				ch.removed = append(ch.removed, removal{r, reason})
				ch.changed = true
			}
		}
	}
}

// sendsToGroupIn reports whether acts send to any group of set.
func sendsToGroupIn(acts []openflow.Action, set map[uint32]*Group) bool {
	return anyAction(acts, func(a openflow.Action) bool {
		g, ok := a.(*openflow.Group)
		return ok && set[g.ID] != nil
	})
}

// checkGroup checks a group's type and buckets.
func (o *Ofproto) checkGroup(t openflow.GroupType, buckets []openflow.Bucket) error {
	if t > openflow.GroupFastFailover {
		return openflow.OFPGMFC_BAD_TYPE
	}
	if t == openflow.GroupIndirect && len(buckets) != 1 {
		return openflow.OFPGMFC_INVALID_GROUP
	}
	var empty openflow.Match
	for i, b := range buckets {
		if b.BucketID > openflow.BucketMax {
			return openflow.OFPGMFC_BAD_BUCKET
		}
		if t == openflow.GroupFastFailover && b.WatchPort == openflow.PortNone && b.WatchGroup == openflow.GroupAny {
			return openflow.OFPGMFC_INVALID_GROUP
		}
		for _, p := range buckets[:i] {
			if p.BucketID == b.BucketID {
				return openflow.OFPGMFC_BAD_BUCKET
			}
		}
		c := actionCheck{o: o, table: openflow.TableAll, groupsChain: true}
		if err := c.check(b.Actions, &empty, false); err != nil {
			return err
		}
	}
	return nil
}

// editBuckets applies an insert-bucket or remove-bucket to buckets.
func editBuckets(buckets []openflow.Bucket, gm *openflow.GroupMod) ([]openflow.Bucket, error) {
	pos := -1 // index of the command bucket
	switch gm.CommandBucketID {
	case openflow.BucketFirst:
		if len(buckets) > 0 {
			pos = 0
		}
	case openflow.BucketLast:
		pos = len(buckets) - 1
	case openflow.BucketAll:
		if gm.Command == openflow.GroupInsertBucket {
			return nil, openflow.OFPGMFC_BAD_BUCKET
		}
		return nil, nil
	default:
		pos = slices.IndexFunc(buckets, func(b openflow.Bucket) bool { return b.BucketID == gm.CommandBucketID })
		if pos < 0 {
			return nil, openflow.OFPGMFC_UNKNOWN_BUCKET
		}
	}
	if gm.Command == openflow.GroupRemoveBucket {
		if pos < 0 {
			return slices.Clone(buckets), nil
		}
		return slices.Delete(slices.Clone(buckets), pos, pos+1), nil
	}
	for _, b := range gm.Buckets {
		if slices.ContainsFunc(buckets, func(x openflow.Bucket) bool { return x.BucketID == b.BucketID }) {
			return nil, openflow.OFPGMFC_BUCKET_EXISTS
		}
	}
	at := pos + 1
	if gm.CommandBucketID == openflow.BucketFirst {
		at = 0
	}
	out := make([]openflow.Bucket, 0, len(buckets)+len(gm.Buckets))
	out = append(out, buckets[:at]...)
	out = append(out, gm.Buckets...)
	return append(out, buckets[at:]...), nil
}
