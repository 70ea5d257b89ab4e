package ovsdb

import (
	"cmp"
	"math"
	"strconv"

	"github.com/govs/ovs/proto/ovsjson"
)

// AtomicType is the type of an Atom.
type AtomicType uint8

// The atomic types. TypeVoid marks the absent value type of a set.
const (
	TypeVoid AtomicType = iota
	TypeInteger
	TypeReal
	TypeBoolean
	TypeString
	TypeUUID
)

var atomicTypeNames = [...]string{"void", "integer", "real", "boolean", "string", "uuid"}

// String returns the RFC 7047 name of t.
func (t AtomicType) String() string {
	if int(t) < len(atomicTypeNames) {
		return atomicTypeNames[t]
	}
	return "void"
}

// AtomicTypeFromString maps an RFC 7047 <atomic-type> name to its type.
func AtomicTypeFromString(s string) (AtomicType, bool) {
	for i := TypeInteger; i <= TypeUUID; i++ {
		if atomicTypeNames[i] == s {
			return i, true
		}
	}
	return TypeVoid, false
}

// Atom is one scalar value. Its type is not stored: the column's type says
// what it is, as in OVS. Numbers, booleans and UUIDs live in the two words,
// strings in s, so an Atom never points anywhere but at its string bytes.
type Atom struct {
	s      string
	hi, lo uint64
}

// IntegerAtom, RealAtom, BoolAtom, StringAtom and UUIDAtom build atoms.
func IntegerAtom(i int64) Atom { return Atom{hi: uint64(i)} }
func RealAtom(f float64) Atom  { return Atom{hi: math.Float64bits(f)} }
func StringAtom(s string) Atom { return Atom{s: s} }
func UUIDAtom(u UUID) Atom     { hi, lo := u.halves(); return Atom{hi: hi, lo: lo} }
func BoolAtom(b bool) Atom {
	if b {
		return Atom{hi: 1}
	}
	return Atom{}
}

// Int, Float, Bool, Str and UUID read an atom of the matching type.
func (a Atom) Int() int64     { return int64(a.hi) }
func (a Atom) Float() float64 { return math.Float64frombits(a.hi) }
func (a Atom) Bool() bool     { return a.hi != 0 }
func (a Atom) Str() string    { return a.s }
func (a Atom) UUID() UUID     { return uuidFromHalves(a.hi, a.lo) }

// DefaultAtom returns the default value of type t: 0, 0.0, false, "" or the
// all-zero UUID. All of them are the zero Atom.
func DefaultAtom(t AtomicType) Atom { return Atom{} }

// CompareAtoms orders atoms of type t as OVS does: numbers numerically,
// false before true, strings byte-wise (strcmp), UUIDs by their text.
func CompareAtoms(t AtomicType, a, b Atom) int {
	switch t {
	case TypeInteger:
		return cmp.Compare(int64(a.hi), int64(b.hi))
	case TypeReal:
		x, y := a.Float(), b.Float()
		if x < y {
			return -1
		} else if x > y {
			return 1
		}
		return 0
	case TypeBoolean:
		return cmp.Compare(a.hi, b.hi)
	case TypeString:
		return cmp.Compare(a.s, b.s)
	case TypeUUID:
		if c := cmp.Compare(a.hi, b.hi); c != 0 {
			return c
		}
		return cmp.Compare(a.lo, b.lo)
	}
	return 0
}

// AtomsEqual reports whether a and b, of type t, are the same value.
func AtomsEqual(t AtomicType, a, b Atom) bool {
	if t == TypeReal {
		return a.Float() == b.Float()
	}
	return a == b
}

// AtomToJSON returns the RFC 7047 <atom> form of a.
func AtomToJSON(t AtomicType, a Atom) ovsjson.Value {
	switch t {
	case TypeInteger:
		return ovsjson.NewInt(a.Int())
	case TypeReal:
		return ovsjson.NewReal(a.Float())
	case TypeBoolean:
		return ovsjson.NewBool(a.Bool())
	case TypeString:
		return ovsjson.NewString(a.s)
	case TypeUUID:
		return uuidJSON("uuid", a.UUID().String())
	}
	return ovsjson.Value{}
}

func uuidJSON(tag, s string) ovsjson.Value {
	return ovsjson.Value{Kind: ovsjson.Array, A: []ovsjson.Value{ovsjson.NewString(tag), ovsjson.NewString(s)}}
}

// NameResolver resolves the name in a ["named-uuid", name] reference to the
// UUID it stands for in the current transaction. A nil NameResolver means
// named-uuid is not allowed where the value is being parsed.
type NameResolver func(name string) (UUID, bool)

// AtomFromJSON parses an <atom> of type t (without checking t's
// constraints). An integer is accepted where a real is expected.
func AtomFromJSON(t AtomicType, v ovsjson.Value, names NameResolver) (Atom, error) {
	switch t {
	case TypeInteger:
		if v.Kind == ovsjson.Integer {
			return IntegerAtom(v.I), nil
		}
	case TypeReal:
		switch v.Kind {
		case ovsjson.Integer:
			return RealAtom(float64(v.I)), nil
		case ovsjson.Real:
			return RealAtom(v.F), nil
		}
	case TypeBoolean:
		if v.IsBool() {
			return BoolAtom(v.Bool()), nil
		}
	case TypeString:
		if v.Kind == ovsjson.String {
			return StringAtom(v.S), nil
		}
	case TypeUUID:
		return uuidAtomFromJSON(v, names)
	}
	return Atom{}, NewSyntaxError(v, "expected %s", t)
}

func uuidAtomFromJSON(v ovsjson.Value, names NameResolver) (Atom, error) {
	if s, ok := unwrapJSON(v, "uuid"); ok {
		u, ok := ParseUUID(s.S)
		if !ok {
			return Atom{}, NewSyntaxError(v, "\"%s\" is not a valid UUID", s.S)
		}
		return UUIDAtom(u), nil
	}
	if names != nil {
		if s, ok := unwrapJSON(v, "named-uuid"); ok {
			if !isID(s.S) {
				return Atom{}, NewSyntaxError(v, "named-uuid string is not a valid <id>")
			}
			u, ok := names(s.S)
			if !ok {
				return Atom{}, NewSyntaxError(v, "unknown named-uuid \"%s\"", s.S)
			}
			return UUIDAtom(u), nil
		}
	}
	return Atom{}, NewSyntaxError(v, "expected [\"uuid\", <string>]")
}

// unwrapJSON matches [name, <string>].
func unwrapJSON(v ovsjson.Value, name string) (ovsjson.Value, bool) {
	if v.Kind != ovsjson.Array || len(v.A) != 2 || v.A[0].Kind != ovsjson.String || v.A[0].S != name || v.A[1].Kind != ovsjson.String {
		return ovsjson.Value{}, false
	}
	return v.A[1], true
}

// isID reports whether s is an RFC 7047 <id>: a letter or "_" followed by
// letters, digits and "_".
func isID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// AppendAtomJSON appends the compact JSON encoding of AtomToJSON(t, a).
func AppendAtomJSON(dst []byte, t AtomicType, a Atom) []byte {
	switch t {
	case TypeInteger:
		return strconv.AppendInt(dst, a.Int(), 10)
	case TypeReal:
		return ovsjson.AppendReal(dst, a.Float())
	case TypeBoolean:
		return strconv.AppendBool(dst, a.Bool())
	case TypeString:
		return ovsjson.AppendString(dst, a.s)
	case TypeUUID:
		dst = append(dst, `["uuid","`...)
		dst = a.UUID().AppendText(dst)
		return append(dst, `"]`...)
	}
	return append(dst, "null"...)
}
