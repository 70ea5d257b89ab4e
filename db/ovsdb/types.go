package ovsdb

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/govs/ovs/proto/ovsjson"
)

// Unlimited is the Max of a type without an upper bound ("unlimited").
const Unlimited = math.MaxInt

// RefType says whether a reference keeps its target alive.
type RefType uint8

// Strong references keep rows alive and must never dangle; weak references
// are removed when their target goes away.
const (
	RefStrong RefType = iota
	RefWeak
)

func (r RefType) String() string {
	if r == RefWeak {
		return "weak"
	}
	return "strong"
}

// BaseType is an RFC 7047 <base-type>: an atomic type plus its constraints.
// Build one with NewBaseType (or get it from a parsed schema): the bounds
// that mean "no limit" are the extreme values, so a zero BaseType literal
// would allow only the integer 0 and the empty string.
type BaseType struct {
	Type                   AtomicType
	Enum                   *Datum // nil if none: a sorted set of allowed atoms
	MinInteger, MaxInteger int64
	MinReal, MaxReal       float64
	MinLength, MaxLength   int // in Unicode characters
	RefTable               string
	RefType                RefType
}

// maxLengthDefault is OVS's "no limit" for string lengths (UINT_MAX); any
// maxLength at or above it is the same as no maxLength.
const maxLengthDefault = math.MaxUint32

// NewBaseType returns an unconstrained base type of type t.
func NewBaseType(t AtomicType) BaseType {
	return BaseType{
		Type:       t,
		MinInteger: math.MinInt64, MaxInteger: math.MaxInt64,
		MinReal: -math.MaxFloat64, MaxReal: math.MaxFloat64,
		MinLength: 0, MaxLength: math.MaxInt,
	}
}

// HasConstraints reports whether b restricts its atoms at all (or refers to
// a table), that is whether its JSON form needs an object.
func (b *BaseType) HasConstraints() bool {
	if b.Enum != nil {
		return true
	}
	switch b.Type {
	case TypeInteger:
		return b.MinInteger != math.MinInt64 || b.MaxInteger != math.MaxInt64
	case TypeReal:
		return b.MinReal != -math.MaxFloat64 || b.MaxReal != math.MaxFloat64
	case TypeString:
		return b.MinLength != 0 || b.MaxLength < maxLengthDefault
	case TypeUUID:
		return b.RefTable != ""
	}
	return false
}

// IsRef reports whether b is a reference to rows of another table.
func (b *BaseType) IsRef() bool       { return b.Type == TypeUUID && b.RefTable != "" }
func (b *BaseType) IsStrongRef() bool { return b.IsRef() && b.RefType == RefStrong }
func (b *BaseType) IsWeakRef() bool   { return b.IsRef() && b.RefType == RefWeak }

// Type is an RFC 7047 <type>: a set of Min to Max keys, or a map if Value
// is not void.
type Type struct {
	Key   BaseType
	Value BaseType // Value.Type == TypeVoid for non-maps
	Min   int
	Max   int // Unlimited for "unlimited"
}

// NewScalarType returns the plain type of exactly one atom of type t.
func NewScalarType(t AtomicType) Type {
	return Type{Key: NewBaseType(t), Value: NewBaseType(TypeVoid), Min: 1, Max: 1}
}

func (t *Type) IsMap() bool      { return t.Value.Type != TypeVoid }
func (t *Type) IsSet() bool      { return t.Value.Type == TypeVoid && t.Max > 1 }
func (t *Type) IsScalar() bool   { return t.Value.Type == TypeVoid && t.Min == 1 && t.Max == 1 }
func (t *Type) IsOptional() bool { return t.Min == 0 && t.Max == 1 }

// IsOptionalScalar reports whether t is a set of zero or one atoms.
func (t *Type) IsOptionalScalar() bool { return t.Value.Type == TypeVoid && t.IsOptional() }

// DiffType returns the type of a diff of values of type t (see
// Datum.Diff): the same atoms, but any number of them, since a diff of a
// scalar holds its old and its new value.
func (t *Type) DiffType() Type {
	d := *t
	d.Min, d.Max = 0, Unlimited
	return d
}

// IsValid reports whether t satisfies OVS's consistency rules.
func (t *Type) IsValid() bool {
	return t.Key.Type != TypeVoid && t.Key.isValid() && t.Value.isValid() && t.Min <= 1 && t.Max >= 1
}

