package ovsdb

import (
	"slices"
	"sort"

	"github.com/govs/ovs/proto/ovsjson"
)

// Datum is the value of a column: a set of atoms, or a map from atoms to
// atoms. Keys are kept sorted in OVS's order and unique, so that output
// matches OVS byte for byte and comparison, search and set algebra are
// linear or logarithmic. A set has Values == nil; a map has
// len(Values) == len(Keys).
type Datum struct {
	Keys   []Atom
	Values []Atom
}

// DefaultDatum returns the default value of a column of type t: empty if t
// allows zero elements, else the single default atom (and value).
func DefaultDatum(t *Type) Datum {
	if t.Min == 0 {
		return Datum{}
	}
	d := Datum{Keys: []Atom{DefaultAtom(t.Key.Type)}}
	if t.IsMap() {
		d.Values = []Atom{DefaultAtom(t.Value.Type)}
	}
	return d
}

// NewScalarDatum returns the datum holding just a (a scalar, or a set of one).
func NewScalarDatum(a Atom) Datum { return Datum{Keys: []Atom{a}} }

// Len returns the number of elements (pairs, for a map).
func (d *Datum) Len() int { return len(d.Keys) }

// Find returns the index of key in d, or where it would be inserted.
func (d *Datum) Find(t AtomicType, key Atom) (int, bool) {
	lo, hi := 0, len(d.Keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := CompareAtoms(t, d.Keys[m], key); {
		case c < 0:
			lo = m + 1
		case c > 0:
			hi = m
		default:
			return m, true
		}
	}
	return lo, false
}

// Equal reports whether d and o hold the same atoms. Atoms compare by
// their bits, which differs from numeric comparison of reals only for -0
// and NaN; OVSDB input never produces either.
func (d *Datum) Equal(o *Datum) bool {
	if len(d.Keys) != len(o.Keys) || len(d.Values) != len(o.Values) {
		return false
	}
	for i := range d.Keys {
		if d.Keys[i] != o.Keys[i] {
			return false
		}
	}
	for i := range d.Values {
		if d.Values[i] != o.Values[i] {
			return false
		}
	}
	return true
}

// Compare orders datums of type t as OVS does (used to sort rows and to
// compare whole column values with < and >): first by size, then element
// by element.
func (d *Datum) Compare(t *Type, o *Datum) int {
	if len(d.Keys) != len(o.Keys) {
		if len(d.Keys) < len(o.Keys) {
			return -1
		}
		return 1
	}
	for i := range d.Keys {
		if c := CompareAtoms(t.Key.Type, d.Keys[i], o.Keys[i]); c != 0 {
			return c
		}
	}
	if t.IsMap() {
		for i := range d.Values {
			if c := CompareAtoms(t.Value.Type, d.Values[i], o.Values[i]); c != 0 {
				return c
			}
		}
	}
	return 0
}

// Clone returns a copy of d that shares no slices with it.
func (d *Datum) Clone() Datum {
	c := Datum{}
	if d.Keys != nil {
		c.Keys = slices.Clone(d.Keys)
	}
	if d.Values != nil {
		c.Values = slices.Clone(d.Values)
	}
	return c
}

// Contains reports whether d has key (and, for a map, that value for it).
func (d *Datum) Contains(t *Type, key, value Atom) bool {
	i, ok := d.Find(t.Key.Type, key)
	if !ok {
		return false
	}
	return !t.IsMap() || AtomsEqual(t.Value.Type, d.Values[i], value)
}

// sortDatum sorts d's pairs by key and reports the first duplicate key.
func sortDatum(d *Datum, t *Type) bool {
	kt := t.Key.Type
	n := len(d.Keys)
	sorted := true
	for i := 1; i < n; i++ {
		if CompareAtoms(kt, d.Keys[i-1], d.Keys[i]) >= 0 {
			sorted = false
			break
		}
	}
	if !sorted {
		if d.Values == nil {
			slices.SortFunc(d.Keys, func(a, b Atom) int { return CompareAtoms(kt, a, b) })
		} else {
			sort.Sort(pairSorter{d.Keys, d.Values, kt})
		}
		for i := 1; i < n; i++ {
			if CompareAtoms(kt, d.Keys[i-1], d.Keys[i]) == 0 {
				return false
			}
		}
	}
	return true
}

// pairSorter sorts a map's keys and values together, in place.
type pairSorter struct {
	keys, vals []Atom
	kt         AtomicType
}

func (p pairSorter) Len() int           { return len(p.keys) }
func (p pairSorter) Less(i, j int) bool { return CompareAtoms(p.kt, p.keys[i], p.keys[j]) < 0 }
func (p pairSorter) Swap(i, j int) {
	p.keys[i], p.keys[j] = p.keys[j], p.keys[i]
	p.vals[i], p.vals[j] = p.vals[j], p.vals[i]
}

