package table

import (
	"fmt"
	"io"
	"time"

	"github.com/govs/ovs/proto/ovsjson"
)

// Cell is one value to print. Callers wrap their datums in it.
type Cell interface {
	// String is the --data=string form, as ovs-vsctl list shows it:
	// [a, b], {k=v}, "quoted string".
	String() string
	// Bare is the --data=bare form: no brackets or braces, items separated
	// by spaces, strings never quoted.
	Bare() string
	// JSON is the RFC 7047 <value> form: "s", ["set",[]], ["uuid","..."].
	JSON() ovsjson.Value
}

// Text is a cell that is plain text rather than data, such as the row UUID
// column of a monitor table or the names in list-tables. Table, list, CSV and
// HTML output print it unchanged whatever the data format (even
// --data=json, where a datum would be quoted); JSON output prints it as a
// JSON string.
type Text string

func (t Text) String() string      { return string(t) }
func (t Text) Bare() string        { return string(t) }
func (t Text) JSON() ovsjson.Value { return ovsjson.NewString(string(t)) }

// JSONCell is a cell that holds JSON that is not an OVSDB datum, such as a
// column type in list-columns: every data format prints it as compact JSON.
type JSONCell struct{ Value ovsjson.Value }

func (j JSONCell) String() string      { return string(ovsjson.Append(nil, j.Value, ovsjson.Sort)) }
func (j JSONCell) Bare() string        { return j.String() }
func (j JSONCell) JSON() ovsjson.Value { return j.Value }

// Table is one table of output. A nil Cell is an empty cell: it prints as
// nothing, or as null in JSON, as OVS prints the columns an update did not
// change. Rows should have one cell per heading; missing cells print empty
// and cells beyond the headings are not printed.
type Table struct {
	Headings []string
	Rows     [][]Cell
	// Caption, if not empty, is printed above the table, as ovsdb-client
	// dump prints "Bridge table".
	Caption string
	// Timestamp is printed above the table when Style.Timestamp is set and
	// the timestamp is not zero (ovsdb-client --timestamp monitor).
	Timestamp time.Time
}

// Format is the output format chosen with --format.
type Format int

const (
	FormatTable Format = iota
	FormatList
	FormatHTML
	FormatCSV
	FormatJSON
)

var formatNames = [...]string{"table", "list", "html", "csv", "json"}

func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("format(%d)", int(f))
}

// ParseFormat parses the argument of --format. Names are case-sensitive and
// must be given in full, as in OVS.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if s == n {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown output format \"%s\"", s)
}

// Data is the cell format chosen with --data.
type Data int

const (
	DataString Data = iota
	DataBare
	DataJSON
)

var dataNames = [...]string{"string", "bare", "json"}

func (d Data) String() string {
	if d >= 0 && int(d) < len(dataNames) {
		return dataNames[d]
	}
	return fmt.Sprintf("data(%d)", int(d))
}

// ParseData parses the argument of --data.
func ParseData(s string) (Data, error) {
	for i, n := range dataNames {
		if s == n {
			return Data(i), nil
		}
	}
	return 0, fmt.Errorf("unknown data format \"%s\"", s)
}

// Style is how a tool prints its tables. The zero Style is ovsdb-client's
// default (table format, string data, headings); ovs-vsctl starts from
// Format: FormatList.
//
// A Style also remembers whether it has printed a table, because OVS puts a
// blank line before every table but the first that one process prints. A
// tool keeps one Style for its whole run and passes the same pointer to
// every Print.
type Style struct {
	Format     Format
	Data       Data
	NoHeadings bool
	// Pretty indents JSON output (JSON format only; JSON inside cells of
	// other formats stays compact, as in OVS).
	Pretty bool
	// Timestamp prints each table's Timestamp (ovsdb-client --timestamp).
	Timestamp bool
	// MaxColumnWidth, if positive, truncates table-format cells to that
	// many bytes (--max-column-width).
	MaxColumnWidth int

	printed bool
}

// Print writes t to w in style s and records in s that a table was printed.
func (t *Table) Print(w io.Writer, s *Style) error {
	_, err := w.Write(t.Append(nil, s))
	return err
}