func (b *BaseType) isValid() bool {
	switch b.Type {
	case TypeVoid:
		return true
	case TypeInteger:
		return b.MinInteger <= b.MaxInteger
	case TypeReal:
		return b.MinReal <= b.MaxReal
	case TypeBoolean:
		return true
	case TypeString:
		return b.MinLength <= b.MaxLength
	case TypeUUID:
		return true
	}
	return false
}

// BaseTypeFromJSON parses a <base-type>: an atomic type name, or an object
// with "type" and the constraints that type allows.
func BaseTypeFromJSON(v ovsjson.Value) (BaseType, error) {
	if v.Kind == ovsjson.String {
		t, ok := AtomicTypeFromString(v.S)
		if !ok {
			return BaseType{}, NewSyntaxError(v, "\"%s\" is not an atomic-type", v.S)
		}
		return NewBaseType(t), nil
	}
	p := NewObjParser(v, "ovsdb type")
	tv, ok := p.Required("type", ovsjson.String)
	if !ok {
		return BaseType{}, p.Finish()
	}
	t, ok := AtomicTypeFromString(tv.S)
	if !ok {
		return BaseType{}, NewSyntaxError(tv, "\"%s\" is not an atomic-type", tv.S)
	}
	b := NewBaseType(t)
	if ev, ok := p.OptionalAny("enum"); ok {
		// An enum replaces every other constraint: OVS does not even
		// accept the other members next to it.
		et := Type{Key: NewBaseType(t), Value: NewBaseType(TypeVoid), Min: 1, Max: Unlimited}
		d, err := DatumFromJSON(&et, ev, nil)
		if err != nil {
			return BaseType{}, err
		}
		b.Enum = &d
	} else {
		switch t {
		case TypeInteger:
			minV, hasMin := p.Optional("minInteger", ovsjson.Integer)
			maxV, hasMax := p.Optional("maxInteger", ovsjson.Integer)
			if hasMin {
				b.MinInteger = minV.I
			}
			if hasMax {
				b.MaxInteger = maxV.I
			}
			if b.MinInteger > b.MaxInteger {
				return BaseType{}, NewSyntaxError(v, "minInteger exceeds maxInteger")
			}
		case TypeReal:
			minV, hasMin := p.Optional("minReal", ovsjson.Integer, ovsjson.Real)
			maxV, hasMax := p.Optional("maxReal", ovsjson.Integer, ovsjson.Real)
			if hasMin {
				b.MinReal = minV.Number()
			}
			if hasMax {
				b.MaxReal = maxV.Number()
			}
			if b.MinReal > b.MaxReal {
				return BaseType{}, NewSyntaxError(v, "minReal exceeds maxReal")
			}
		case TypeString:
			if x, ok := p.Optional("minLength", ovsjson.Integer); ok {
				if x.I < 0 || x.I > maxLengthDefault {
					return BaseType{}, NewSyntaxError(x, "minLength out of valid range 0 to %d", uint32(maxLengthDefault))
				}
				b.MinLength = int(x.I)
			}
			if x, ok := p.Optional("maxLength", ovsjson.Integer); ok {
				if x.I < 0 || x.I > maxLengthDefault {
					return BaseType{}, NewSyntaxError(x, "maxLength out of valid range 0 to %d", uint32(maxLengthDefault))
				}
				b.MaxLength = int(x.I)
				if x.I == maxLengthDefault {
					b.MaxLength = math.MaxInt
				}
			}
			if b.MinLength > b.MaxLength {
				return BaseType{}, NewSyntaxError(v, "minLength exceeds maxLength")
			}
		case TypeUUID:
			if x, ok := p.OptionalID("refTable"); ok {
				b.RefTable = x.S
				if r, ok := p.Optional("refType", ovsjson.String); ok {
					switch r.S {
					case "strong":
						b.RefType = RefStrong
					case "weak":
						b.RefType = RefWeak
					default:
						return BaseType{}, NewSyntaxError(v, "refType must be \"strong\" or \"weak\" (not \"%s\")", r.S)
					}
				}
			}
		}
	}
	if err := p.Finish(); err != nil {
		return BaseType{}, err
	}
	return b, nil
}

