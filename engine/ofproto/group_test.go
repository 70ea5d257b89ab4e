package ofproto

import (
	"slices"
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

func bucket(id uint32, port uint32) openflow.Bucket {
	return openflow.Bucket{BucketID: id, WatchPort: openflow.PortNone, WatchGroup: openflow.GroupAny,
		Actions: []openflow.Action{&openflow.Output{Port: port}}}
}

func bucketIDs(g *Group) []uint32 {
	var ids []uint32
	for _, b := range g.Buckets {
		ids = append(ids, b.BucketID)
	}
	return ids
}

func TestGroupMod(t *testing.T) {
	s := newTestSwitch(t)
	gm := func(cmd openflow.GroupModCommand, typ openflow.GroupType, id uint32, buckets ...openflow.Bucket) *openflow.GroupMod {
		return &openflow.GroupMod{Command: cmd, GroupType: typ, GroupID: id, Buckets: buckets}
	}
	ok := func(m *openflow.GroupMod) {
		t.Helper()
		if err := s.GroupMod(m); err != nil {
			t.Fatalf("%+v: %v", m, err)
		}
	}
	ok(gm(openflow.GroupAdd, openflow.GroupAll, 1, bucket(1, 1), bucket(5, 2)))
	errs := []struct {
		m    *openflow.GroupMod
		code openflow.ErrorCode
	}{
		{gm(openflow.GroupAdd, openflow.GroupAll, 1), openflow.OFPGMFC_GROUP_EXISTS},
		{gm(openflow.GroupModify, openflow.GroupAll, 9), openflow.OFPGMFC_UNKNOWN_GROUP},
		{gm(openflow.GroupAdd, openflow.GroupIndirect, 3), openflow.OFPGMFC_INVALID_GROUP},
		{gm(openflow.GroupAdd, openflow.GroupIndirect, 3, bucket(0, 1), bucket(1, 2)), openflow.OFPGMFC_INVALID_GROUP},
		{gm(openflow.GroupAdd, openflow.GroupAll, 3, bucket(1, 1), bucket(1, 2)), openflow.OFPGMFC_BAD_BUCKET},
		{gm(openflow.GroupAdd, openflow.GroupAll, 3, bucket(1, openflow.PortMax)), openflow.OFPBAC_BAD_OUT_PORT},
		{gm(openflow.GroupAdd, 7, 3), openflow.OFPGMFC_BAD_TYPE},
		{gm(openflow.GroupAdd, openflow.GroupFastFailover, 3, bucket(1, 1)), openflow.OFPGMFC_INVALID_GROUP},
		{gm(openflow.GroupAdd, openflow.GroupAll, 3, bucket(openflow.BucketMax+1, 1)), openflow.OFPGMFC_BAD_BUCKET},
		{&openflow.GroupMod{Command: openflow.GroupInsertBucket, GroupID: 1, CommandBucketID: openflow.BucketAll,
			Buckets: []openflow.Bucket{bucket(6, 3)}}, openflow.OFPGMFC_BAD_BUCKET},
		{gm(openflow.GroupAdd, openflow.GroupAll, openflow.GroupIDMax+1), openflow.OFPGMFC_INVALID_GROUP},
		{gm(99, openflow.GroupAll, 3), openflow.OFPGMFC_BAD_COMMAND},
		{&openflow.GroupMod{Command: openflow.GroupInsertBucket, GroupID: 1, CommandBucketID: openflow.BucketLast,
			Buckets: []openflow.Bucket{bucket(5, 3)}}, openflow.OFPGMFC_BUCKET_EXISTS},
		{&openflow.GroupMod{Command: openflow.GroupInsertBucket, GroupID: 1, CommandBucketID: 99,
			Buckets: []openflow.Bucket{bucket(6, 3)}}, openflow.OFPGMFC_UNKNOWN_BUCKET},
		{&openflow.GroupMod{Command: openflow.GroupInsertBucket, GroupID: 99, CommandBucketID: openflow.BucketLast}, openflow.OFPGMFC_UNKNOWN_GROUP},
		{&openflow.GroupMod{Command: openflow.GroupRemoveBucket, GroupID: 1, CommandBucketID: 99}, openflow.OFPGMFC_UNKNOWN_BUCKET},
	}
	for _, e := range errs {
		wantCode(t, s.GroupMod(e.m), e.code)
	}
	// Buckets may chain to groups that do not exist; a group of type
	// all may have no buckets.
	ok(gm(openflow.GroupAdd, openflow.GroupAll, 5, openflow.Bucket{Actions: []openflow.Action{&openflow.Group{ID: 77}}}))
	ok(gm(openflow.GroupAdd, openflow.GroupAll, 4))
	ok(gm(openflow.GroupAddOrMod, openflow.GroupSelect, 6, bucket(0, 1)))
	ff := bucket(0, 2)
	ff.WatchPort = 2
	ok(gm(openflow.GroupAddOrMod, openflow.GroupFastFailover, 6, ff))
	if g := s.Group(6); g == nil || g.Type != openflow.GroupFastFailover {
		t.Fatalf("add-or-mod: %+v", g)
	}

	// Insert after the command bucket, first, last; remove.
	ins := func(at uint32, id uint32) {
		ok(&openflow.GroupMod{Command: openflow.GroupInsertBucket, GroupID: 1, CommandBucketID: at, Buckets: []openflow.Bucket{bucket(id, 3)}})
	}
	s.Group(1).Credit(1, 2, 200)
	ins(1, 7)
	ins(openflow.BucketFirst, 8)
	ins(openflow.BucketLast, 9)
	if ids := bucketIDs(s.Group(1)); !slices.Equal(ids, []uint32{8, 1, 7, 5, 9}) {
		t.Fatalf("buckets %v", ids)
	}
	if p, _ := s.Group(1).BucketStats(3); p != 2 { // bucket 5
		t.Fatal("bucket counters not kept")
	}
	for _, at := range []uint32{openflow.BucketLast, openflow.BucketFirst, 7} {
		ok(&openflow.GroupMod{Command: openflow.GroupRemoveBucket, GroupID: 1, CommandBucketID: at})
	}
	if ids := bucketIDs(s.Group(1)); !slices.Equal(ids, []uint32{1, 5}) {
		t.Fatalf("buckets %v", ids)
	}
	if p, b := s.Group(1).Stats(); p != 2 || b != 200 {
		t.Fatal("group counters not kept")
	}

	// Deleting a group deletes the flows that use it, not the groups
	// that chain to it.
	s.mustMod(t, openflow.FlowAdd, "priority=6,actions=group:1")
	s.mustMod(t, openflow.FlowAdd, "priority=7,actions=write_actions(group:1)")
	s.mustMod(t, openflow.FlowAdd, "priority=5,actions=group:6")
	if n := s.GroupRefCount(1); n != 2 {
		t.Fatalf("ref count %d", n)
	}
	ok(gm(openflow.GroupAdd, openflow.GroupAll, 10, openflow.Bucket{Actions: []openflow.Action{&openflow.Group{ID: 1}}}))
	ok(gm(openflow.GroupDelete, 0, 1))
	ok(gm(openflow.GroupDelete, 0, 1)) // missing: no error
	s.want(t, "0:5 group:6")
	slices.Sort(s.removed)
	if !slices.Equal(s.removed, []string{"6:group_delete", "7:group_delete"}) {
		t.Fatalf("removed %v", s.removed)
	}
	var ids []uint32
	s.Groups(func(g *Group) bool { ids = append(ids, g.ID); return true })
	if !slices.Equal(ids, []uint32{4, 5, 6, 10}) {
		t.Fatalf("groups %v", ids)
	}
	ok(gm(openflow.GroupDelete, 0, openflow.GroupIDAll))
	s.want(t)
	if s.Group(10) != nil {
		t.Fatal("delete all")
	}
}

// A bundle's group and flow changes commit together: when a later message
// fails, the group an earlier one added is not there either.
func TestBundleGroupsAndFlowsAtomic(t *testing.T) {
	o := New("br0", nil)
	gm, err := openflow.ParseGroupMod("group_id=7,type=all,bucket=output:1", openflow.GroupAdd, nil)
	if err != nil {
		t.Fatal(err)
	}
	uses := parseFM(t, openflow.FlowAdd, "priority=5,ip,actions=group:7")
	bad := parseFM(t, openflow.FlowAdd, "priority=6,ip,actions=group:8")
	b := &bundle{msgs: []bundleMsg{{gm: gm}, {fm: uses}, {fm: bad}}}
	if failed, err := o.commitBundle(nil, b, openflow.V14); err != openflow.OFPBAC_BAD_OUT_GROUP || failed != 2 {
		t.Fatalf("commit: failed %d, %v", failed, err)
	}
	if o.Group(7) != nil || o.Count(0) != 1 {
		t.Fatalf("a failed bundle left group 7 = %v and %d flows", o.Group(7), o.Count(0))
	}
	b.msgs = b.msgs[:2]
	if failed, err := o.commitBundle(nil, b, openflow.V14); err != nil {
		t.Fatalf("commit: message %d: %v", failed, err)
	}
	if o.Group(7) == nil || o.Count(0) != 2 {
		t.Fatalf("after commit: group 7 = %v, %d flows", o.Group(7), o.Count(0))
	}
}