// Append is Print into a byte slice, for tools that collect each command's
// output before writing it (ovs-vsctl).
func (t *Table) Append(dst []byte, s *Style) []byte {
	switch s.Format {
	case FormatTable, FormatList, FormatCSV:
		if s.printed {
			dst = append(dst, '\n')
		}
	}
	s.printed = true

	if s.Format == FormatJSON {
		return t.appendJSON(dst, s)
	}
	if s.Timestamp && !t.Timestamp.IsZero() {
		dst = t.Timestamp.UTC().AppendFormat(dst, "2006-01-02 15:04:05.000")
		dst = append(dst, '\n')
	}
	switch s.Format {
	case FormatList:
		return t.appendList(dst, s)
	case FormatHTML:
		return t.appendHTML(dst, s)
	case FormatCSV:
		return t.appendCSV(dst, s)
	default:
		return t.appendTable(dst, s)
	}
}

// cell returns row r's cell in column c, nil if the row is short.
func (t *Table) cell(r, c int) Cell {
	if row := t.Rows[r]; c < len(row) {
		return row[c]
	}
	return nil
}

// text renders c for the text formats.
func text(c Cell, d Data) string {
	switch c := c.(type) {
	case nil:
		return ""
	case Text:
		return string(c)
	}
	switch d {
	case DataBare:
		return c.Bare()
	case DataJSON:
		return string(ovsjson.Append(nil, c.JSON(), ovsjson.Sort))
	default:
		return c.String()
	}
}

func appendSpaces(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, ' ')
	}
	return dst
}

func (t *Table) appendCaption(dst []byte) []byte {
	if t.Caption != "" {
		dst = append(dst, t.Caption...)
		dst = append(dst, '\n')
	}
	return dst
}

func (t *Table) appendTable(dst []byte, s *Style) []byte {
	dst = t.appendCaption(dst)
	ncols := len(t.Headings)
	texts := make([]string, len(t.Rows)*ncols)
	widths := make([]int, ncols)
	for r := range t.Rows {
		for c := 0; c < ncols; c++ {
			x := text(t.cell(r, c), s.Data)
			texts[r*ncols+c] = x
			widths[c] = max(widths[c], len(x))
		}
	}
	for c := range widths {
		if s.MaxColumnWidth > 0 {
			widths[c] = min(widths[c], s.MaxColumnWidth)
		}
		if !s.NoHeadings {
			widths[c] = max(widths[c], len(t.Headings[c]))
		}
	}

	if !s.NoHeadings {
		dst = appendLine(dst, t.Headings, widths)
		start := len(dst)
		for c, w := range widths {
			if c > 0 {
				dst = append(dst, ' ')
			}
			for ; w > 0; w-- {
				dst = append(dst, '-')
			}
		}
		dst = append(trimSpaces(dst, start), '\n')
	}
	for r := range t.Rows {
		dst = appendLine(dst, texts[r*ncols:(r+1)*ncols], widths)
	}
	return dst
}

// appendLine lays out one line of the table format. Cells wider than their
// column (only possible under --max-column-width) are cut, bytewise.
func appendLine(dst []byte, cells []string, widths []int) []byte {
	start := len(dst)
	for c, x := range cells {
		if c > 0 {
			dst = append(dst, ' ')
		}
		w := widths[c]
		if len(x) > w {
			x = x[:w]
		}
		dst = append(dst, x...)
		dst = appendSpaces(dst, w-len(x))
	}
	return append(trimSpaces(dst, start), '\n')
}

// trimSpaces removes trailing spaces from dst, but not before start.
func trimSpaces(dst []byte, start int) []byte {
	for len(dst) > start && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst
}

func (t *Table) appendList(dst []byte, s *Style) []byte {
	dst = t.appendCaption(dst)
	for r := range t.Rows {
		if r > 0 {
			dst = append(dst, '\n')
		}
		for c, h := range t.Headings {
			if !s.NoHeadings {
				dst = append(dst, h...)
				dst = appendSpaces(dst, 20-len(h))
				dst = append(dst, ':', ' ')
			}
			dst = append(dst, text(t.cell(r, c), s.Data)...)
			dst = append(dst, '\n')
		}
	}
	return dst
}

func (t *Table) appendCSV(dst []byte, s *Style) []byte {
	dst = t.appendCaption(dst)
	if !s.NoHeadings {
		for c, h := range t.Headings {
			if c > 0 {
				dst = append(dst, ',')
			}
			dst = appendCSVField(dst, h)
		}
		dst = append(dst, '\n')
	}
	for r := range t.Rows {
		for c := range t.Headings {
			if c > 0 {
				dst = append(dst, ',')
			}
			dst = appendCSVField(dst, text(t.cell(r, c), s.Data))
		}
		dst = append(dst, '\n')
	}
	return dst
}

