package ovsdb

import (
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/govs/ovs/proto/ovsjson"
)

// Schema is a parsed RFC 7047 <database-schema> with OVS's extensions.
type Schema struct {
	Name, Version, Cksum string
	Tables               map[string]*TableSchema
	TableNames           []string // sorted
}

// TableSchema is one <table-schema>.
type TableSchema struct {
	Name        string
	Columns     map[string]*ColumnSchema // includes "_uuid" and "_version"
	ColumnNames []string                 // user columns, sorted
	MaxRows     int                      // Unlimited if absent
	IsRoot      bool
	Indexes     [][]string
	// AllColumns lists every column by ColumnSchema.Index: "_uuid",
	// "_version", then the user columns in ColumnNames order.
	AllColumns []*ColumnSchema
}

// ColumnSchema is one <column-schema>.
type ColumnSchema struct {
	Name      string
	Type      Type
	Ephemeral bool
	Mutable   bool
	Index     int // position in Row.Fields
}

// Column indexes of the two columns every table has.
const (
	UUIDColumnIndex    = 0
	VersionColumnIndex = 1
)

// ParseSchemaFile reads and parses a schema file. Errors read as OVS's:
// a file that is not JSON gives tag "failed to read schema"; a bad schema
// gives its parse error wrapped in `failed to parse "<path>" as ovsdb
// schema`.
func ParseSchemaFile(path string) (*Schema, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, Errorf("failed to read schema", "\"%s\" could not be read as JSON (error opening \"%s\": %s)", path, path, Strerror(err))
	}
	v, err := ovsjson.Parse(text)
	if err != nil {
		return nil, Errorf("failed to read schema", "\"%s\" could not be read as JSON (%s)", path, err)
	}
	s, err := ParseSchema(v)
	if err != nil {
		return nil, WrapError(err, "failed to parse \"%s\" as ovsdb schema", path)
	}
	return s, nil
}

