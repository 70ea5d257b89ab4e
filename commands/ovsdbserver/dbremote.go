package ovsdbserver

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/server"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/ovsjson"
)

// dbRef is a "db:DB,TABLE,COLUMN" reference, as --remote and the SSL
// options accept.
type dbRef struct {
	text              string // the whole reference, for messages
	db, table, column string
}

// parseDBRef parses the part after "db:" the way OVS does, with strtok:
// empty fields are skipped and fields after the third ignored.
func parseDBRef(text string) (dbRef, error) {
	ref := dbRef{text: text}
	var fields []string
	for _, f := range strings.Split(strings.TrimPrefix(text, "db:"), ",") {
		if f != "" {
			fields = append(fields, f)
		}
	}
	if len(fields) < 3 {
		return ref, refError(text, "invalid syntax")
	}
	ref.db, ref.table, ref.column = fields[0], fields[1], fields[2]
	return ref, nil
}

// refError is a db: reference problem, worded as OVS words it. OVS ends
// these messages with a new-line, which shows as an empty line after
// "ovsdb-server: ..." when one stops the server from starting.
type refErrorT struct{ msg string }

func (e *refErrorT) Error() string { return e.msg }

func refError(text, format string, args ...any) error {
	return &refErrorT{msg: "\"" + text + "\": " + fmt.Sprintf(format, args...) + "\n"}
}

// resolve finds what ref names among the databases served.
func (s *ovsdbServer) resolve(ref dbRef) (*database.Database, *ovsdb.TableSchema, *ovsdb.ColumnSchema, error) {
	db := s.srv.Database(ref.db)
	if db == nil || ref.db == server.ServerDatabaseName {
		return nil, nil, nil, refError(ref.text, "no database named %s", ref.db)
	}
	ts := db.Schema().Tables[ref.table]
	if ts == nil {
		return nil, nil, nil, refError(ref.text, "no table named %s", ref.table)
	}
	col := ts.Columns[ref.column]
	if col == nil {
		return nil, nil, nil, refError(ref.text, "table \"%s\" has no column \"%s\"", ref.table, ref.column)
	}
	return db, ts, col, nil
}

// checkRemote checks a --remote or add-remote argument.
func (s *ovsdbServer) checkRemote(name string) error {
	if !strings.HasPrefix(name, "db:") {
		return nil
	}
	ref, err := parseDBRef(name)
	if err != nil {
		return err
	}
	_, _, _, err = s.resolve(ref)
	return err
}

// checkSSLRef checks an SSL option given in db: form: the column must hold
// strings.
func (s *ovsdbServer) checkSSLRef(text string) error {
	ref, err := parseDBRef(text)
	if err != nil {
		return err
	}
	_, _, col, err := s.resolve(ref)
	if err != nil {
		return err
	}
	if !isStringColumn(col) {
		return refError(text, "table \"%s\" column \"%s\" is not string or set of strings", ref.table, ref.column)
	}
	return nil
}

func isStringColumn(col *ovsdb.ColumnSchema) bool {
	return col.Type.Key.Type == ovsdb.TypeString && col.Type.Value.Type == ovsdb.TypeVoid
}

// statusRow is a row that configures a remote, whose status columns the
// server keeps up to date.
type statusRow struct {
	db, table string
	uuid      ovsdb.UUID
	target    string
}

var (
	targetRL = vlog.NewRateLimit(1, 1)
	dbWarnRL = vlog.NewRateLimit(1, 5)
	statusRL = vlog.NewRateLimit(1, 5)
	acceptRL = vlog.NewRateLimit(6, 5)
	listenRL = vlog.NewRateLimit(1, 5)
)

// readDBRemote adds the remotes a db: remote names to out, and the rows
// they come from to rows.
func (s *ovsdbServer) readDBRemote(name string, out map[string]remoteOptions, order *[]string, rows *[]statusRow) {
	ref, err := parseDBRef(name)
	if err == nil {
		var db *database.Database
		var ts *ovsdb.TableSchema
		var col *ovsdb.ColumnSchema
		db, ts, col, err = s.resolve(ref)
		if err == nil {
			readRemoteColumn(ref, db, ts, col, out, order, rows)
			return
		}
	}
	logServer.WarnRL(dbWarnRL, "%s", strings.TrimSuffix(err.Error(), "\n"))
}

func readRemoteColumn(ref dbRef, db *database.Database, ts *ovsdb.TableSchema, col *ovsdb.ColumnSchema,
	out map[string]remoteOptions, order *[]string, rows *[]statusRow) {
	add := func(target string, o remoteOptions) {
		if _, ok := out[target]; !ok {
			out[target] = o
			*order = append(*order, target)
		}
	}
	t := &col.Type
	switch {
	case isStringColumn(col):
		db.View(func(tx database.ReadTx) {
			tx.Rows(ts.Name, func(row *ovsdb.Row) bool {
				for _, a := range row.Fields[col.Index].Keys {
					add(a.Str(), defaultRemoteOptions(a.Str()))
				}
				return true
			})
		})
	case t.Key.Type == ovsdb.TypeUUID && t.Value.Type == ovsdb.TypeVoid && t.Key.RefTable != "":
		refTS := db.Schema().Tables[t.Key.RefTable]
		if refTS == nil {
			return
		}
		targetCol := refTS.Columns["target"]
		validTarget := targetCol != nil && isStringColumn(targetCol)
		db.View(func(tx database.ReadTx) {
			tx.Rows(ts.Name, func(row *ovsdb.Row) bool {
				for _, a := range row.Fields[col.Index].Keys {
					if !validTarget {
						logServer.InfoRL(targetRL, "Table `%s' has missing or invalid `target' column", refTS.Name)
						return false
					}
					refRow := tx.Row(refTS.Name, a.UUID())
					if refRow == nil {
						continue
					}
					tk := refRow.Fields[targetCol.Index].Keys
					if len(tk) == 0 || tk[0].Str() == "" {
						continue
					}
					target := tk[0].Str()
					add(target, rowOptions(target, refTS, refRow))
					*rows = append(*rows, statusRow{db: ref.db, table: refTS.Name, uuid: refRow.UUID, target: target})
				}
				return true
			})
		})
	}
}

