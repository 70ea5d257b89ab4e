// Package hugetext lays the binary out in the page cache as 2 MB pages, so
// that every start of a tool maps its code and read-only data with a few
// huge-page mappings instead of hundreds of small ones.
//
// Why: ovs-vsctl is started once per command by scripts and orchestrators,
// so its start-up is its speed. A Go binary that carries every OVS tool
// touches several megabytes of code and tables while it starts, and on the
// virtual machines this project runs on each 4 KB mapping it faults in
// costs ~14 us (shadow page tables). With the file's page cache held in
// 2 MB folios, the kernel maps a whole folio with one PMD on the first
// touch: `ovs-vsctl --version` went from ~10.8 to ~7.8 ms, and the 1,000
// sequential add-port benchmark from 0.27x to 0.18x of OVS's time.
//
// How, and the hard choices:
//   - The kernel maps a page-cache folio with a PMD only where the mapping's
//     address and file offset are both 2 MB aligned, so the binary is linked
//     with `-R 0x200000` (see the Makefile): every ELF segment starts on a
//     2 MB boundary, in memory and in the file.
//   - Page-cache folios are made by whoever first reads the file. A start of
//     the binary faults its code in with ordinary read-around (small
//     folios), and nothing runs early enough to change that. So the layout
//     is made ahead of time: read the file through a 2 MB aligned mapping
//     advised MADV_HUGEPAGE, which makes the kernel read it ahead in 2 MB
//     folios (ext4, XFS and tmpfs-like filesystems with large folios). The
//     folios then stay in the page cache for every later start until memory
//     pressure or a reboot evicts them; after that, starts fall back to
//     small mappings (slower, never wrong) until the layout is made again.
//   - Pages already cached cannot be re-read as huge folios while anything
//     maps them, and the process doing the layout is usually this very
//     binary. So Relayout works on a fresh copy (a new inode no one maps),
//     drops its cached pages, reads it back huge and renames it over the
//     original. Running processes keep the old inode, as after any upgrade.
//   - Whether it worked is read back from /proc/self/smaps (FilePmdMapped of
//     the aligned mapping); if the kernel or filesystem gives no huge
//     folios, the copy is removed and the original left as it was.
package hugetext

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// pmdSize is the size of an x86-64 (and arm64 4K-granule) huge page.
const pmdSize = 2 << 20

// Result says what Relayout did.
type Result struct {
	// Huge is how many bytes of the file the kernel mapped with 2 MB pages
	// after the re-read; 0 when the kernel or filesystem gives none.
	Huge int64
	// Size is the file's size.
	Size int64
}

// ErrNoHugePages is returned when the kernel read the file back in small
// pages only (transparent huge pages disabled, or a filesystem without large
// folios). The file is left untouched.
var ErrNoHugePages = errors.New("the kernel gave no 2 MB pages for this file (transparent_hugepage disabled, or no large folios on this filesystem)")

// Relayout re-reads the file at path into the page cache as 2 MB pages, by
// way of a copy that replaces it (see the package comment). On success the
// copy has replaced the file; on error the file is as it was.
func Relayout(path string) (Result, error) {
	var res Result
	// The copy replaces the file a symlink (ovs-vsctl -> ovs) points
	// to, not the link.
	path, err := filepath.EvalSymlinks(path)
	if err != nil {
		return res, err
	}
	src, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return res, err
	}
	if !fi.Mode().IsRegular() {
		return res, fmt.Errorf("%s: not a regular file", path)
	}
	res.Size = fi.Size()
	if res.Size < pmdSize {
		return res, fmt.Errorf("%s: smaller than one 2 MB page", path)
	}

	dir, base := filepath.Split(path)
	tmp, err := os.CreateTemp(dir, "."+base+".hugetext-")
	if err != nil {
		return res, err
	}
	keep := false
	defer func() {
		if !keep {
			os.Remove(tmp.Name())
		}
		tmp.Close()
	}()
	if _, err := io.Copy(tmp, src); err != nil {
		return res, fmt.Errorf("copying %s: %w", path, err)
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		return res, err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 {
		// Best effort: an installed binary keeps its owner.
		_ = tmp.Chown(int(st.Uid), int(st.Gid))
	}
	// Only clean pages can be dropped: write the copy out first.
	if err := tmp.Sync(); err != nil {
		return res, err
	}
	fd := int(tmp.Fd())
	if err := unix.Fadvise(fd, 0, 0, unix.FADV_DONTNEED); err != nil {
		return res, fmt.Errorf("dropping cached pages: %w", err)
	}
	if res.Huge, err = readHuge(fd, res.Size); err != nil {
		return res, err
	}
	if res.Huge == 0 {
		return res, ErrNoHugePages
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return res, err
	}
	keep = true
	return res, nil
}

