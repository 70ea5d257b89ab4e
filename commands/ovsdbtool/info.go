package ovsdbtool

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/proto/ovsjson"
)

// dbArg is the database file operand at index i, or the default database.
func dbArg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return paths.DefaultDB()
}

// schemaArg reads the schema file operand at index i. Without one it reads
// the default schema file, and when that does not exist (a system without
// OVS's data files) the vswitch schema built into the binary, which is the
// same text.
func schemaArg(args []string, i int) (*ovsdb.Schema, error) {
	if i < len(args) {
		return parseSchemaFile(args[i])
	}
	path := paths.DefaultSchema()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		v, err := ovsjson.Parse(ovsdb.VswitchSchemaText())
		if err != nil {
			return nil, err
		}
		return ovsdb.ParseSchema(v)
	}
	return parseSchemaFile(path)
}

// parseSchemaFile is ovsdb.ParseSchemaFile, except that a file holding a
// lone scalar is not JSON to OVS (see parseTopLevel) and is reported so.
func parseSchemaFile(path string) (*ovsdb.Schema, error) {
	if text, err := os.ReadFile(path); err == nil {
		if msg, ok := scalarAtTop(string(text)); ok {
			return nil, ovsdb.Errorf("failed to read schema", "\"%s\" could not be read as JSON (%s)", path, msg)
		}
	}
	return ovsdb.ParseSchemaFile(path)
}

// readDBSchema reads the schema a standalone database file starts with.
func readDBSchema(path string) (*ovsdb.Schema, error) {
	l, err := storage.Open(path, storage.ReadOnly)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	return readSchemaRecord(l)
}

// readSchemaRecord reads and parses the first record of an open log.
func readSchemaRecord(l *storage.Log) (*ovsdb.Schema, error) {
	v, err := l.ReadRecord()
	if err == io.EOF {
		if err = l.TailError(); err == nil {
			err = &storage.Error{Tag: storage.TagIO, Msg: l.Path() + ": unexpected end of file", Err: io.EOF}
		}
	}
	if err != nil {
		return nil, err
	}
	return ovsdb.ParseSchema(v)
}

func (t *tool) create(args []string) error {
	schema, err := schemaArg(args, 1)
	if err != nil {
		return err
	}
	return storage.Create(dbArg(args, 0), schema.ToJSON())
}

func (t *tool) dbName(args []string) error {
	path := dbArg(args, 0)
	s, err := readDBSchema(path)
	if errors.Is(err, storage.ErrClustered) {
		name, err := clusterName(path)
		if err != nil {
			return err
		}
		fmt.Fprintln(t.out, name)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(t.out, s.Name)
	return nil
}

func (t *tool) dbVersion(args []string) error {
	s, err := readDBSchema(dbArg(args, 0))
	if err != nil {
		return err
	}
	fmt.Fprintln(t.out, s.Version)
	return nil
}

func (t *tool) dbCksum(args []string) error {
	s, err := readDBSchema(dbArg(args, 0))
	if err != nil {
		return err
	}
	fmt.Fprintln(t.out, s.Cksum)
	return nil
}

func (t *tool) schemaName(args []string) error {
	s, err := schemaArg(args, 0)
	if err != nil {
		return err
	}
	fmt.Fprintln(t.out, s.Name)
	return nil
}

func (t *tool) schemaVersion(args []string) error {
	s, err := schemaArg(args, 0)
	if err != nil {
		return err
	}
	fmt.Fprintln(t.out, s.Version)
	return nil
}

func (t *tool) schemaCksum(args []string) error {
	s, err := schemaArg(args, 0)
	if err != nil {
		return err
	}
	fmt.Fprintln(t.out, s.Cksum)
	return nil
}

func (t *tool) dbIsStandalone(args []string) error {
	ok, err := storage.IsStandalone(args[0])
	return yesNo(ok, err)
}

func (t *tool) dbIsClustered(args []string) error {
	ok, err := storage.IsClustered(args[0])
	return yesNo(ok, err)
}

// yesNo turns a test into OVS's exit statuses: 0 for yes, 2 for no, 1 (with
// a message) for an error.
func yesNo(ok bool, err error) error {
	switch {
	case err != nil:
		return err
	case !ok:
		return exitStatus(2)
	}
	return nil
}

func (t *tool) needsConversion(args []string) error {
	old, err := readDBSchema(dbArg(args, 0))
	if err != nil {
		return err
	}
	s, err := schemaArg(args, 1)
	if err != nil {
		return err
	}
	if schemasEqual(old, s) {
		io.WriteString(t.out, "no\n")
	} else {
		io.WriteString(t.out, "yes\n")
	}
	return nil
}

// schemasEqual compares schemas as OVS does, by their JSON forms, so that
// spelling differences in the files (member order, "min": 1 written out)
// do not count but the version and checksum do.
func schemasEqual(a, b *ovsdb.Schema) bool {
	return bytes.Equal(ovsjson.Append(nil, a.ToJSON(), ovsjson.Sort),
		ovsjson.Append(nil, b.ToJSON(), ovsjson.Sort))
}

func (t *tool) compareVersions(args []string) error {
	a, ok := ovsdb.ParseVersion(args[0])
	if !ok {
		return fmt.Errorf("%s: not an OVSDB version number in format x.y.z", args[0])
	}
	b, ok := ovsdb.ParseVersion(args[2])
	if !ok {
		return fmt.Errorf("%s: not an OVSDB version number in format x.y.z", args[2])
	}
	c := compareVersion(a, b)
	var result bool
	switch args[1] {
	case "<":
		result = c < 0
	case "<=":
		result = c <= 0
	case "==":
		result = c == 0
	case ">=":
		result = c >= 0
	case ">":
		result = c > 0
	case "!=":
		result = c != 0
	default:
		return fmt.Errorf("%s: not a relational operator", args[1])
	}
	if !result {
		return exitStatus(2)
	}
	return nil
}

func compareVersion(a, b [3]uint32) int {
	for i := range a {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}