// rowOptions reads a remote's options from the columns of its row that
// exist and have the right type, as OVS reads them.
func rowOptions(target string, ts *ovsdb.TableSchema, row *ovsdb.Row) remoteOptions {
	o := defaultRemoteOptions(target)
	if v, ok := intColumn(ts, row, "max_backoff"); ok {
		o.maxBackoff = time.Duration(v) * time.Millisecond
	}
	if v, ok := intColumn(ts, row, "inactivity_probe"); ok {
		o.probe = time.Duration(max(v, 0)) * time.Millisecond
	}
	if col := ts.Columns["read_only"]; col != nil && col.Type.Key.Type == ovsdb.TypeBoolean && col.Type.Value.Type == ovsdb.TypeVoid {
		if k := row.Fields[col.Index].Keys; len(k) > 0 {
			o.readOnly = k[0].Bool()
		}
	}
	if v, ok := intColumn(ts, row, "dscp"); ok {
		o.dscp = int(v)
	} else if col := ts.Columns["other_config"]; col != nil && col.Type.Key.Type == ovsdb.TypeString && col.Type.Value.Type == ovsdb.TypeString {
		d := &row.Fields[col.Index]
		if i, ok := d.Find(ovsdb.TypeString, ovsdb.StringAtom("dscp")); ok {
			if n, err := strconv.Atoi(d.Values[i].Str()); err == nil && n >= 0 && n <= 63 {
				o.dscp = n
			}
		}
	}
	return o
}

func intColumn(ts *ovsdb.TableSchema, row *ovsdb.Row, name string) (int64, bool) {
	col := ts.Columns[name]
	if col == nil || col.Type.Key.Type != ovsdb.TypeInteger || col.Type.Value.Type != ovsdb.TypeVoid {
		return 0, false
	}
	k := row.Fields[col.Index].Keys
	if len(k) == 0 {
		return 0, false
	}
	return k[0].Int(), true
}

// writeStatus brings the status columns of the rows that configure remotes
// up to date, in one transaction per database, changing only what changed.
func (s *ovsdbServer) writeStatus(now time.Time) {
	if len(s.statusRows) == 0 {
		return
	}
	sessions := s.srv.Sessions()
	ops := make(map[string][]ovsjson.Value)
	var dbOrder []string
	for _, sr := range s.statusRows {
		r := s.open[sr.target]
		if r == nil {
			continue
		}
		db := s.srv.Database(sr.db)
		if db == nil {
			continue
		}
		ts := db.Schema().Tables[sr.table]
		if ts == nil {
			continue
		}
		statusCol := ts.Columns["status"]
		if statusCol != nil && !(statusCol.Type.Key.Type == ovsdb.TypeString && statusCol.Type.Value.Type == ovsdb.TypeString) {
			statusCol = nil
		}
		connCol := ts.Columns["is_connected"]
		if connCol != nil && !(connCol.Type.Key.Type == ovsdb.TypeBoolean && connCol.Type.Value.Type == ovsdb.TypeVoid && connCol.Type.Min == 1) {
			connCol = nil
		}
		if statusCol == nil && connCol == nil {
			continue
		}
		st, connected := r.status(now, sessions)
		statusDatum := ovsdb.NewStringMap(st)
		var changed []ovsjson.Member
		db.View(func(tx database.ReadTx) {
			row := tx.Row(sr.table, sr.uuid)
			if row == nil {
				return
			}
			if connCol != nil {
				cur := row.Fields[connCol.Index].Keys
				if len(cur) != 1 || cur[0].Bool() != connected {
					changed = append(changed, ovsjson.M("is_connected", ovsjson.NewBool(connected)))
				}
			}
			if statusCol != nil && !row.Fields[statusCol.Index].Equal(&statusDatum) {
				changed = append(changed, ovsjson.M("status", statusDatum.ToJSON(&statusCol.Type)))
			}
		})
		if len(changed) == 0 {
			continue
		}
		if _, ok := ops[sr.db]; !ok {
			dbOrder = append(dbOrder, sr.db)
		}
		ops[sr.db] = append(ops[sr.db], ovsjson.NewObject(
			ovsjson.M("op", ovsjson.NewString("update")),
			ovsjson.M("table", ovsjson.NewString(sr.table)),
			ovsjson.M("where", ovsjson.NewArray(ovsjson.NewArray(
				ovsjson.NewString("_uuid"), ovsjson.NewString("=="),
				ovsjson.NewArray(ovsjson.NewString("uuid"), ovsjson.NewString(sr.uuid.String()))))),
			ovsjson.M("row", ovsjson.NewObject(changed...)),
		))
	}
	for _, name := range dbOrder {
		res, err := s.srv.Transact(name, ops[name])
		if err == nil {
			for _, r := range res.A {
				if r.Kind == ovsjson.Object && r.Has("error") {
					err = fmt.Errorf("%s", r.String())
					break
				}
			}
		}
		if err != nil {
			logServer.WarnRL(statusRL, "%s: updating remote status failed: %s", name, err.Error())
		}
	}
}
