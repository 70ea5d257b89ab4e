package storage

import (
	"io"
	"os"

	"github.com/govs/ovs/proto/ovsjson"
)

// ReadAll reads a standalone database file without locking it: its first
// record (the schema) and the transaction records after it. A torn or
// corrupt record ends the file as for ovsdb-tool: the records before it are
// returned together with the error describing it.
func ReadAll(path string) (schema ovsjson.Value, txns []ovsjson.Value, err error) {
	l, err := Open(path, ReadOnly)
	if err != nil {
		return ovsjson.Value{}, nil, err
	}
	defer l.Close()
	schema, err = l.ReadRecord()
	if err != nil {
		if err == io.EOF {
			err = l.TailError()
		}
		return ovsjson.Value{}, nil, err
	}
	for {
		v, err := l.ReadRecord()
		if err == io.EOF {
			return schema, txns, l.TailError()
		}
		if err != nil {
			return schema, txns, err
		}
		txns = append(txns, v)
	}
}

// Create creates a database file holding just schema, durably, as
// "ovsdb-tool create" does. It fails if the file exists: "I/O error: PATH:
// create failed (File exists)".
func Create(path string, schema ovsjson.Value) error {
	l, err := Open(path, CreateExcl)
	if err != nil {
		return err
	}
	if err = l.WriteRecord(schema); err == nil {
		err = l.Commit(true)
	}
	if err != nil {
		// A file without its schema is no database; leaving it would
		// only make the next attempt fail with "File exists".
		os.Remove(path)
		l.Close()
		return err
	}
	return l.Close()
}

// IsStandalone reports whether path is a standalone database file, as
// "ovsdb-tool db-is-standalone" decides: true for one, false (and no error)
// for a clustered one, an *Error for anything else (missing file, empty file,
// unknown format).
func IsStandalone(path string) (bool, error) {
	magic, err := fileMagic(path)
	if err != nil {
		return false, err
	}
	return magic == Magic, nil
}

// IsClustered is IsStandalone's counterpart for clustered files.
func IsClustered(path string) (bool, error) {
	magic, err := fileMagic(path)
	if err != nil {
		return false, err
	}
	return magic == ClusterMagic, nil
}

func fileMagic(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", ioError(path, "open failed", err)
	}
	defer f.Close()
	magic, err := identify(f, path)
	if err != nil {
		return "", err
	}
	if magic != Magic && magic != ClusterMagic {
		return "", wrongMagic(path, magic)
	}
	return magic, nil
}
