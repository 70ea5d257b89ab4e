package database

import (
	"strconv"
	"strings"

	"github.com/govs/ovs/db/ovsdb"
)

// typeEnglish describes t the way OVS's transaction errors do ("set of up
// to 3 integers", "map of (string, string) pairs"). This wording differs
// from ovs-vsctl's, so it lives here rather than in package ovsdb.
func typeEnglish(t *ovsdb.Type) string {
	key := t.Key.Type.String()
	if t.IsScalar() {
		return key
	}
	var b strings.Builder
	if t.IsMap() {
		b.WriteString("map of ")
	} else {
		b.WriteString("set of ")
	}
	switch {
	case t.Min == 0 && t.Max == ovsdb.Unlimited:
	case t.Min == 0:
		b.WriteString("up to ")
		b.WriteString(strconv.Itoa(t.Max))
		b.WriteByte(' ')
	case t.Max == ovsdb.Unlimited:
		b.WriteString(strconv.Itoa(t.Min))
		b.WriteString(" or more ")
	default:
		b.WriteString(strconv.Itoa(t.Min))
		b.WriteString(" to ")
		b.WriteString(strconv.Itoa(t.Max))
		b.WriteByte(' ')
	}
	if t.IsMap() {
		b.WriteString("(")
		b.WriteString(key)
		b.WriteString(", ")
		b.WriteString(t.Value.Type.String())
		b.WriteString(") pairs")
	} else {
		b.WriteString(key)
		b.WriteString("s")
	}
	return b.String()
}

// englishList joins items as OVS does in its index error messages: "a",
// "a and b", "a, b, and c".
func englishList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + " and " + items[1]
	}
	return strings.Join(items[:len(items)-1], ", ") + ", and " + items[len(items)-1]
}
