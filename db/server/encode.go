package server

import (
	"slices"
	"strconv"
	"strings"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// Monitor updates and initial dumps are the server's bulk output, so they
// are written straight into a byte slice (ovsdb.Datum.AppendJSON and the
// appenders here) instead of building a Value tree per row only to flatten
// it again.

func appendUUID(dst []byte, u ovsdb.UUID) []byte { return u.AppendText(dst) }

// isDefaultDatum reports whether d is the default value of type t, which
// update2 "initial" and "insert" rows leave out.
func isDefaultDatum(t *ovsdb.Type, d *ovsdb.Datum) bool {
	if t.Min == 0 {
		return len(d.Keys) == 0
	}
	var zero ovsdb.Atom
	if len(d.Keys) != 1 || !ovsdb.AtomsEqual(t.Key.Type, d.Keys[0], zero) {
		return false
	}
	return !t.IsMap() || ovsdb.AtomsEqual(t.Value.Type, d.Values[0], zero)
}

// appendMember writes `"name":` after a comma if the object already has a
// member.
func appendKey(dst []byte, first *bool, name string) []byte {
	if !*first {
		dst = append(dst, ',')
	}
	*first = false
	dst = ovsjson.AppendString(dst, name)
	return append(dst, ':')
}

// jsonKey returns a text that is equal for two JSON values exactly when
// OVS's json_equal considers them equal, for using monitor and request ids
// as map keys: the sorted compact encoding, except that a real is marked so
// that 1.0 and 1 differ.
func jsonKey(v ovsjson.Value) string {
	if v.Kind == ovsjson.String {
		return "s" + v.S
	}
	return string(appendJSONKey([]byte{0}, v))
}

func appendJSONKey(dst []byte, v ovsjson.Value) []byte {
	switch v.Kind {
	case ovsjson.Real:
		dst = append(dst, "#r"...)
		return strconv.AppendFloat(dst, v.F, 'g', -1, 64)
	case ovsjson.Array:
		dst = append(dst, '[')
		for i := range v.A {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONKey(dst, v.A[i])
		}
		return append(dst, ']')
	case ovsjson.Object:
		// OVS objects are hash maps: member order does not matter and
		// the last of several members with one name wins.
		members := make([]ovsjson.Member, 0, len(v.O))
		for i := len(v.O) - 1; i >= 0; i-- {
			if !slices.ContainsFunc(members, func(m ovsjson.Member) bool { return m.Key == v.O[i].Key }) {
				members = append(members, v.O[i])
			}
		}
		slices.SortFunc(members, func(a, b ovsjson.Member) int { return strings.Compare(a.Key, b.Key) })
		dst = append(dst, '{')
		for i := range members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = ovsjson.AppendString(dst, members[i].Key)
			dst = append(dst, ':')
			dst = appendJSONKey(dst, members[i].Value)
		}
		return append(dst, '}')
	}
	return ovsjson.Append(dst, v, 0)
}
