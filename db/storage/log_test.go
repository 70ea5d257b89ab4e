package storage

import (
	"bytes"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/govs/ovs/proto/ovsjson"
)

const testSchema = `{"name":"T","version":"1.0.0","tables":{"t":{"columns":{"n":{"type":"integer"},"s":{"type":"string"}}}}}`

func mustParse(t testing.TB, s string) ovsjson.Value {
	t.Helper()
	v, err := ovsjson.ParseString(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

func txn(i int) string {
	return fmt.Sprintf(`{"_date":%d,"t":{"%08x-0000-4000-8000-000000000000":{"n":%d,"s":"row %d"}},"_comment":"txn %d"}`, 1700000000000+i, i, i, i, i)
}

// record returns the bytes of one record as OVS frames it.
func record(body string) string {
	b := body + "\n"
	return fmt.Sprintf("OVSDB JSON %d %x\n%s", len(b), sha1.Sum([]byte(b)), b)
}

// newDB creates a database with the test schema and n transactions and
// returns its path.
func newDB(t testing.TB, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.db")
	if err := Create(path, mustParse(t, testSchema)); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return path
	}
	l, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := l.ReadRecord(); err != nil {
			break
		}
	}
	for i := 1; i <= n; i++ {
		if err := l.WriteRecord(mustParse(t, txn(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Commit(false); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func readAllValues(t *testing.T, l *Log) []ovsjson.Value {
	t.Helper()
	var out []ovsjson.Value
	for {
		v, err := l.ReadRecord()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
}

func TestRoundTrip(t *testing.T) {
	path := newDB(t, 3)
	want := record(testSchema) + record(txn(1)) + record(txn(2)) + record(txn(3))
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("file:\n%s\nwant:\n%s", got, want)
	}

	schema, txns, err := ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	if !ovsjson.Equal(schema, mustParse(t, testSchema)) {
		t.Errorf("schema = %v", schema)
	}
	if len(txns) != 3 {
		t.Fatalf("got %d txns", len(txns))
	}
	for i, v := range txns {
		if !ovsjson.Equal(v, mustParse(t, txn(i+1))) {
			t.Errorf("txn %d = %v", i+1, v)
		}
	}

	// Reopen, read, append more; WriteRaw and WriteRecord agree.
	l, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(readAllValues(t, l)); n != 4 {
		t.Fatalf("read %d records", n)
	}
	if l.Offset() != int64(len(want)) {
		t.Errorf("Offset = %d, want %d", l.Offset(), len(want))
	}
	if err := l.WriteRaw([]byte(txn(4))); err != nil {
		t.Fatal(err)
	}
	if l.Offset() != int64(len(want)+len(record(txn(4)))) {
		t.Errorf("Offset with pending record = %d", l.Offset())
	}
	if err := l.Commit(true); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	if string(got) != want+record(txn(4)) {
		t.Fatalf("after append:\n%s", got)
	}
}

func TestDurableCommitReachesFile(t *testing.T) {
	path := newDB(t, 0)
	l, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	readAllValues(t, l)
	if err := l.WriteRecord(mustParse(t, txn(1))); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if bytes.Contains(before, []byte("txn 1")) {
		t.Fatal("record written before Commit")
	}
	if err := l.Commit(true); err != nil {
		t.Fatal(err)
	}
	// A second reader (no lock needed) sees the committed record.
	_, txns, err := ReadAll(path)
	if err != nil || len(txns) != 1 {
		t.Fatalf("ReadAll after durable commit: %d txns, %v", len(txns), err)
	}
}

func TestWriteRejectsNonObjects(t *testing.T) {
	path := newDB(t, 0)
	l, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, v := range []ovsjson.Value{ovsjson.NewArray(), ovsjson.NewInt(1), ovsjson.NewNull()} {
		if err := l.WriteRecord(v); err == nil {
			t.Errorf("WriteRecord(%v) succeeded", v)
		}
	}
	if err := l.WriteRaw([]byte(`[1]`)); err == nil {
		t.Error("WriteRaw of an array succeeded")
	}
	if err := l.WriteRecord(ovsjson.NewRaw(`{"a":1}`)); err != nil {
		t.Errorf("WriteRecord(raw object): %v", err)
	}
}

func TestReadOnly(t *testing.T) {
	path := newDB(t, 1)
	l, err := Open(path, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if n := len(readAllValues(t, l)); n != 2 {
		t.Fatalf("read %d records", n)
	}
	if err := l.WriteRecord(mustParse(t, txn(2))); err == nil {
		t.Fatal("write to read-only log succeeded")
	}
	// Read-only opens take no lock: a writer can open alongside.
	w, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatalf("writer beside reader: %v", err)
	}
	w.Close()
}

// tornCase is a way of damaging the tail of a file; reason is the error OVS
// reports for it, with OFF standing for the offset of the damaged record and
// BODY for that of its body.
type tornCase struct {
	name   string
	mangle func(good []byte) []byte
	reason string
}

var sha3 = fmt.Sprintf("%x", sha1.Sum([]byte("{}\n")))

var tornCases = []tornCase{
	{"truncated body", func(b []byte) []byte { return append(b, record(txn(9))[:70]...) },
		"I/O error: PATH: error reading 108 bytes starting at offset BODY (End of file)"},
	{"short header", func(b []byte) []byte { return append(b, "OVSDB JS"...) },
		`syntax error: PATH: parse error at offset OFF in header line "OVSDB JS"`},
	{"header without newline", func(b []byte) []byte { return append(b, "OVSDB JSON 3 "+sha3...) },
		`syntax error: PATH: parse error at offset OFF in header line "OVSDB JSON"`},
	{"garbage", func(b []byte) []byte { return append(b, "garbage here\nmore\n"...) },
		`syntax error: PATH: parse error at offset OFF in header line "garbage here"`},
	{"zeros", func(b []byte) []byte { return append(b, 0, 0, 0, 0, 0, 0) },
		`syntax error: PATH: parse error at offset OFF in header line ""`},
	{"blank line", func(b []byte) []byte { return append(b, '\n') },
		`syntax error: PATH: parse error at offset OFF in header line ""`},
	{"bad sha1", func(b []byte) []byte {
		return append(b, "OVSDB JSON 3 0000000000000000000000000000000000000000\n{}\n"...)
	}, "syntax error: PATH: 3 bytes starting at offset BODY have SHA-1 hash " + sha3 + " but should have hash 0000000000000000000000000000000000000000"},
	{"flipped byte", func(b []byte) []byte {
		r := []byte(record(txn(9)))
		r[len(r)-5] ^= 1
		return append(b, r...)
	}, "syntax error: PATH: 108 bytes starting at offset BODY have SHA-1 hash "},
	{"bad json", func(b []byte) []byte { return append(b, record("[1,")...) },
		"syntax error: PATH: 4 bytes starting at offset BODY are not valid JSON (line 1, column 0, byte 4: unexpected end of input)"},
	{"not an object", func(b []byte) []byte { return append(b, record("[1]")...) },
		"syntax error: PATH: 4 bytes starting at offset BODY are not a JSON object"},
	{"scalar", func(b []byte) []byte { return append(b, record("5")...) },
		"syntax error: PATH: 2 bytes starting at offset BODY are not valid JSON (line 0, column 1, byte 1: syntax error at beginning of input)"},
	{"string", func(b []byte) []byte { return append(b, record(` "s"`)...) },
		"syntax error: PATH: 5 bytes starting at offset BODY are not valid JSON (line 0, column 3, byte 3: syntax error at beginning of input)"},
	{"huge length", func(b []byte) []byte { return append(b, "OVSDB JSON 9999999999 "+sha3+"\n{}\n"...) },
		"I/O error: PATH: error reading 9999999999 bytes starting at offset BODY (End of file)"},
	{"negative length", func(b []byte) []byte { return append(b, "OVSDB JSON -3 "+sha3+"\n{}\n"...) },
		"I/O error: PATH: error reading 18446744073709551613 bytes starting at offset BODY (End of file)"},
	{"zero length", func(b []byte) []byte { return append(b, "OVSDB JSON 0 "+sha3+"\n"...) },
		`syntax error: PATH: parse error at offset OFF in header line "OVSDB JSON"`},
	{"cluster record", func(b []byte) []byte { return append(b, "OVSDB CLUSTER 3 "+sha3+"\n{}\n"...) },
		`syntax error: PATH: parse error at offset OFF in header line "OVSDB CLUSTER"`},
	{"long line", func(b []byte) []byte { return append(b, strings.Repeat("a", 300)+"\n"...) },
		`syntax error: PATH: parse error at offset OFF in header line "` + strings.Repeat("a", 127) + `"`},
}

// expand fills in the placeholders of a tornCase reason.
func expand(reason, path string, off int64, damaged []byte) string {
	body := off
	if i := bytes.IndexByte(damaged[off:], '\n'); i >= 0 {
		body = off + int64(i) + 1
	}
	r := strings.ReplaceAll(reason, "PATH", path)
	r = strings.ReplaceAll(r, "BODY", fmt.Sprint(body))
	return strings.ReplaceAll(r, "OFF", fmt.Sprint(off))
}

func TestTornTail(t *testing.T) {
	for _, tc := range tornCases {
		t.Run(tc.name, func(t *testing.T) {
			path := newDB(t, 2)
			good, _ := os.ReadFile(path)
			damaged := tc.mangle(append([]byte(nil), good...))
			if err := os.WriteFile(path, damaged, 0o640); err != nil {
				t.Fatal(err)
			}
			want := expand(tc.reason, path, int64(len(good)), damaged)

			// Read-only: good records, then EOF and the report.
			_, txns, err := ReadAll(path)
			if len(txns) != 2 {
				t.Fatalf("ReadAll kept %d txns", len(txns))
			}
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("ReadAll error:\n got %v\nwant %s", err, want)
			}

			l, err := Open(path, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(readAllValues(t, l)); n != 3 {
				t.Fatalf("read %d records before the damage", n)
			}
			off, reason, torn := l.TornTail()
			if !torn || off != int64(len(good)) || !strings.HasPrefix(reason, want) {
				t.Fatalf("TornTail = %d, %q, %v; want %d, %q", off, reason, torn, len(good), want)
			}
			// Nothing is cut before the first write.
			if got, _ := os.ReadFile(path); !bytes.Equal(got, damaged) {
				t.Fatal("file changed before the first write")
			}
			if err := l.WriteRecord(mustParse(t, txn(3))); err != nil {
				t.Fatal(err)
			}
			if err := l.Commit(false); err != nil {
				t.Fatal(err)
			}
			l.Close()
			got, _ := os.ReadFile(path)
			if string(got) != string(good)+record(txn(3)) {
				t.Fatalf("after write:\n%q\nwant good records + new one", got)
			}
		})
	}
}

func TestTornFirstRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	os.WriteFile(path, []byte("OVSDB JSON 3 "+sha3+"\n[]\n"), 0o640)
	_, _, err := ReadAll(path)
	want := "syntax error: " + path + ": 3 bytes starting at offset 54 have SHA-1 hash cd0d4cc32346750408f7d4f5e78ec9a6e5b79a0d but should have hash " + sha3
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	os.WriteFile(path, []byte("OVSDB JSON 3 "+sha3+"\n"), 0o640)
	_, _, err = ReadAll(path)
	want = "I/O error: " + path + ": error reading 3 bytes starting at offset 54 (End of file)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

func TestHeaderLeniency(t *testing.T) {
	// Headers OVS accepts although it never writes them.
	for _, hdr := range []string{
		"OVSDB JSON 03 " + sha3,
		"OVSDB JSON +3 " + sha3,
		"OVSDB JSON  3 " + sha3,
		"OVSDB JSON \t3 " + sha3,
		"OVSDB JSON 3 " + strings.ToUpper(sha3),
	} {
		path := newDB(t, 0)
		f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString(hdr + "\n{}\n")
		f.Close()
		_, txns, err := ReadAll(path)
		if err != nil || len(txns) != 1 {
			t.Errorf("%q: %d txns, %v", hdr, len(txns), err)
		}
	}
}

func TestStrtoull(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    uint64
		rest string
		ok   bool
	}{
		{"3 x", 3, " x", true},
		{"  -1", 1<<64 - 1, "", true},
		{"-18446744073709551615", 1, "", true},
		{"18446744073709551616", 0, "", false},
		{"x", 0, "", false},
		{"+", 0, "", false},
		{"0x3", 0, "x3", true},
	} {
		n, rest, ok := strtoull([]byte(tc.in))
		if ok != tc.ok || (ok && (n != tc.n || string(rest) != tc.rest)) {
			t.Errorf("strtoull(%q) = %d, %q, %v", tc.in, n, rest, ok)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o640)
		return p
	}
	cases := []struct {
		path string
		want string
	}{
		{filepath.Join(dir, "missing.db"), "I/O error: PATH: open failed (No such file or directory)"},
		{write("empty.db", ""), "ovsdb error: PATH: cannot identify file type"},
		{write("junk.db", "hello\n"), "ovsdb error: PATH: unexpected file format"},
		{write("short.db", "OVSDB JSON 3 "+sha3), "ovsdb error: PATH: unexpected file format"},
		{write("foo.db", "OVSDB FOO 3 "+sha3+"\n{}\n"), "ovsdb error: PATH: cannot identify file type"},
		{write("cl.db", "OVSDB CLUSTER 3 "+sha3+"\n{}\n"), "ovsdb error: PATH: cannot apply this operation to clustered database file"},
		{dir, "I/O error: PATH: read error (Is a directory)"},
	}
	for _, c := range cases {
		want := strings.ReplaceAll(c.want, "PATH", c.path)
		_, err := Open(c.path, ReadOnly)
		if err == nil || err.Error() != want {
			t.Errorf("Open(%s): got %v, want %s", filepath.Base(c.path), err, want)
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Open(%s): %T is not *Error", filepath.Base(c.path), err)
		}
	}
	_, err := Open(filepath.Join(dir, "cl.db"), ReadOnly)
	if !errors.Is(err, ErrClustered) {
		t.Errorf("clustered file error %v does not match ErrClustered", err)
	}
	if ok, err := IsStandalone(filepath.Join(dir, "cl.db")); ok || err != nil {
		t.Errorf("IsStandalone(cluster) = %v, %v", ok, err)
	}
	if ok, err := IsClustered(filepath.Join(dir, "cl.db")); !ok || err != nil {
		t.Errorf("IsClustered(cluster) = %v, %v", ok, err)
	}
	if _, err := IsStandalone(filepath.Join(dir, "junk.db")); err == nil {
		t.Error("IsStandalone(junk) gave no error")
	}
	db := newDB(t, 0)
	if ok, err := IsStandalone(db); !ok || err != nil {
		t.Errorf("IsStandalone(db) = %v, %v", ok, err)
	}
	if ok, err := IsClustered(db); ok || err != nil {
		t.Errorf("IsClustered(db) = %v, %v", ok, err)
	}
	_, err = Open(filepath.Join(dir, "nodir", "x.db"), ReadWrite)
	if want := "I/O error: " + filepath.Join(dir, "nodir", "x.db") + ": failed to lock lockfile (No such file or directory)"; err == nil || err.Error() != want {
		t.Errorf("Open in missing dir: %v", err)
	}
}

func TestCreateExisting(t *testing.T) {
	path := newDB(t, 0)
	err := Create(path, mustParse(t, testSchema))
	want := "I/O error: " + path + ": create failed (File exists)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if !errors.Is(err, os.ErrExist) {
		t.Errorf("%v does not match os.ErrExist", err)
	}
	var e *Error
	if errors.As(err, &e); e.Detail() != path+": create failed (File exists)" {
		t.Errorf("Detail = %q", e.Detail())
	}
	if _, err := os.Stat(LockPath(path)); err != nil {
		t.Errorf("lock file: %v", err)
	}
}

func TestLockContentionInProcess(t *testing.T) {
	path := newDB(t, 0)
	l, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, ReadWrite)
	want := "I/O error: " + path + ": failed to lock lockfile (Resource deadlock avoided)"
	if err == nil || err.Error() != want {
		t.Fatalf("second Open: %v", err)
	}
	if !errors.Is(err, syscall.EDEADLK) {
		t.Errorf("%v is not EDEADLK", err)
	}
	// Through a symlink, the same lock.
	link := filepath.Join(t.TempDir(), "link.db")
	os.Symlink(path, link)
	if LockPath(link) != LockPath(path) {
		t.Errorf("LockPath(link) = %s, want %s", LockPath(link), LockPath(path))
	}
	if _, err := Open(link, ReadWrite); err == nil {
		t.Fatal("Open through symlink got the lock twice")
	}
	// The failed attempts must not have dropped the real lock: after
	// Close, a new Open succeeds, and before it none did.
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l2, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	l2.Close()
}

func TestLockPath(t *testing.T) {
	for in, want := range map[string]string{
		"x.db":           ".x.db.~lock~",
		"/etc/ovs/c.db":  "/etc/ovs/.c.db.~lock~",
		"nodir/x.db":     "nodir/.x.db.~lock~",
		"/no/such/x.db":  "/no/such/.x.db.~lock~",
		"a/b/../c/x.db":  "a/b/../c/.x.db.~lock~",
		"relative/y.db":  "relative/.y.db.~lock~",
		"/trailing/z.db": "/trailing/.z.db.~lock~",
	} {
		if got := LockPath(in); got != want {
			t.Errorf("LockPath(%q) = %q, want %q", in, got, want)
		}
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "real"), 0o755)
	os.Symlink("real/r.db", filepath.Join(dir, "l.db"))
	if got, want := LockPath(filepath.Join(dir, "l.db")), filepath.Join(dir, "real")+"/.r.db.~lock~"; got != want {
		t.Errorf("relative symlink: %s, want %s", got, want)
	}
}

func TestReplace(t *testing.T) {
	path := newDB(t, 5)
	l, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	readAllValues(t, l)
	os.Chmod(path, 0o600)
	snap := `{"_date":1700000009999,"t":{"00000001-0000-4000-8000-000000000000":{"n":1}},"_comment":"compacting database online","_is_diff":true}`
	if err := l.Replace([]ovsjson.Value{mustParse(t, testSchema), ovsjson.NewRaw(snap)}); err != nil {
		t.Fatal(err)
	}
	want := record(testSchema) + record(snap)
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Fatalf("after Replace:\n%s", got)
	}
	if l.Offset() != int64(len(want)) {
		t.Errorf("Offset = %d, want %d", l.Offset(), len(want))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after Replace = %v", fi.Mode())
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
	// Appends go to the new file, and the lock is still held.
	if err := l.WriteRecord(mustParse(t, txn(6))); err != nil {
		t.Fatal(err)
	}
	if err := l.Commit(false); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != want+record(txn(6)) {
		t.Fatalf("append after Replace:\n%s", got)
	}
	if _, err := Open(path, ReadWrite); err == nil {
		t.Fatal("lock lost by Replace")
	}
}

func TestReplaceThroughSymlink(t *testing.T) {
	real := newDB(t, 1)
	link := filepath.Join(t.TempDir(), "link.db")
	os.Symlink(real, link)
	l, err := Open(link, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Replace([]ovsjson.Value{mustParse(t, testSchema)}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("symlink replaced by a file: %v", err)
	}
	if got, _ := os.ReadFile(real); string(got) != record(testSchema) {
		t.Fatalf("target after Replace:\n%s", got)
	}
}

func TestReplaceFailureKeepsOldFile(t *testing.T) {
	for _, failAt := range []int{0, 1, 2} {
		t.Run(fmt.Sprint(failAt), func(t *testing.T) {
			path := newDB(t, 3)
			l, err := Open(path, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			readAllValues(t, l)
			// A buffered record is written to the old file first.
			l.WriteRecord(mustParse(t, txn(4)))
			old := string(must(os.ReadFile(path))) + record(txn(4))

			replaceHook = func(i int) error {
				if i == failAt {
					return syscall.ENOSPC
				}
				return nil
			}
			defer func() { replaceHook = nil }()
			// Large records so that some bytes do reach the temporary file.
			big := fmt.Sprintf(`{"t":{"00000001-0000-4000-8000-000000000000":{"s":"%s"}}}`, strings.Repeat("x", 2<<20))
			err = l.Replace([]ovsjson.Value{mustParse(t, testSchema), mustParse(t, big)})
			if err == nil || !strings.Contains(err.Error(), "x.db.tmp: write failed (No space left on device)") {
				t.Fatalf("Replace error = %v", err)
			}
			if got := string(must(os.ReadFile(path))); got != old {
				t.Fatal("old file changed by failed Replace")
			}
			if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
				t.Errorf("temporary file left: %v", err)
			}
			// The log still appends to the old file.
			replaceHook = nil
			if err := l.WriteRecord(mustParse(t, txn(5))); err != nil {
				t.Fatal(err)
			}
			if err := l.Commit(true); err != nil {
				t.Fatal(err)
			}
			if got := string(must(os.ReadFile(path))); got != old+record(txn(5)) {
				t.Fatal("append after failed Replace went astray")
			}
		})
	}
}

func TestReplaceRemovesStaleTemp(t *testing.T) {
	path := newDB(t, 1)
	os.WriteFile(path+".tmp", []byte("leftover"), 0o640)
	l, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Replace([]ovsjson.Value{mustParse(t, testSchema)}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
}

func TestCloseFlushes(t *testing.T) {
	path := newDB(t, 0)
	l, _ := Open(path, ReadWrite)
	readAllValues(t, l)
	l.WriteRecord(mustParse(t, txn(1)))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, txns, _ := ReadAll(path); len(txns) != 1 {
		t.Fatal("buffered record lost at Close")
	}
	if err := l.WriteRecord(mustParse(t, txn(2))); err == nil {
		t.Fatal("write after Close succeeded")
	}
}

func TestLargeBufferFlushesEarly(t *testing.T) {
	path := newDB(t, 0)
	l, _ := Open(path, ReadWrite)
	defer l.Close()
	readAllValues(t, l)
	big := []byte(fmt.Sprintf(`{"s":"%s"}`, strings.Repeat("y", flushThreshold)))
	if err := l.WriteRaw(big); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Size() != l.Offset() {
		t.Fatalf("file size %d, Offset %d: large record not written out", fi.Size(), l.Offset())
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestLargeRecordBehindBuffered writes a record too big to buffer after
// small ones still buffered: all go out, in order and framed as OVS frames
// them.
func TestLargeRecordBehindBuffered(t *testing.T) {
	path := newDB(t, 0)
	l, _ := Open(path, ReadWrite)
	readAllValues(t, l)
	start := l.Offset()
	big := fmt.Sprintf(`{"s":"%s"}`, strings.Repeat("y", flushThreshold))
	for _, rec := range []string{txn(1), txn(2), big, txn(3)} {
		if err := l.WriteRaw([]byte(rec)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Commit(false); err != nil {
		t.Fatal(err)
	}
	l.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := record(txn(1)) + record(txn(2)) + record(big) + record(txn(3))
	if got := string(data[start:]); got != want {
		t.Fatalf("file holds %d bytes after the schema, want %d", len(got), len(want))
	}
	if _, txns, err := ReadAll(path); err != nil || len(txns) != 4 {
		t.Fatalf("read back %d records: %v", len(txns), err)
	}
}