// readHuge maps the file at a 2 MB aligned address, advises huge pages and
// touches every 2 MB of it, so that the kernel reads it into the page cache
// in 2 MB folios. It returns how many bytes ended up mapped by PMDs.
func readHuge(fd int, size int64) (int64, error) {
	// Reserve enough address space to find a 2 MB aligned start inside it.
	span := int(size) + pmdSize
	res, err := unix.Mmap(-1, 0, span, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return 0, fmt.Errorf("reserving address space: %w", err)
	}
	defer unix.Munmap(res)
	base := unsafe.Pointer(unsafe.SliceData(res))
	skip := (pmdSize - uintptr(base)%pmdSize) % pmdSize
	addr := unsafe.Add(base, skip)
	// The file goes over the reservation at the aligned address (MAP_FIXED
	// replaces that part of it; the whole reservation is unmapped at the end).
	got, err := unix.MmapPtr(fd, 0, addr, uintptr(size), unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_FIXED)
	if err != nil {
		return 0, fmt.Errorf("mapping the file: %w", err)
	}
	if got != addr {
		return 0, fmt.Errorf("mapping the file: kernel chose %p, not %p", got, addr)
	}
	m := unsafe.Slice((*byte)(addr), int(size))
	if err := unix.Madvise(m, unix.MADV_HUGEPAGE); err != nil {
		return 0, fmt.Errorf("madvise(MADV_HUGEPAGE): %w", err)
	}
	var sum byte
	for off := 0; off < len(m); off += pmdSize {
		sum += m[off]
	}
	sink = sum
	return pmdMapped(uintptr(addr))
}

// sink keeps the touches above from being optimised away.
var sink byte

// pmdMapped reads FilePmdMapped of the mapping that holds addr from
// /proc/self/smaps.
func pmdMapped(addr uintptr) (int64, error) {
	m, err := selfMapping(addr)
	return m.pmdMapped, err
}

// Self reports how this process's own code is mapped: huge is how many
// bytes the kernel maps with 2 MB pages (non-zero when the binary was
// started from a laid-out page cache; zero when its pages were read back
// in small ones, after a reboot or memory pressure, and a Relayout would
// pay off again); aligned is whether the code's mapping starts on a 2 MB
// boundary in memory and in the file, without which no layout can help
// (a binary linked without -R 0x200000).
func Self() (huge int64, aligned bool, err error) {
	m, err := selfMapping(reflect.ValueOf(Self).Pointer())
	return m.pmdMapped, m.start%pmdSize == 0 && m.offset%pmdSize == 0, err
}

// mapping is what smaps says about one mapping.
type mapping struct {
	start, end, offset uint64
	pmdMapped          int64 // bytes
}

func selfMapping(addr uintptr) (mapping, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return mapping{}, err
	}
	defer f.Close()
	return findMapping(f, addr)
}

// findMapping parses smaps text for the mapping that holds addr.
func findMapping(r io.Reader, addr uintptr) (mapping, error) {
	var m mapping
	sc := bufio.NewScanner(r)
	in := false
	for sc.Scan() {
		line := sc.Bytes()
		if h, ok := parseHeader(line); ok {
			if in {
				break
			}
			if in = h.start <= uint64(addr) && uint64(addr) < h.end; in {
				m = h
			}
			continue
		}
		if !in || !bytes.HasPrefix(line, []byte("FilePmdMapped:")) {
			continue
		}
		fields := bytes.Fields(line[len("FilePmdMapped:"):])
		if len(fields) != 2 || string(fields[1]) != "kB" {
			return m, fmt.Errorf("smaps: unexpected line %q", line)
		}
		kb, err := strconv.ParseInt(string(fields[0]), 10, 64)
		if err != nil {
			return m, fmt.Errorf("smaps: %q: %w", line, err)
		}
		m.pmdMapped = kb << 10
	}
	if err := sc.Err(); err != nil {
		return m, err
	}
	if !in {
		return m, fmt.Errorf("smaps: no mapping holds %#x", addr)
	}
	// Kernels without file THP support have no FilePmdMapped line: none.
	return m, nil
}

// parseHeader parses an smaps line that begins a mapping
// ("7f0c2a000000-7f0c2a400000 r--p 00200000 fe:00 1234 /path"); ok is
// false for the "Key: value" lines in between.
func parseHeader(line []byte) (h mapping, ok bool) {
	f := bytes.Fields(line)
	if len(f) < 3 {
		return h, false
	}
	lo, hi, found := bytes.Cut(f[0], []byte("-"))
	if !found {
		return h, false
	}
	var err1, err2, err3 error
	h.start, err1 = strconv.ParseUint(string(lo), 16, 64)
	h.end, err2 = strconv.ParseUint(string(hi), 16, 64)
	h.offset, err3 = strconv.ParseUint(string(f[2]), 16, 64)
	return h, err1 == nil && err2 == nil && err3 == nil
}
