package ovsdbtool

import (
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/proto/ovsjson"
)

// logPrinter prints the records of one log for show-log.
type logPrinter struct {
	t      *tool
	schema *ovsdb.Schema
	// names maps a row's UUID (as written in the log) to how show-log
	// calls it: its "name" column as JSON, or its short UUID. It is shared
	// by all tables, as in OVS.
	names map[string]string
	// One map per nesting level, as an order aliases its map's storage.
	recOrder, tableOrder, rowOrder ovsjson.HashMap
	keys                           []string
	buf                            []byte
}

func (t *tool) showLog(args []string) error {
	l, err := storage.Open(dbArg(args, 0), storage.ReadOnly)
	if err != nil {
		return err
	}
	defer l.Close()
	p := &logPrinter{t: t, names: make(map[string]string)}
	for i := 0; ; i++ {
		rec, err := l.ReadRecord()
		if err == io.EOF {
			return l.TailError()
		}
		if err != nil {
			return err
		}
		p.buf = append(p.buf[:0], "record "...)
		p.buf = strconv.AppendInt(p.buf, int64(i), 10)
		p.buf = append(p.buf, ':')
		if i == 0 {
			t.out.Write(p.buf)
			s, err := ovsdb.ParseSchema(rec)
			if err != nil {
				return err
			}
			p.schema = s
			p.buf = append(p.buf[:0], " \""...)
			p.buf = append(p.buf, s.Name...)
			p.buf = append(p.buf, "\" schema, version=\""...)
			p.buf = append(p.buf, s.Version...)
			p.buf = append(p.buf, "\", cksum=\""...)
			p.buf = append(p.buf, s.Cksum...)
			p.buf = append(p.buf, "\"\n"...)
		} else {
			p.record(rec)
		}
		p.buf = append(p.buf, '\n')
		t.out.Write(p.buf)
	}
}

// record appends one transaction record's summary to p.buf.
func (p *logPrinter) record(rec ovsjson.Value) {
	if d, ok := rec.Get("_date"); ok && d.Kind == ovsjson.Integer {
		p.buf = append(p.buf, ' ')
		p.buf = appendLogDate(p.buf, d.I)
	}
	if c, ok := rec.Get("_comment"); ok && c.Kind == ovsjson.String {
		p.buf = append(p.buf, " \""...)
		p.buf = append(p.buf, c.S...)
		p.buf = append(p.buf, '"')
	}
	if p.t.more > 0 {
		p.changes(rec)
	}
}

// changes appends the tables and rows a record changes (with -mm, their
// columns too), in OVS's hash-table order.
func (p *logPrinter) changes(rec ovsjson.Value) {
	diff := false
	if v, ok := rec.Get("_is_diff"); ok && v.Kind == ovsjson.True {
		diff = true
	}
	first := true
	for _, ti := range p.recOrder.OrderKeys(p.memberKeys(rec)) {
		tm := &rec.O[ti]
		if strings.HasPrefix(tm.Key, "_") || tm.Value.Kind != ovsjson.Object {
			continue
		}
		if first {
			p.buf = append(p.buf, '\n')
			first = false
		}
		var ts *ovsdb.TableSchema
		if p.schema != nil {
			ts = p.schema.Tables[tm.Key]
		}
		rows := tm.Value
		for _, ri := range p.tableOrder.OrderKeys(p.memberKeys(rows)) {
			p.row(tm.Key, ts, &rows.O[ri], diff)
		}
	}
}

func (p *logPrinter) row(table string, ts *ovsdb.TableSchema, rm *ovsjson.Member, diff bool) {
	uuid, row := rm.Key, rm.Value
	short := uuid[:min(8, len(uuid))]
	oldName, hasOld := p.names[uuid]
	newName, hasNew := "", false
	if row.Kind == ovsjson.Object {
		if v, ok := row.Get("name"); ok {
			newName, hasNew = v.String(), true
		}
	}

	p.buf = append(p.buf, "  table "...)
	p.buf = append(p.buf, table...)
	switch {
	case hasOld:
		p.buf = append(p.buf, " row "...)
		p.buf = append(p.buf, oldName...)
		p.buf = append(p.buf, " ("...)
		p.buf = append(p.buf, short...)
		p.buf = append(p.buf, ')')
		if diff {
			p.buf = append(p.buf, " diff"...)
		}
	case hasNew:
		p.buf = append(p.buf, " insert row "...)
		p.buf = append(p.buf, newName...)
		p.buf = append(p.buf, " ("...)
		p.buf = append(p.buf, short...)
		p.buf = append(p.buf, ')')
	default:
		p.buf = append(p.buf, " insert row "...)
		p.buf = append(p.buf, short...)
	}
	p.buf = append(p.buf, ":\n"...)

	switch row.Kind {
	case ovsjson.Object:
		if p.t.more > 1 {
			for _, ci := range p.rowOrder.OrderKeys(p.memberKeys(row)) {
				cm := &row.O[ci]
				p.buf = append(p.buf, "    "...)
				p.buf = append(p.buf, cm.Key...)
				p.buf = append(p.buf, '=')
				p.buf = appendColumnValue(p.buf, ts, cm)
				p.buf = append(p.buf, '\n')
			}
		}
		if hasNew && (!hasOld || oldName != newName) {
			p.names[uuid] = newName
		} else if !hasOld {
			p.names[uuid] = short
		}
	case ovsjson.Null:
		p.buf = append(p.buf, "    delete row\n"...)
		delete(p.names, uuid)
	}
}

// memberKeys lists an object's member names in text order, for OrderKeys.
func (p *logPrinter) memberKeys(v ovsjson.Value) []string {
	p.keys = p.keys[:0]
	for i := range v.O {
		p.keys = append(p.keys, v.O[i].Key)
	}
	return p.keys
}

// appendColumnValue appends a column's value in the ovs-vsctl syntax when it
// is valid for the column's type, else as JSON (an unknown column, or a
// diff that does not fit the type).
func appendColumnValue(dst []byte, ts *ovsdb.TableSchema, cm *ovsjson.Member) []byte {
	if ts != nil {
		if c, ok := ts.Columns[cm.Key]; ok {
			if d, err := ovsdb.DatumFromJSON(&c.Type, cm.Value, nil); err == nil {
				return d.AppendString(dst, &c.Type)
			}
		}
	}
	return ovsjson.Append(dst, cm.Value, ovsjson.Sort)
}

// appendLogDate appends a record's "_date" as OVS shows it: UTC, to the
// millisecond. A value below 2^31-1 was written in seconds by an early OVS
// and is scaled, with C's wrapping multiplication. (A negative result that
// is not whole seconds, reachable only through that wrap, crashes OVS; it is
// shown here rounded down, like any other instant.)
func appendLogDate(dst []byte, d int64) []byte {
	if d < math.MaxInt32 {
		d *= 1000
	}
	sec, ms := d/1000, d%1000
	if ms < 0 {
		sec, ms = sec-1, ms+1000
	}
	tm := time.Unix(sec, 0).UTC()
	year, month, day := tm.Date()
	hour, minute, second := tm.Clock()
	dst = strconv.AppendInt(dst, int64(year), 10)
	dst = append(dst, '-')
	dst = append2(dst, int(month))
	dst = append(dst, '-')
	dst = append2(dst, day)
	dst = append(dst, ' ')
	dst = append2(dst, hour)
	dst = append(dst, ':')
	dst = append2(dst, minute)
	dst = append(dst, ':')
	dst = append2(dst, second)
	dst = append(dst, '.')
	return append(dst, byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
}

func append2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10), byte('0'+n%10))
}
