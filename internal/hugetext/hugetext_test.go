package hugetext

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Relayout replaces the file by an identical copy (same bytes, same mode, a
// new inode) whose page cache the kernel maps with 2 MB pages.
func TestRelayout(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bin")
	data := make([]byte, 5*pmdSize+12345) // two huge pages' worth plus a tail
	rand.Read(data)
	if err := os.WriteFile(path, data, 0o751); err != nil {
		t.Fatal(err)
	}
	before := inode(t, path)
	// Through a symlink, as a tool's name points at the binary: the
	// binary is laid out and the link stays a link.
	link := filepath.Join(dir, "tool")
	if err := os.Symlink("bin", link); err != nil {
		t.Fatal(err)
	}

	res, err := Relayout(link)
	if errors.Is(err, ErrNoHugePages) {
		t.Skipf("this kernel or filesystem gives no huge folios: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if res.Size != int64(len(data)) {
		t.Errorf("result %+v, want size %d", res, len(data))
	}
	if res.Huge < pmdSize || res.Huge > res.Size {
		t.Errorf("huge-mapped bytes %d of %d", res.Huge, res.Size)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Error("contents changed")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o751 {
		t.Errorf("mode %v, want 0751", fi.Mode().Perm())
	}
	if inode(t, path) == before {
		t.Error("the file was not replaced by the laid-out copy")
	}
	// The page cache now holds huge folios: a second pass finds them
	// without a copy needing to be re-read.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	huge, err := readHuge(int(f.Fd()), res.Size)
	if err != nil {
		t.Fatal(err)
	}
	if huge < pmdSize {
		t.Errorf("second mapping: %d bytes huge-mapped", huge)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v, %v", fi, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestRelayoutRefuses(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("x"), 0o755)
	for _, p := range []string{small, dir, filepath.Join(dir, "missing")} {
		if _, err := Relayout(p); err == nil {
			t.Errorf("Relayout(%s) succeeded", p)
		}
	}
	if b, _ := os.ReadFile(small); string(b) != "x" {
		t.Errorf("small file now %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

const smaps = `00400000-008f8000 r-xp 00000000 fe:00 1234  /usr/bin/ovs
Size:               5088 kB
FilePmdMapped:      4096 kB
Locked:                0 kB
7f0c2a000000-7f0c2a400000 r--p 00200000 fe:00 99  /tmp/x
Size:               4096 kB
AnonHugePages:         0 kB
FilePmdMapped:      2048 kB
7f0c2a400000-7f0c2a600000 ---p 00000000 00:00 0
Size:               2048 kB
`

func TestFindMapping(t *testing.T) {
	for _, c := range []struct {
		addr          uintptr
		huge          int64
		start, offset uint64
		err           bool
	}{
		{0x400000, 4096 << 10, 0x400000, 0, false},
		{0x500000, 4096 << 10, 0x400000, 0, false}, // inside the first mapping
		{0x7f0c2a000000, 2048 << 10, 0x7f0c2a000000, 0x200000, false},
		{0x7f0c2a3fffff, 2048 << 10, 0x7f0c2a000000, 0x200000, false},
		{0x7f0c2a400000, 0, 0x7f0c2a400000, 0, false}, // no FilePmdMapped line: none
		{0x300000, 0, 0, 0, true},                     // no mapping holds it
	} {
		m, err := findMapping(strings.NewReader(smaps), c.addr)
		if (err != nil) != c.err || m.pmdMapped != c.huge || !c.err && (m.start != c.start || m.offset != c.offset) {
			t.Errorf("%#x: got %+v, %v; want %d huge from %#x offset %#x, error %v", c.addr, m, err, c.huge, c.start, c.offset, c.err)
		}
	}
	if _, err := findMapping(strings.NewReader("400000-500000 r-xp 0 fe:00 1\nFilePmdMapped: lots\n"), 0x400000); err == nil {
		t.Error("garbage value accepted")
	}
	// This test binary is not linked with -R 0x200000, but Self must
	// still find its own code.
	if _, _, err := Self(); err != nil {
		t.Error(err)
	}
}
