package xlate

import (
	"slices"
	"strconv"

	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// GroupUse is one group bucket a datapath flow's packets go through, for
// the group's counters.
type GroupUse struct {
	Group  *ofproto.Group
	Bucket int // index into Group.Buckets, -1 when none was chosen
}

// Watch values meaning "no watch" (OFPP_ANY, OFPG_ANY in the model).
const (
	watchPortAny  = 0xffffffff
	watchGroupAny = 0xffffffff
)

// group runs group id of br on the packet.
func (x *ctx) group(br *Bridge, inPort *Port, id uint32) {
	g := br.OF.Group(id)
	if g == nil {
		return
	}
	if x.depth >= maxDepth {
		return
	}
	x.depth++
	defer func() { x.depth-- }()
	switch g.Type {
	case openflow.GroupAll:
		x.out.Cache.Groups = append(x.out.Cache.Groups, GroupUse{g, -1})
		for i := range g.Buckets {
			x.bucket(br, inPort, g, i)
		}
	case openflow.GroupIndirect:
		if len(g.Buckets) > 0 {
			x.bucket(br, inPort, g, 0)
		}
	case openflow.GroupFastFailover:
		for i := range g.Buckets {
			if x.bucketLive(br, &g.Buckets[i], 0) {
				if x.trace != nil { // trace hook
					x.traceNote("-> using bucket " + strconv.FormatUint(uint64(g.Buckets[i].BucketID), 10))
				}
				x.bucket(br, inPort, g, i)
				return
			}
		}
		x.traceNote("-> no live bucket") // trace hook
		x.out.Cache.Groups = append(x.out.Cache.Groups, GroupUse{g, -1})
	case openflow.GroupSelect:
		if i := x.selectBucket(br, g); i >= 0 {
			x.bucket(br, inPort, g, i)
		} else {
			x.out.Cache.Groups = append(x.out.Cache.Groups, GroupUse{g, -1})
		}
	}
}

// bucket runs bucket i of g on a copy of the pipeline's state: like a
// clone, the next bucket starts from the packet as the group got it.
func (x *ctx) bucket(br *Bridge, inPort *Port, g *ofproto.Group, i int) {
	if g.Type != openflow.GroupAll {
		x.out.Cache.Groups = append(x.out.Cache.Groups, GroupUse{g, i})
	}
	saved, savedOps := x.flow, slices.Clone(x.mplsOps)
	ind, tind := x.traceBucket(g.Buckets[i].BucketID) // trace hook
	x.doActions(br, inPort, g.Buckets[i].Actions)
	x.traceUnnest(ind, tind)
	x.flow, x.mplsOps, x.exit = saved, savedOps, false
}

// bucketLive reports whether a fast-failover bucket may be used: its
// watch port is up and its watch group has a live bucket.
func (x *ctx) bucketLive(br *Bridge, b *openflow.Bucket, depth int) bool {
	if depth > 32 {
		return false
	}
	if b.WatchPort != watchPortAny && b.WatchPort != openflow.PortNone && !live(br, b.WatchPort) {
		return false
	}
	if b.WatchGroup != watchGroupAny {
		g := br.OF.Group(b.WatchGroup)
		if g == nil {
			return false
		}
		for i := range g.Buckets {
			if x.bucketLive(br, &g.Buckets[i], depth+1) {
				return true
			}
		}
		return false
	}
	return true
}

// selectBucket picks a select group's bucket from a hash of the packet:
// the fields of the group's selection_method=hash, or by default OVS's
// symmetric L2-L4 fields, all unwildcarded. Each bucket scores the hash
// mixed with its id, scaled by its weight; the best score wins (weighted
// rendezvous hashing), so adding a bucket moves only its share of flows.
func (x *ctx) selectBucket(br *Bridge, g *ofproto.Group) int {
	var h uint32
	if len(g.Props.Fields) > 0 {
		h = uint32(g.Props.MethodParam)
		for i, id := range g.Props.Fields {
			f := openflow.FieldByID(id)
			if f == nil {
				continue
			}
			v := readField(&x.flow, f)
			if i < len(g.Props.FieldMasks) && g.Props.FieldMasks[i] != nil {
				m := fromBytes(g.Props.FieldMasks[i])
				v = v.and(m)
				x.unwildcardField(f, m)
			} else {
				x.unwildcardField(f, ones128(f.Bits))
			}
			h = hash32(hash32(h, uint32(v.hi>>32)^uint32(v.hi)), uint32(v.lo>>32)^uint32(v.lo))
		}
	} else {
		h = x.hashFields(openflow.HashSymmetricL4, 0)
	}
	best, bestScore := -1, uint64(0)
	allZero := true
	for i := range g.Buckets {
		if g.Buckets[i].Weight != 0 {
			allZero = false
		}
	}
	for i := range g.Buckets {
		b := &g.Buckets[i]
		w := uint64(b.Weight)
		if allZero {
			w = 1
		}
		if w == 0 || !x.bucketLive(br, b, 0) {
			continue
		}
		score := (uint64(hash32(h, b.BucketID)) + 1) * w
		if best < 0 || score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// unwildcardField adds the bits m of field f to the megaflow mask.
func (x *ctx) unwildcardField(f *openflow.Field, m u128) {
	writeSubfieldBits(&x.wc, openflow.Subfield{Field: f, Ofs: 0, Bits: f.Bits}, m, true)
}