func appendCSVField(dst []byte, x string) []byte {
	quote := false
	for i := 0; i < len(x); i++ {
		if c := x[i]; c == ',' || c == '"' || c == '\n' {
			quote = true
			break
		}
	}
	if !quote {
		return append(dst, x...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(x); i++ {
		if x[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, x[i])
	}
	return append(dst, '"')
}

func (t *Table) appendHTML(dst []byte, s *Style) []byte {
	dst = append(dst, "<table border=1>\n"...)
	if t.Caption != "" {
		dst = append(dst, "    <caption>"...)
		dst = appendHTMLEscaped(dst, t.Caption)
		dst = append(dst, "</caption>\n"...)
	}
	if !s.NoHeadings {
		dst = append(dst, "  <tr>\n"...)
		for _, h := range t.Headings {
			dst = append(dst, "    <th>"...)
			dst = appendHTMLEscaped(dst, h)
			dst = append(dst, "</th>\n"...)
		}
		dst = append(dst, "  </tr>\n"...)
	}
	for r := range t.Rows {
		dst = append(dst, "  <tr>\n"...)
		for c, h := range t.Headings {
			x := text(t.cell(r, c), s.Data)
			dst = append(dst, "    <td>"...)
			if h == "_uuid" {
				dst = append(dst, `<a name="`...)
				dst = appendHTMLEscaped(dst, x)
				dst = append(dst, `">`...)
				dst = appendHTMLEscaped(dst, x[:min(len(x), 8)])
				dst = append(dst, "</a>"...)
			} else {
				dst = appendHTMLLinked(dst, x)
			}
			dst = append(dst, "</td>\n"...)
		}
		dst = append(dst, "  </tr>\n"...)
	}
	return append(dst, "</table>\n"...)
}

func appendHTMLEscaped(dst []byte, x string) []byte {
	for i := 0; i < len(x); i++ {
		dst = appendHTMLByte(dst, x[i])
	}
	return dst
}

func appendHTMLByte(dst []byte, c byte) []byte {
	switch c {
	case '&':
		return append(dst, "&amp;"...)
	case '<':
		return append(dst, "&lt;"...)
	case '>':
		return append(dst, "&gt;"...)
	case '"':
		return append(dst, "&quot;"...)
	}
	return append(dst, c)
}

const uuidLen = 36

// appendHTMLLinked escapes x and turns each UUID in it into a link to the
// row anchored by the _uuid column, as OVS's HTML output does.
func appendHTMLLinked(dst []byte, x string) []byte {
	for i := 0; i < len(x); {
		if len(x)-i >= uuidLen && isUUID(x[i:i+uuidLen]) {
			u := x[i : i+uuidLen]
			dst = append(dst, `<a href="#`...)
			dst = append(dst, u...)
			dst = append(dst, `">`...)
			dst = append(dst, u[:8]...)
			dst = append(dst, "</a>"...)
			i += uuidLen
			continue
		}
		dst = appendHTMLByte(dst, x[i])
		i++
	}
	return dst
}

// isUUID reports whether s is 8-4-4-4-12 hex digits, either case.
func isUUID(s string) bool {
	for i := 0; i < uuidLen; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func (t *Table) appendJSON(dst []byte, s *Style) []byte {
	members := make([]ovsjson.Member, 0, 4)
	if t.Caption != "" {
		members = append(members, ovsjson.M("caption", ovsjson.NewString(t.Caption)))
	}
	rows := make([]ovsjson.Value, len(t.Rows))
	for r := range t.Rows {
		cells := make([]ovsjson.Value, len(t.Headings))
		for c := range cells {
			if x := t.cell(r, c); x != nil {
				cells[c] = x.JSON()
			}
		}
		rows[r] = ovsjson.NewArray(cells...)
	}
	members = append(members, ovsjson.M("data", ovsjson.NewArray(rows...)))
	headings := make([]ovsjson.Value, len(t.Headings))
	for i, h := range t.Headings {
		headings[i] = ovsjson.NewString(h)
	}
	members = append(members, ovsjson.M("headings", ovsjson.NewArray(headings...)))
	if s.Timestamp && !t.Timestamp.IsZero() {
		ts := t.Timestamp.UTC().Format("2006-01-02 15:04:05.000")
		members = append(members, ovsjson.M("time", ovsjson.NewString(ts)))
	}
	flags := ovsjson.Sort
	if s.Pretty {
		flags |= ovsjson.Pretty
	}
	dst = ovsjson.Append(dst, ovsjson.NewObject(members...), flags)
	return append(dst, '\n')
}