// ParseSchema parses and validates a <database-schema>, checking what OVS
// checks in the order OVS checks it, so that the first error reported is
// the same.
func ParseSchema(v ovsjson.Value) (*Schema, error) {
	p := NewObjParser(v, "database schema")
	nameV, _ := p.RequiredID("name")
	versionV, hasVersion := p.Optional("version", ovsjson.String)
	cksumV, hasCksum := p.Optional("cksum", ovsjson.String)
	tablesV, _ := p.Required("tables", ovsjson.Object)
	if err := p.Finish(); err != nil {
		return nil, err
	}
	s := &Schema{Name: nameV.S, Tables: make(map[string]*TableSchema, len(tablesV.O))}
	if hasVersion {
		if !isValidVersion(versionV.S) {
			return nil, NewSyntaxError(v, "schema version \"%s\" not in format x.y.z", versionV.S)
		}
		s.Version = versionV.S
	}
	if hasCksum {
		s.Cksum = cksumV.S
	}
	for _, m := range lastWins(tablesV.O) {
		if strings.HasPrefix(m.Key, "_") {
			return nil, NewSyntaxError(v, "names beginning with \"_\" are reserved")
		} else if !isID(m.Key) {
			return nil, NewSyntaxError(v, "name must be a valid id")
		}
		ts, err := parseTableSchema(m.Key, m.Value)
		if err != nil {
			return nil, err
		}
		s.Tables[m.Key] = ts
		s.TableNames = append(s.TableNames, m.Key)
	}
	slices.Sort(s.TableNames)

	// Before "isRoot" existed there was no garbage collection, so a
	// schema that marks no table as a root treats every table as one.
	anyRoot := false
	for _, ts := range s.Tables {
		anyRoot = anyRoot || ts.IsRoot
	}
	if !anyRoot {
		for _, ts := range s.Tables {
			ts.IsRoot = true
		}
	}

	for _, m := range lastWins(tablesV.O) {
		ts := s.Tables[m.Key]
		for _, c := range ts.AllColumns[2:] {
			if err := checkRefTable(s, c, &c.Type.Key, "key"); err != nil {
				return nil, err
			}
			if err := checkRefTable(s, c, &c.Type.Value, "value"); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

func checkRefTable(s *Schema, c *ColumnSchema, b *BaseType, which string) error {
	if b.RefTable != "" {
		if _, ok := s.Tables[b.RefTable]; !ok {
			return Errorf(ErrSyntax, "column %s %s refers to undefined table %s", c.Name, which, b.RefTable)
		}
	}
	return nil
}

// lastWins drops all but the last of members with the same name, keeping
// the order of the survivors: OVS's JSON objects are hash maps, where a
// repeated name replaces the earlier value.
func lastWins(ms []ovsjson.Member) []ovsjson.Member {
	dup := false
	seen := make(map[string]int, len(ms))
	for i, m := range ms {
		if _, ok := seen[m.Key]; ok {
			dup = true
		}
		seen[m.Key] = i
	}
	if !dup {
		return ms
	}
	out := make([]ovsjson.Member, 0, len(seen))
	for i, m := range ms {
		if seen[m.Key] == i {
			out = append(out, m)
		}
	}
	return out
}

func parseTableSchema(name string, v ovsjson.Value) (*TableSchema, error) {
	p := NewObjParser(v, "table schema for table %s", name)
	colsV, _ := p.Required("columns", ovsjson.Object)
	maxRowsV, hasMaxRows := p.Optional("maxRows", ovsjson.Integer)
	isRootV, hasIsRoot := p.Optional("isRoot", ovsjson.True, ovsjson.False)
	indexesV, hasIndexes := p.Optional("indexes", ovsjson.Array)
	if err := p.Finish(); err != nil {
		return nil, err
	}
	ts := &TableSchema{Name: name, MaxRows: Unlimited}
	if hasMaxRows {
		if maxRowsV.I <= 0 {
			return nil, NewSyntaxError(v, "maxRows must be at least 1")
		}
		// OVS keeps maxRows in an unsigned int and treats UINT_MAX,
		// which larger values saturate to, as "no limit".
		if maxRowsV.I < math.MaxUint32 {
			ts.MaxRows = int(maxRowsV.I)
		}
	}
	if len(colsV.O) == 0 {
		return nil, NewSyntaxError(v, "table must have at least one column")
	}
	if hasIsRoot {
		ts.IsRoot = isRootV.Bool()
	}
	cols := lastWins(colsV.O)
	ts.Columns = make(map[string]*ColumnSchema, len(cols)+2)
	uuidCol := &ColumnSchema{Name: "_uuid", Type: NewScalarType(TypeUUID), Index: UUIDColumnIndex}
	versionCol := &ColumnSchema{Name: "_version", Type: NewScalarType(TypeUUID), Index: VersionColumnIndex}
	ts.Columns["_uuid"] = uuidCol
	ts.Columns["_version"] = versionCol
	for _, m := range cols {
		if strings.HasPrefix(m.Key, "_") {
			return nil, NewSyntaxError(v, "names beginning with \"_\" are reserved")
		} else if !isID(m.Key) {
			return nil, NewSyntaxError(v, "name must be a valid id")
		}
		c, err := parseColumnSchema(m.Key, m.Value)
		if err != nil {
			return nil, err
		}
		ts.Columns[m.Key] = c
		ts.ColumnNames = append(ts.ColumnNames, m.Key)
	}
	slices.Sort(ts.ColumnNames)
	ts.AllColumns = make([]*ColumnSchema, 0, len(ts.ColumnNames)+2)
	ts.AllColumns = append(ts.AllColumns, uuidCol, versionCol)
	for i, cn := range ts.ColumnNames {
		c := ts.Columns[cn]
		c.Index = i + 2
		ts.AllColumns = append(ts.AllColumns, c)
	}
	if hasIndexes {
		for _, iv := range indexesV.A {
			idx, err := parseIndex(ts, iv)
			if err != nil {
				return nil, err
			}
			if len(idx) == 0 {
				return nil, NewSyntaxError(v, "index must have at least one column")
			}
			for _, cn := range idx {
				if ts.Columns[cn].Ephemeral {
					return nil, NewSyntaxError(v, "ephemeral columns (such as %s) may not be indexed", cn)
				}
			}
			ts.Indexes = append(ts.Indexes, idx)
		}
	}
	return ts, nil
}

// parseIndex parses one index: an array of distinct column names, which
// may include "_uuid" and "_version".
func parseIndex(ts *TableSchema, v ovsjson.Value) ([]string, error) {
	if v.Kind != ovsjson.Array {
		return nil, NewSyntaxError(v, "array of distinct column names expected")
	}
	idx := make([]string, 0, len(v.A))
	for _, cv := range v.A {
		if cv.Kind != ovsjson.String {
			return nil, NewSyntaxError(v, "array of distinct column names expected")
		}
		if _, ok := ts.Columns[cv.S]; !ok {
			return nil, NewSyntaxError(v, "%s is not a valid column name", cv.S)
		}
		if slices.Contains(idx, cv.S) {
			return nil, NewSyntaxError(v, "array of distinct column names expected")
		}
		idx = append(idx, cv.S)
	}
	return idx, nil
}

func parseColumnSchema(name string, v ovsjson.Value) (*ColumnSchema, error) {
	p := NewObjParser(v, "schema for column %s", name)
	typeV, _ := p.Required("type", ovsjson.String, ovsjson.Object)
	ephV, hasEph := p.Optional("ephemeral", ovsjson.True, ovsjson.False)
	mutV, hasMut := p.Optional("mutable", ovsjson.True, ovsjson.False)
	if err := p.Finish(); err != nil {
		return nil, err
	}
	t, err := TypeFromJSON(typeV)
	if err != nil {
		return nil, err
	}
	c := &ColumnSchema{Name: name, Type: t, Mutable: true}
	if hasEph {
		c.Ephemeral = ephV.Bool()
	}
	if hasMut {
		c.Mutable = mutV.Bool()
	}
	return c, nil
}

// isValidVersion accepts what C's sscanf("%u.%u.%u") accepts when it must
// consume the whole string: each number may have leading white space and
// a sign, which OVS therefore allows too.
func isValidVersion(s string) bool {
	_, ok := ParseVersion(s)
	return ok
}

// ParseVersion reads an "x.y.z" version as OVS does (scanf's "%u.%u.%u"
// consuming the whole string): numbers may have leading white space and a
// sign, and wrap modulo 2^32 as C's conversion to unsigned does.
func ParseVersion(s string) ([3]uint32, bool) {
	var v [3]uint32
	p := 0
	for i := range v {
		if i > 0 {
			if p >= len(s) || s[p] != '.' {
				return v, false
			}
			p++
		}
		for p < len(s) && isCSpace(s[p]) {
			p++
		}
		neg := false
		if p < len(s) && (s[p] == '+' || s[p] == '-') {
			neg = s[p] == '-'
			p++
		}
		start := p
		var n uint32
		for p < len(s) && s[p] >= '0' && s[p] <= '9' {
			n = n*10 + uint32(s[p]-'0')
			p++
		}
		if p == start {
			return v, false
		}
		if neg {
			n = -n
		}
		v[i] = n
	}
	return v, p == len(s)
}

func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// CompareVersions compares two "x.y.z" versions numerically. Malformed
// versions sort before well-formed ones.
func CompareVersions(a, b string) int {
	va, oka := ParseVersion(a)
	vb, okb := ParseVersion(b)
	switch {
	case !oka && !okb:
		return strings.Compare(a, b)
	case !oka:
		return -1
	case !okb:
		return 1
	}
	for i := range va {
		if va[i] != vb[i] {
			if va[i] < vb[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// ToJSON returns the schema as ovsdb-server's get_schema returns it.
func (s *Schema) ToJSON() ovsjson.Value {
	m := []ovsjson.Member{{Key: "name", Value: ovsjson.NewString(s.Name)}}
	if s.Version != "" {
		m = append(m, ovsjson.M("version", ovsjson.NewString(s.Version)))
	}
	if s.Cksum != "" {
		m = append(m, ovsjson.M("cksum", ovsjson.NewString(s.Cksum)))
	}
	allRoot := true
	for _, ts := range s.Tables {
		allRoot = allRoot && ts.IsRoot
	}
	tables := make([]ovsjson.Member, 0, len(s.TableNames))
	for _, tn := range s.TableNames {
		tables = append(tables, ovsjson.M(tn, s.Tables[tn].toJSON(allRoot)))
	}
	m = append(m, ovsjson.M("tables", ovsjson.NewObject(tables...)))
	return ovsjson.NewObject(m...)
}

// ToJSON returns the table's <table-schema>.
func (ts *TableSchema) ToJSON() ovsjson.Value { return ts.toJSON(false) }

func (ts *TableSchema) toJSON(defaultIsRoot bool) ovsjson.Value {
	cols := make([]ovsjson.Member, 0, len(ts.ColumnNames))
	for _, cn := range ts.ColumnNames {
		cols = append(cols, ovsjson.M(cn, ts.Columns[cn].ToJSON()))
	}
	m := []ovsjson.Member{{Key: "columns", Value: ovsjson.NewObject(cols...)}}
	if ts.MaxRows != Unlimited {
		m = append(m, ovsjson.M("maxRows", ovsjson.NewInt(int64(ts.MaxRows))))
	}
	if ts.IsRoot != defaultIsRoot {
		m = append(m, ovsjson.M("isRoot", ovsjson.NewBool(ts.IsRoot)))
	}
	if len(ts.Indexes) > 0 {
		idx := make([]ovsjson.Value, len(ts.Indexes))
		for i, cs := range ts.Indexes {
			a := make([]ovsjson.Value, len(cs))
			for j, c := range cs {
				a[j] = ovsjson.NewString(c)
			}
			idx[i] = ovsjson.NewArray(a...)
		}
		m = append(m, ovsjson.M("indexes", ovsjson.NewArray(idx...)))
	}
	return ovsjson.NewObject(m...)
}

// ToJSON returns the column's <column-schema>.
func (c *ColumnSchema) ToJSON() ovsjson.Value {
	m := []ovsjson.Member{{Key: "type", Value: c.Type.ToJSON()}}
	if c.Ephemeral {
		m = append(m, ovsjson.M("ephemeral", ovsjson.NewBool(true)))
	}
	if !c.Mutable {
		m = append(m, ovsjson.M("mutable", ovsjson.NewBool(false)))
	}
	return ovsjson.NewObject(m...)
}

// Column returns the named column (including "_uuid" and "_version").
func (ts *TableSchema) Column(name string) (*ColumnSchema, bool) {
	c, ok := ts.Columns[name]
	return c, ok
}

// ComputeCksum returns the checksum of the schema's canonical JSON text.
// OVS's recorded "cksum" is computed over the schema file's bytes (see
// SchemaCksum), so this matches it only for schemas written canonically;
// it is for schemas built in code.
func (s *Schema) ComputeCksum() string {
	c := *s
	c.Cksum = ""
	text := ovsjson.Append(nil, c.ToJSON(), ovsjson.Pretty)
	return SchemaCksum(append(text, '\n'))
}

// SchemaCksum returns what OVS's build records as a schema's "cksum": the
// POSIX cksum(1) CRC and byte count of the file text with every line that
// contains `"cksum":` removed, as "<crc> <length>".
func SchemaCksum(text []byte) string {
	var kept []byte
	for len(text) > 0 {
		i := slices.Index(text, '\n')
		line := text
		if i >= 0 {
			line = text[:i+1]
		}
		text = text[len(line):]
		if !strings.Contains(string(line), "\"cksum\":") {
			kept = append(kept, line...)
		}
	}
	return strconv.FormatUint(uint64(posixCksum(kept)), 10) + " " + strconv.Itoa(len(kept))
}

// posixCksum is the CRC of cksum(1): polynomial 0x04C11DB7, MSB first,
// over the data followed by its length in as few bytes as needed, then
// inverted.
func posixCksum(data []byte) uint32 {
	var crc uint32
	for _, b := range data {
		crc = crc<<8 ^ posixTable[byte(crc>>24)^b]
	}
	for n := len(data); n > 0; n >>= 8 {
		crc = crc<<8 ^ posixTable[byte(crc>>24)^byte(n)]
	}
	return ^crc
}

var posixTable = func() (t [256]uint32) {
	for i := range t {
		c := uint32(i) << 24
		for j := 0; j < 8; j++ {
			if c&0x80000000 != 0 {
				c = c<<1 ^ 0x04C11DB7
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return
}()