// Sort puts d into canonical order. It fails if two elements share a key.
func (d *Datum) Sort(t *Type) error {
	if !sortDatum(d, t) {
		if t.IsMap() {
			return NewError(ErrInternal, "map contains duplicate key")
		}
		return NewError(ErrInternal, "set contains duplicate")
	}
	return nil
}

// Check verifies that d is canonical and fits t: element count, sort
// order, uniqueness and each atom's constraints.
func (d *Datum) Check(t *Type) error {
	n := len(d.Keys)
	if n < t.Min || n > t.Max {
		return Errorf(ErrConstraint, "%d values specified but the allowed range is %d to %s", n, t.Min, maxString(t.Max))
	}
	if t.IsMap() != (d.Values != nil) && n > 0 || d.Values != nil && len(d.Values) != n {
		return NewError(ErrInternal, "datum does not match its type")
	}
	for i := range d.Keys {
		if i > 0 && CompareAtoms(t.Key.Type, d.Keys[i-1], d.Keys[i]) >= 0 {
			return NewError(ErrInternal, "datum is not sorted or contains duplicates")
		}
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

func maxString(max int) string {
	if max == Unlimited {
		return "unlimited"
	}
	return itoa(max)
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	neg := i < 0
	u := uint64(i)
	if neg {
		u = uint64(-i)
	}
	for {
		n--
		b[n] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}

// DatumFromJSON parses an RFC 7047 <value> of type t: a bare atom (a set
// of one), ["set", [...]] or ["map", [[k, v], ...]], and checks it against
// t's size and atom constraints.
func DatumFromJSON(t *Type, v ovsjson.Value, names NameResolver) (Datum, error) {
	isMap := t.IsMap()
	if isMap || (v.Kind == ovsjson.Array && len(v.A) > 0 && v.A[0].Kind == ovsjson.String && v.A[0].S == "set") {
		class := "set"
		if isMap {
			class = "map"
		}
		if v.Kind != ovsjson.Array || len(v.A) != 2 || v.A[0].Kind != ovsjson.String || v.A[0].S != class || v.A[1].Kind != ovsjson.Array {
			return Datum{}, NewSyntaxError(v, "expected [\"%s\", <array>]", class)
		}
		elems := v.A[1].A
		n := len(elems)
		if n < t.Min || n > t.Max {
			if t.Min == t.Max {
				return Datum{}, NewSyntaxError(v, "%s must have exactly one member but %d are present", class, n)
			}
			return Datum{}, NewSyntaxError(v, "%s must have %d to %d members but %d are present", class, t.Min, maxCount(t.Max), n)
		}
		d := Datum{Keys: make([]Atom, n)}
		if isMap {
			d.Values = make([]Atom, n)
		}
		for i := range elems {
			e := elems[i]
			if isMap {
				if e.Kind != ovsjson.Array || len(e.A) != 2 {
					return Datum{}, NewSyntaxError(e, "expected 2-element array")
				}
				k, err := atomFromJSONChecked(&t.Key, e.A[0], names)
				if err != nil {
					return Datum{}, err
				}
				val, err := atomFromJSONChecked(&t.Value, e.A[1], names)
				if err != nil {
					return Datum{}, err
				}
				d.Keys[i], d.Values[i] = k, val
			} else {
				k, err := atomFromJSONChecked(&t.Key, e, names)
				if err != nil {
					return Datum{}, err
				}
				d.Keys[i] = k
			}
		}
		if err := d.Sort(t); err != nil {
			return Datum{}, err
		}
		return d, nil
	}
	a, err := atomFromJSONChecked(&t.Key, v, names)
	if err != nil {
		return Datum{}, err
	}
	return Datum{Keys: []Atom{a}}, nil
}

// maxCount renders an unlimited maximum as OVS's UINT_MAX does in messages.
func maxCount(max int) int {
	if max == Unlimited {
		return 4294967295
	}
	return max
}

func atomFromJSONChecked(b *BaseType, v ovsjson.Value, names NameResolver) (Atom, error) {
	a, err := AtomFromJSON(b.Type, v, names)
	if err != nil {
		return a, err
	}
	if err := b.CheckAtom(a); err != nil {
		return a, err
	}
	return a, nil
}

// ToJSON returns d in OVS's output form: a map as ["map", [[k, v], ...]],
// a set of exactly one element as the bare atom, any other set as
// ["set", [...]].
func (d *Datum) ToJSON(t *Type) ovsjson.Value {
	if t.IsMap() {
		pairs := make([]ovsjson.Value, len(d.Keys))
		// One backing array for all pairs keeps this to three allocations.
		flat := make([]ovsjson.Value, 2*len(d.Keys))
		for i := range d.Keys {
			flat[2*i] = AtomToJSON(t.Key.Type, d.Keys[i])
			flat[2*i+1] = AtomToJSON(t.Value.Type, d.Values[i])
			pairs[i] = ovsjson.Value{Kind: ovsjson.Array, A: flat[2*i : 2*i+2 : 2*i+2]}
		}
		return ovsjson.Value{Kind: ovsjson.Array, A: []ovsjson.Value{ovsjson.NewString("map"), {Kind: ovsjson.Array, A: pairs}}}
	}
	if len(d.Keys) == 1 {
		return AtomToJSON(t.Key.Type, d.Keys[0])
	}
	elems := make([]ovsjson.Value, len(d.Keys))
	for i := range d.Keys {
		elems[i] = AtomToJSON(t.Key.Type, d.Keys[i])
	}
	return ovsjson.Value{Kind: ovsjson.Array, A: []ovsjson.Value{ovsjson.NewString("set"), {Kind: ovsjson.Array, A: elems}}}
}

// Union adds o's elements to d (RFC 7047 "insert"): for a map, pairs whose
// key d already has are ignored.
func (d *Datum) Union(t *Type, o *Datum) {
	if len(o.Keys) == 0 {
		return
	}
	kt := t.Key.Type
	isMap := t.IsMap()
	keys := make([]Atom, 0, len(d.Keys)+len(o.Keys))
	var vals []Atom
	if isMap {
		vals = make([]Atom, 0, len(d.Keys)+len(o.Keys))
	}
	i, j := 0, 0
	for i < len(d.Keys) || j < len(o.Keys) {
		var c int
		switch {
		case i == len(d.Keys):
			c = 1
		case j == len(o.Keys):
			c = -1
		default:
			c = CompareAtoms(kt, d.Keys[i], o.Keys[j])
		}
		if c <= 0 {
			keys = append(keys, d.Keys[i])
			if isMap {
				vals = append(vals, d.Values[i])
			}
			i++
			if c == 0 {
				j++
			}
		} else {
			keys = append(keys, o.Keys[j])
			if isMap {
				vals = append(vals, o.Values[j])
			}
			j++
		}
	}
	d.Keys, d.Values = keys, vals
}

// Subtract removes o's elements from d (RFC 7047 "delete"). For a map
// type, o may be a set of keys (o.Values == nil: remove those keys) or a
// map (remove only pairs whose key and value both match).
func (d *Datum) Subtract(t *Type, o *Datum) {
	if len(o.Keys) == 0 || len(d.Keys) == 0 {
		return
	}
	kt := t.Key.Type
	isMap := t.IsMap()
	byValue := isMap && o.Values != nil
	w := 0
	j := 0
	for i := range d.Keys {
		for j < len(o.Keys) && CompareAtoms(kt, o.Keys[j], d.Keys[i]) < 0 {
			j++
		}
		drop := j < len(o.Keys) && CompareAtoms(kt, o.Keys[j], d.Keys[i]) == 0 &&
			(!byValue || AtomsEqual(t.Value.Type, o.Values[j], d.Values[i]))
		if drop {
			continue
		}
		d.Keys[w] = d.Keys[i]
		if isMap {
			d.Values[w] = d.Values[i]
		}
		w++
	}
	clear(d.Keys[w:])
	d.Keys = d.Keys[:w]
	if isMap {
		clear(d.Values[w:])
		d.Values = d.Values[:w]
	}
}

// Diff returns what turns d (old) into o (new), in the form OVS writes in
// "_is_diff" log records and update2 "modify" notifications: for a set,
// the symmetric difference; for a map, removed keys with their old value,
// added keys with their new value, and changed keys with their new value.
func (d *Datum) Diff(t *Type, o *Datum) Datum {
	kt := t.Key.Type
	isMap := t.IsMap()
	var r Datum
	if isMap {
		r.Values = []Atom{}
	}
	i, j := 0, 0
	for i < len(d.Keys) || j < len(o.Keys) {
		var c int
		switch {
		case i == len(d.Keys):
			c = 1
		case j == len(o.Keys):
			c = -1
		default:
			c = CompareAtoms(kt, d.Keys[i], o.Keys[j])
		}
		switch {
		case c < 0:
			r.Keys = append(r.Keys, d.Keys[i])
			if isMap {
				r.Values = append(r.Values, d.Values[i])
			}
			i++
		case c > 0:
			r.Keys = append(r.Keys, o.Keys[j])
			if isMap {
				r.Values = append(r.Values, o.Values[j])
			}
			j++
		default:
			if isMap && !AtomsEqual(t.Value.Type, d.Values[i], o.Values[j]) {
				r.Keys = append(r.Keys, o.Keys[j])
				r.Values = append(r.Values, o.Values[j])
			}
			i++
			j++
		}
	}
	if isMap && len(r.Keys) == 0 {
		r.Values = nil
	}
	return r
}

// ApplyDiff applies a diff made by Diff to d: an element of diff that d
// lacks is added; one d has is removed, except that a map pair whose value
// differs replaces d's value. The result must fit t's size limits.
func (d *Datum) ApplyDiff(t *Type, diff *Datum) error {
	if len(diff.Keys) == 0 {
		return nil
	}
	kt := t.Key.Type
	isMap := t.IsMap()
	n := len(d.Keys) + len(diff.Keys)
	keys := make([]Atom, 0, n)
	var vals []Atom
	if isMap {
		vals = make([]Atom, 0, n)
		if diff.Values == nil || len(diff.Values) != len(diff.Keys) {
			return NewError(ErrInternal, "diff does not match datum type")
		}
	}
	i, j := 0, 0
	for i < len(d.Keys) || j < len(diff.Keys) {
		var c int
		switch {
		case i == len(d.Keys):
			c = 1
		case j == len(diff.Keys):
			c = -1
		default:
			c = CompareAtoms(kt, d.Keys[i], diff.Keys[j])
		}
		switch {
		case c < 0:
			keys = append(keys, d.Keys[i])
			if isMap {
				vals = append(vals, d.Values[i])
			}
			i++
		case c > 0:
			keys = append(keys, diff.Keys[j])
			if isMap {
				vals = append(vals, diff.Values[j])
			}
			j++
		default:
			if isMap && !AtomsEqual(t.Value.Type, d.Values[i], diff.Values[j]) {
				keys = append(keys, diff.Keys[j])
				vals = append(vals, diff.Values[j])
			}
			i++
			j++
		}
	}
	if len(keys) < t.Min || len(keys) > t.Max {
		return NewError(ErrConstraint, "Datum crated by diff has size error")
	}
	d.Keys, d.Values = keys, vals
	return nil
}

// AppendJSON appends the compact encoding of d.ToJSON(t) to dst without
// building the intermediate JSON value: the path for serialising many
// rows (selects, monitor updates, the database log).
func (d *Datum) AppendJSON(dst []byte, t *Type) []byte {
	if t.IsMap() {
		dst = append(dst, `["map",[`...)
		for i := range d.Keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '[')
			dst = AppendAtomJSON(dst, t.Key.Type, d.Keys[i])
			dst = append(dst, ',')
			dst = AppendAtomJSON(dst, t.Value.Type, d.Values[i])
			dst = append(dst, ']')
		}
		return append(dst, "]]"...)
	}
	if len(d.Keys) == 1 {
		return AppendAtomJSON(dst, t.Key.Type, d.Keys[0])
	}
	dst = append(dst, `["set",[`...)
	for i := range d.Keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendAtomJSON(dst, t.Key.Type, d.Keys[i])
	}
	return append(dst, "]]"...)
}

