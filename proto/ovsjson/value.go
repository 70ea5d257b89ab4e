// Package ovsjson is the JSON used on OVS's wires and in its files.
//
// Generic JSON decoders lose what OVSDB needs: the distinction between an
// integer (5) and a real (5.0), and 64-bit integers beyond float precision.
// OVS also has its own output conventions that scripts see: object members
// sorted by key when printed, reals as "%.15g", no escaping of "/" or of
// non-ASCII text, \u00XX for other control characters. This package keeps
// those rules in one place.
//
// A Value is a small tagged struct rather than an interface so that numbers
// and strings do not box on the heap; arrays and objects are slices, which
// keeps small OVSDB objects cheap to build and to walk. Objects keep the order
// their members were added in; Encoder sorts on request.
//
// Parsing allocates per text, not per value: a pre-scan counts the
// elements of each array and the members of each object, and every array
// and object of the text takes an exact slice of one slab of each and is
// parsed straight into it, with no scratch stack to grow and copy from (so
// a parsed value keeps its whole text's slabs alive; nothing keeps parsed
// values long, the database turns them into datums). Elements and Members
// go further for a big message of which only a glance is needed: they walk
// one level of it and build nothing. Short strings go through a small
// direct-mapped cache (one per Decoder, and per pooled parser for Parse),
// so the names that every OVSDB message repeats are not allocated again.
package ovsjson

import (
	"fmt"
	"math"
)

// Kind is the JSON type of a Value.
type Kind uint8

// The JSON types. Integer and Real are distinct, as OVSDB requires.
const (
	Null Kind = iota
	False
	True
	Integer
	Real
	String
	Array
	Object
	// Raw is a pre-encoded JSON text carried in S. It lets one serialised
	// value (a monitor update, say) be written to many peers without being
	// encoded again. Parsing never produces it.
	Raw
)

var kindNames = [...]string{"null", "false", "true", "integer", "real", "string", "array", "object", "raw"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Value is one JSON value. The zero Value is null.
type Value struct {
	Kind Kind
	I    int64   // Integer
	F    float64 // Real
	S    string  // String, Raw
	A    []Value // Array
	O    []Member
}

// Member is one name/value pair of an Object, in insertion order.
type Member struct {
	Key   string
	Value Value
}

// Constructors.

func NewNull() Value              { return Value{} }
func NewBool(b bool) Value        { return Value{Kind: boolKind(b)} }
func NewInt(i int64) Value        { return Value{Kind: Integer, I: i} }
func NewReal(f float64) Value     { return Value{Kind: Real, F: f} }
func NewString(s string) Value    { return Value{Kind: String, S: s} }
func NewArray(a ...Value) Value   { return Value{Kind: Array, A: nonNilValues(a)} }
func NewObject(m ...Member) Value { return Value{Kind: Object, O: nonNilMembers(m)} }

// NewRaw wraps text that is already valid, compact JSON.
func NewRaw(text string) Value { return Value{Kind: Raw, S: text} }

// M is shorthand for a Member, for building objects in code.
func M(key string, v Value) Member { return Member{Key: key, Value: v} }

func boolKind(b bool) Kind {
	if b {
		return True
	}
	return False
}

func nonNilValues(a []Value) []Value {
	if a == nil {
		return []Value{}
	}
	return a
}

func nonNilMembers(m []Member) []Member {
	if m == nil {
		return []Member{}
	}
	return m
}

// IsNull, IsBool and friends test the kind.
func (v Value) IsNull() bool   { return v.Kind == Null }
func (v Value) IsBool() bool   { return v.Kind == True || v.Kind == False }
func (v Value) IsNumber() bool { return v.Kind == Integer || v.Kind == Real }

// Bool reports the value of a True or False.
func (v Value) Bool() bool { return v.Kind == True }

// Number returns an Integer or Real as a float64.
func (v Value) Number() float64 {
	if v.Kind == Integer {
		return float64(v.I)
	}
	return v.F
}

// Get returns the member of an object named key.
func (v Value) Get(key string) (Value, bool) {
	for i := range v.O {
		if v.O[i].Key == key {
			return v.O[i].Value, true
		}
	}
	return Value{}, false
}

// Has reports whether an object has a member named key.
func (v Value) Has(key string) bool {
	_, ok := v.Get(key)
	return ok
}

// Set replaces the member named key, or appends it. v must be an Object.
func (v *Value) Set(key string, val Value) {
	for i := range v.O {
		if v.O[i].Key == key {
			v.O[i].Value = val
			return
		}
	}
	v.O = append(v.O, Member{Key: key, Value: val})
}

// Equal reports whether a and b are the same JSON value. Object member order
// does not matter; Integer 1 and Real 1.0 are different values.
func Equal(a, b Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Integer:
		return a.I == b.I
	case Real:
		return a.F == b.F || (math.IsNaN(a.F) && math.IsNaN(b.F))
	case String, Raw:
		return a.S == b.S
	case Array:
		if len(a.A) != len(b.A) {
			return false
		}
		for i := range a.A {
			if !Equal(a.A[i], b.A[i]) {
				return false
			}
		}
		return true
	case Object:
		if len(a.O) != len(b.O) {
			return false
		}
		for _, m := range a.O {
			bv, ok := b.Get(m.Key)
			if !ok || !Equal(m.Value, bv) {
				return false
			}
		}
		return true
	}
	return true
}

// String returns the compact encoding of v with object members sorted, as
// OVS prints JSON in messages and errors.
func (v Value) String() string {
	return string(Append(nil, v, Sort))
}
