package database

import (
	"errors"
	"strings"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// ReplayFileRecord applies one record read from a database file and, when
// the record is bad, returns the error OVS reports for it. OVS checks a
// record's members in its hash-table order, so the first problem it meets
// may not be the first in the text, and a "_date" that is not an integer is
// to it a table that does not exist. ovsdb-server and ovsdb-tool both load
// files through this.
func (db *Database) ReplayFileRecord(rec ovsjson.Value) error {
	if d, ok := rec.Get("_date"); ok && d.Kind == ovsjson.Real {
		return db.replayBadDate(rec)
	}
	err := db.ApplyFileRecord(rec)
	if err == nil || IsTransactionError(err) {
		return err
	}
	// A failed record leaves the database as it was, so it can be tried
	// again in OVS's order to find the error OVS would report.
	return db.ApplyFileRecord(ovsjson.HashOrderedLevels(rec, 3))
}

// replayBadDate reports a record whose "_date" is not an integer, unless
// OVS would have found another problem first, in the members it checks
// before; whatever those apply, OVS applied too before it stopped.
func (db *Database) replayBadDate(rec ovsjson.Value) error {
	ordered := ovsjson.HashOrderedLevels(rec, 3)
	var before []ovsjson.Member
	for _, m := range ordered.O {
		if m.Key == "_date" {
			break
		}
		before = append(before, m)
	}
	if v, ok := rec.Get("_is_diff"); ok {
		before = append(before, ovsjson.M("_is_diff", v))
	}
	if err := db.ApplyFileRecord(ovsjson.Value{Kind: ovsjson.Object, O: before}); err != nil {
		return err
	}
	return &ovsdb.Error{Tag: "unknown table", Details: "No table named _date.", Syntax: rec.String()}
}

// IsTransactionError reports whether a replay error is a commit-time rule
// failing (referential integrity, set sizes, weak references) rather than a
// malformed record. OVS treats the two differently when it loads a file.
func IsTransactionError(err error) bool {
	var e *ovsdb.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Tag {
	case ovsdb.ErrReferentialIntegrity:
		return true
	case ovsdb.ErrConstraint:
		for _, p := range []string{"transaction causes", "Transaction causes", "Weak reference column", "Deletion of "} {
			if strings.HasPrefix(e.Details, p) {
				return true
			}
		}
	}
	return false
}
