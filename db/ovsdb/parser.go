package ovsdb

import (
	"fmt"

	"github.com/govs/ovs/proto/ovsjson"
)

// kindSet is a set of JSON kinds a member may have.
type kindSet uint16

func kinds(ks ...ovsjson.Kind) kindSet {
	var s kindSet
	for _, k := range ks {
		s |= 1 << k
	}
	return s
}

var (
	kindString          = kinds(ovsjson.String)
	kindInteger         = kinds(ovsjson.Integer)
	kindNumber          = kinds(ovsjson.Integer, ovsjson.Real)
	kindBool            = kinds(ovsjson.True, ovsjson.False)
	kindObject          = kinds(ovsjson.Object)
	kindArray           = kinds(ovsjson.Array)
	kindStringOrObject  = kinds(ovsjson.String, ovsjson.Object)
	kindIntegerOrString = kinds(ovsjson.Integer, ovsjson.String)
	kindAny             = ^kindSet(0)
	// kindID is a string that is an RFC 7047 <id>; it is not a JSON kind
	// but a flag checked by member.
	kindID = kindSet(1 << 15)
)

// ObjParser walks the members of a JSON object the way OVS parses schemas
// and transactions: each member is claimed by name, a missing required
// member or a member of the wrong type is an error, and Finish reports any
// member nobody claimed. The first error sticks. Errors read
// "Parsing <what> failed: <problem>" with the object as the syntax, as in
// OVS.
//
// Duplicate member names resolve to the last occurrence, as OVS's JSON
// objects (hash maps) do.
type ObjParser struct {
	obj  ovsjson.Value
	name string
	used []bool
	err  *Error
}

// NewObjParser starts parsing v, described in errors by the formatted
// name (e.g. "table schema for table Bridge").
func NewObjParser(v ovsjson.Value, format string, args ...any) *ObjParser {
	p := &ObjParser{obj: v, name: fmt.Sprintf(format, args...)}
	if v.Kind != ovsjson.Object {
		// OVS reports this one without the syntax member.
		p.err = &Error{Tag: ErrSyntax, Details: "Parsing " + p.name + " failed: Object expected."}
		return p
	}
	p.used = make([]bool, len(v.O))
	return p
}

func (p *ObjParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = NewSyntaxError(p.obj, "Parsing %s failed: %s", p.name, fmt.Sprintf(format, args...))
	}
}

// Err returns the first error so far, or nil.
func (p *ObjParser) Err() *Error { return p.err }

// member returns the member called name if it is present and its kind is
// in allowed.
func (p *ObjParser) member(name string, allowed kindSet, required bool) (ovsjson.Value, bool) {
	if p.err != nil {
		return ovsjson.Value{}, false
	}
	found := -1
	for i := range p.obj.O {
		if p.obj.O[i].Key == name {
			p.used[i] = true
			found = i
		}
	}
	if found < 0 {
		if required {
			p.fail("Required '%s' member is missing.", name)
		}
		return ovsjson.Value{}, false
	}
	v := p.obj.O[found].Value
	ok := allowed&(1<<v.Kind) != 0
	if ok && allowed&kindID != 0 && v.Kind == ovsjson.String && !isID(v.S) {
		ok = false
	}
	if !ok {
		p.fail("Type mismatch for member '%s'.", name)
		return ovsjson.Value{}, false
	}
	return v, true
}

// Required returns a member that must be present, of one of the kinds.
func (p *ObjParser) Required(name string, ks ...ovsjson.Kind) (ovsjson.Value, bool) {
	return p.member(name, kinds(ks...), true)
}

// Optional returns a member that may be absent, of one of the kinds.
func (p *ObjParser) Optional(name string, ks ...ovsjson.Kind) (ovsjson.Value, bool) {
	return p.member(name, kinds(ks...), false)
}

// RequiredAny and OptionalAny accept a member of any kind.
func (p *ObjParser) RequiredAny(name string) (ovsjson.Value, bool) {
	return p.member(name, kindAny, true)
}
func (p *ObjParser) OptionalAny(name string) (ovsjson.Value, bool) {
	return p.member(name, kindAny, false)
}

// RequiredID and OptionalID accept a string that is a valid <id>.
func (p *ObjParser) RequiredID(name string) (ovsjson.Value, bool) {
	return p.member(name, kindString|kindID, true)
}
func (p *ObjParser) OptionalID(name string) (ovsjson.Value, bool) {
	return p.member(name, kindString|kindID, false)
}

// Finish returns the parser's error, or an error naming the first member
// that nobody claimed.
func (p *ObjParser) Finish() *Error {
	if p.err != nil {
		return p.err
	}
	for i, u := range p.used {
		if !u {
			p.fail("Member '%s' is present but not allowed here.", p.obj.O[i].Key)
			return p.err
		}
	}
	return nil
}

// IsID reports whether s is an RFC 7047 <id>: a letter or "_" followed by
// letters, digits and "_".
func IsID(s string) bool { return isID(s) }
