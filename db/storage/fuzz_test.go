package storage

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/govs/ovs/proto/ovsjson"
)

// FuzzReadRecord reads arbitrary file contents. Whatever the bytes, reading
// ends (records, then EOF), every record is an object, a torn tail starts
// at the end of the good records, and a write after reading leaves a file
// holding exactly the good records and the new one.
func FuzzReadRecord(f *testing.F) {
	good := record(testSchema) + record(txn(1))
	f.Add([]byte(good))
	f.Add([]byte(good + record(txn(2))[:60]))
	f.Add([]byte(good + "garbage\n"))
	f.Add([]byte(good + "OVSDB JSON 3 0000000000000000000000000000000000000000\n{}\n"))
	f.Add([]byte(good + "OVSDB JSON -3 " + sha3 + "\n{}\n"))
	f.Add([]byte(record("[1]")))
	f.Add([]byte(record(" 5")))
	f.Add([]byte("OVSDB CLUSTER 3 " + sha3 + "\n{}\n"))
	f.Add([]byte(""))
	f.Add([]byte("OVSDB JSON 3 " + sha3 + "\n{}\n\x00"))

	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := Open(path, ReadWrite)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Open error %T: %v", err, err)
			}
			return
		}
		defer l.Close()
		var recs []ovsjson.Value
		for {
			v, err := l.ReadRecord()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("ReadRecord: %v", err)
			}
			if v.Kind != ovsjson.Object {
				t.Fatalf("record of kind %v", v.Kind)
			}
			recs = append(recs, v)
		}
		goodLen := l.Offset()
		if goodLen > int64(len(data)) {
			t.Fatalf("good data %d beyond file size %d", goodLen, len(data))
		}
		if off, _, torn := l.TornTail(); torn != (goodLen < int64(len(data))) || (torn && off != goodLen) {
			t.Fatalf("TornTail = %d, %v with %d of %d bytes good", off, torn, goodLen, len(data))
		}
		if err := l.WriteRecord(ovsjson.NewObject(ovsjson.M("k", ovsjson.NewInt(1)))); err != nil {
			t.Fatal(err)
		}
		if err := l.Commit(false); err != nil {
			t.Fatal(err)
		}
		l.Close()
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(data[:goodLen])+record(`{"k":1}`) {
			t.Fatalf("file after write:\n%q", got)
		}
		_, txns, err := ReadAll(path)
		if err != nil || len(txns) != len(recs) {
			t.Fatalf("reread: %d txns after %d records, %v", len(txns), len(recs), err)
		}
	})
}

func BenchmarkWriteRawCommit(b *testing.B) {
	path := newDB(b, 0)
	l, err := Open(path, ReadWrite)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	for {
		if _, err := l.ReadRecord(); err != nil {
			break
		}
	}
	rec := []byte(`{"_date":1700000000000,"t":{"00000001-0000-4000-8000-000000000000":{"s":"`)
	for len(rec) < 1024-4 {
		rec = append(rec, 'x')
	}
	rec = append(rec, `"}}}`...)
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := l.WriteRaw(rec); err != nil {
			b.Fatal(err)
		}
		if err := l.Commit(false); err != nil {
			b.Fatal(err)
		}
	}
}
