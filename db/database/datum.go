package database

import (
	"math"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// datumFromJSON is ovsdb.DatumFromJSON with OVS's wording for a type that
// takes exactly one element ("set must have exactly one member but 2 are
// present"), which clients see in transaction replies.
func datumFromJSON(t *ovsdb.Type, v ovsjson.Value, names ovsdb.NameResolver) (ovsdb.Datum, error) {
	if t.Min == 1 && t.Max == 1 && v.Kind == ovsjson.Array && len(v.A) == 2 &&
		v.A[0].Kind == ovsjson.String && v.A[1].Kind == ovsjson.Array && len(v.A[1].A) != 1 {
		class := v.A[0].S
		if (class == "set" && !t.IsMap()) || (class == "map" && t.IsMap()) {
			return ovsdb.Datum{}, ovsdb.NewSyntaxError(v, "%s must have exactly one member but %d are present", class, len(v.A[1].A))
		}
	}
	return ovsdb.DatumFromJSON(t, v, names)
}

// appendDatumKey appends an unambiguous binary encoding of d to dst, for
// use as a map key (unique indexes, duplicate-row detection). Equal datums
// encode equally; reals are compared numerically, so -0 is encoded as 0.
func appendDatumKey(dst []byte, t *ovsdb.Type, d *ovsdb.Datum) []byte {
	dst = appendUvarint(dst, uint64(len(d.Keys)))
	for i := range d.Keys {
		dst = appendAtomKey(dst, t.Key.Type, d.Keys[i])
		if t.IsMap() {
			dst = appendAtomKey(dst, t.Value.Type, d.Values[i])
		}
	}
	return dst
}

func appendAtomKey(dst []byte, at ovsdb.AtomicType, a ovsdb.Atom) []byte {
	switch at {
	case ovsdb.TypeInteger:
		return appendUint64(dst, uint64(a.Int()))
	case ovsdb.TypeReal:
		f := a.Float()
		if f == 0 {
			f = 0
		}
		return appendUint64(dst, math.Float64bits(f))
	case ovsdb.TypeBoolean:
		if a.Bool() {
			return append(dst, 1)
		}
		return append(dst, 0)
	case ovsdb.TypeString:
		s := a.Str()
		dst = appendUvarint(dst, uint64(len(s)))
		return append(dst, s...)
	case ovsdb.TypeUUID:
		u := a.UUID()
		return append(dst, u[:]...)
	}
	return dst
}

func appendUint64(dst []byte, v uint64) []byte {
	return append(dst, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32), byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func appendUvarint(dst []byte, v uint64) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}

// checkDatumAtoms checks every atom of d against t's constraints.
func checkDatumAtoms(t *ovsdb.Type, d *ovsdb.Datum) error {
	for i := range d.Keys {
		if err := t.Key.CheckAtom(d.Keys[i]); err != nil {
			return err
		}
		if t.IsMap() {
			if err := t.Value.CheckAtom(d.Values[i]); err != nil {
				return err
			}
		}
	}
	return nil
}