// ToJSON returns b in OVS's canonical form: the bare type name when b has
// no constraints, otherwise an object with only the non-default members.
func (b *BaseType) ToJSON() ovsjson.Value {
	name := ovsjson.NewString(b.Type.String())
	if !b.HasConstraints() {
		return name
	}
	m := []ovsjson.Member{{Key: "type", Value: name}}
	if b.Enum != nil {
		et := Type{Key: BaseType{Type: b.Type}, Value: BaseType{Type: TypeVoid}, Min: 1, Max: Unlimited}
		m = append(m, ovsjson.M("enum", b.Enum.ToJSON(&et)))
	}
	switch b.Type {
	case TypeInteger:
		if b.MinInteger != math.MinInt64 {
			m = append(m, ovsjson.M("minInteger", ovsjson.NewInt(b.MinInteger)))
		}
		if b.MaxInteger != math.MaxInt64 {
			m = append(m, ovsjson.M("maxInteger", ovsjson.NewInt(b.MaxInteger)))
		}
	case TypeReal:
		if b.MinReal != -math.MaxFloat64 {
			m = append(m, ovsjson.M("minReal", ovsjson.NewReal(b.MinReal)))
		}
		if b.MaxReal != math.MaxFloat64 {
			m = append(m, ovsjson.M("maxReal", ovsjson.NewReal(b.MaxReal)))
		}
	case TypeString:
		if b.MinLength != 0 {
			m = append(m, ovsjson.M("minLength", ovsjson.NewInt(int64(b.MinLength))))
		}
		if b.MaxLength < maxLengthDefault {
			m = append(m, ovsjson.M("maxLength", ovsjson.NewInt(int64(b.MaxLength))))
		}
	case TypeUUID:
		if b.RefTable != "" {
			m = append(m, ovsjson.M("refTable", ovsjson.NewString(b.RefTable)))
			if b.RefType == RefWeak {
				m = append(m, ovsjson.M("refType", ovsjson.NewString("weak")))
			}
		}
	}
	return ovsjson.NewObject(m...)
}

// TypeFromJSON parses a <type>: a <base-type>, or an object with "key",
// optional "value", "min" and "max".
func TypeFromJSON(v ovsjson.Value) (Type, error) {
	if v.Kind == ovsjson.String {
		b, err := BaseTypeFromJSON(v)
		if err != nil {
			return Type{}, err
		}
		return Type{Key: b, Value: NewBaseType(TypeVoid), Min: 1, Max: 1}, nil
	}
	p := NewObjParser(v, "ovsdb type")
	kv, _ := p.Required("key", ovsjson.String, ovsjson.Object)
	vv, hasValue := p.Optional("value", ovsjson.String, ovsjson.Object)
	minv, hasMin := p.Optional("min", ovsjson.Integer)
	maxv, hasMax := p.Optional("max", ovsjson.Integer, ovsjson.String)
	if err := p.Finish(); err != nil {
		return Type{}, err
	}
	t := Type{Value: NewBaseType(TypeVoid), Min: 1, Max: 1}
	var err error
	if t.Key, err = BaseTypeFromJSON(kv); err != nil {
		return Type{}, err
	}
	if hasValue {
		if t.Value, err = BaseTypeFromJSON(vv); err != nil {
			return Type{}, err
		}
	}
	if hasMin {
		if minv.I < 0 || minv.I >= math.MaxUint32 {
			return Type{}, NewSyntaxError(minv, "bad min or max value")
		}
		t.Min = int(minv.I)
	}
	if hasMax {
		switch {
		case maxv.Kind == ovsjson.String && maxv.S == "unlimited":
			t.Max = Unlimited
		case maxv.Kind == ovsjson.Integer && maxv.I >= 0 && maxv.I < math.MaxUint32:
			t.Max = int(maxv.I)
		default:
			return Type{}, NewSyntaxError(maxv, "bad min or max value")
		}
	}
	if !t.IsValid() {
		return Type{}, NewSyntaxError(v, "ovsdb type fails constraint checks")
	}
	return t, nil
}

// ToJSON returns t in OVS's canonical form: the bare atomic type name for
// an unconstrained scalar, otherwise {"key", "value"?, "min"?, "max"?} with
// defaults left out (a constrained scalar is {"key": {...}}).
func (t *Type) ToJSON() ovsjson.Value {
	if t.IsScalar() && !t.Key.HasConstraints() {
		return ovsjson.NewString(t.Key.Type.String())
	}
	m := []ovsjson.Member{{Key: "key", Value: t.Key.ToJSON()}}
	if t.IsMap() {
		m = append(m, ovsjson.M("value", t.Value.ToJSON()))
	}
	if t.Min != 1 {
		m = append(m, ovsjson.M("min", ovsjson.NewInt(int64(t.Min))))
	}
	if t.Max == Unlimited {
		m = append(m, ovsjson.M("max", ovsjson.NewString("unlimited")))
	} else if t.Max != 1 {
		m = append(m, ovsjson.M("max", ovsjson.NewInt(int64(t.Max))))
	}
	return ovsjson.NewObject(m...)
}