// NewSetDatum returns the set of the given atoms of type kt, sorted, with
// duplicates dropped.
func NewSetDatum(kt AtomicType, atoms ...Atom) Datum {
	d := Datum{Keys: slices.Clone(atoms)}
	slices.SortFunc(d.Keys, func(a, b Atom) int { return CompareAtoms(kt, a, b) })
	d.Keys = slices.CompactFunc(d.Keys, func(a, b Atom) bool { return CompareAtoms(kt, a, b) == 0 })
	return d
}

// NewStringMap returns a string-to-string map datum holding m, the type of
// OVS's ubiquitous external_ids, other_config and status columns.
func NewStringMap(m map[string]string) Datum {
	d := Datum{Keys: make([]Atom, 0, len(m)), Values: make([]Atom, 0, len(m))}
	for k := range m {
		d.Keys = append(d.Keys, StringAtom(k))
	}
	slices.SortFunc(d.Keys, func(a, b Atom) int { return CompareAtoms(TypeString, a, b) })
	for _, k := range d.Keys {
		d.Values = append(d.Values, StringAtom(m[k.s]))
	}
	return d
}

// StringMap returns a string-to-string map datum as a Go map.
func (d *Datum) StringMap() map[string]string {
	m := make(map[string]string, len(d.Keys))
	for i := range d.Keys {
		if i < len(d.Values) {
			m[d.Keys[i].s] = d.Values[i].s
		}
	}
	return m
}