// CheckAtom checks a against b's enum, range and length constraints.
func (b *BaseType) CheckAtom(a Atom) error {
	if b.Enum != nil {
		if _, ok := b.Enum.Find(b.Type, a); !ok {
			et := Type{Key: BaseType{Type: b.Type}, Value: BaseType{Type: TypeVoid}, Min: 0, Max: Unlimited}
			return Errorf(ErrConstraint, "%s is not one of the allowed values (%s)",
				a.ToString(b.Type), b.Enum.ToString(&et))
		}
		return nil
	}
	return b.checkRange(a)
}

func (b *BaseType) checkRange(a Atom) error {
	switch b.Type {
	case TypeInteger:
		i := a.Int()
		if i >= b.MinInteger && i <= b.MaxInteger {
			return nil
		}
		switch {
		case b.MinInteger != math.MinInt64 && b.MaxInteger != math.MaxInt64:
			return Errorf(ErrConstraint, "%d is not in the valid range %d to %d (inclusive)", i, b.MinInteger, b.MaxInteger)
		case b.MinInteger != math.MinInt64:
			return Errorf(ErrConstraint, "%d is less than minimum allowed value %d", i, b.MinInteger)
		default:
			return Errorf(ErrConstraint, "%d is greater than maximum allowed value %d", i, b.MaxInteger)
		}
	case TypeReal:
		f := a.Float()
		if f >= b.MinReal && f <= b.MaxReal {
			return nil
		}
		switch {
		case b.MinReal != -math.MaxFloat64 && b.MaxReal != math.MaxFloat64:
			return Errorf(ErrConstraint, "%s is not in the valid range %s to %s (inclusive)", fmtReal(f), fmtReal(b.MinReal), fmtReal(b.MaxReal))
		case b.MinReal != -math.MaxFloat64:
			return Errorf(ErrConstraint, "%s is less than minimum allowed value %s", fmtReal(f), fmtReal(b.MinReal))
		default:
			return Errorf(ErrConstraint, "%s is greater than maximum allowed value %s", fmtReal(f), fmtReal(b.MaxReal))
		}
	case TypeString:
		if !utf8.ValidString(a.s) {
			return Errorf(ErrConstraint, "not a valid UTF-8 string: %s", utf8Problem(a.s))
		}
		if b.MinLength == 0 && b.MaxLength >= maxLengthDefault {
			return nil
		}
		n := utf8.RuneCountInString(a.s)
		if n < b.MinLength {
			return Errorf(ErrConstraint, "\"%s\" length %d is less than minimum allowed length %d", a.s, n, b.MinLength)
		}
		if n > b.MaxLength {
			return Errorf(ErrConstraint, "\"%s\" length %d is greater than maximum allowed length %d", a.s, n, b.MaxLength)
		}
	}
	return nil
}

// utf8Problem describes the first ill-formed sequence in s the way OVS
// does: the bytes from the lead byte up to the first bad one, where the end
// of the string reads as a 0x00 byte (C's terminator).
func utf8Problem(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			i++
			continue
		}
		n := 0
		lo, hi := byte(0x80), byte(0xbf)
		switch {
		case c >= 0xc2 && c <= 0xdf:
			n = 1
		case c == 0xe0:
			n, lo = 2, 0xa0
		case c >= 0xe1 && c <= 0xec, c == 0xee, c == 0xef:
			n = 2
		case c == 0xed:
			n, hi = 2, 0x9f
		case c == 0xf0:
			n, lo = 3, 0x90
		case c >= 0xf1 && c <= 0xf3:
			n = 3
		case c == 0xf4:
			n, hi = 3, 0x8f
		default:
			return fmt.Sprintf("invalid UTF-8 sequence 0x%02x", c)
		}
		for j := 1; j <= n; j++ {
			var b byte
			if i+j < len(s) {
				b = s[i+j]
			}
			l, h := byte(0x80), byte(0xbf)
			if j == 1 {
				l, h = lo, hi
			}
			if b < l || b > h {
				msg := "invalid UTF-8 sequence"
				for k := 0; k <= j; k++ {
					var x byte
					if i+k < len(s) {
						x = s[i+k]
					}
					msg += fmt.Sprintf(" 0x%02x", x)
				}
				return msg
			}
		}
		i += n + 1
	}
	return "invalid UTF-8 sequence"
}

func fmtReal(f float64) string { return fmt.Sprintf("%.*g", 15, f) }
