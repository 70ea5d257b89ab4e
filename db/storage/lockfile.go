package storage

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/internal/vlog"
)

// lockLog is OVS's "lockfile" module: its warnings are what a user sees
// when a database is busy, so they carry OVS's words.
var lockLog = vlog.NewModule("lockfile")

// maxSymlinks bounds symlink resolution, so a loop ends.
const maxSymlinks = 10

// LockPath returns the lock file OVS uses for the database at path:
// ".<name>.~lock~" next to the file that path finally resolves to, so that
// every name for one database shares one lock.
func LockPath(path string) string {
	p := followSymlinks(path)
	dir, base := splitPath(p)
	return dir + "." + base + ".~lock~"
}

// splitPath splits after the last slash, keeping the directory exactly as
// written (no cleaning) because OVS prints these names.
func splitPath(p string) (dir, base string) {
	i := strings.LastIndexByte(p, '/')
	return p[:i+1], p[i+1:]
}

// followSymlinks resolves path the way OVS does before naming its lock and
// temporary files: relative link targets are taken relative to the link's
// directory, and nothing else about the name is normalised.
func followSymlinks(path string) string {
	p := path
	for range maxSymlinks {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return p
		}
		target, err := os.Readlink(p)
		if err != nil {
			return p
		}
		if !filepath.IsAbs(target) {
			dir, _ := splitPath(p)
			target = dir + target
		}
		p = target
	}
	return p
}

// lockKey identifies a lock file by inode, as names can alias.
type lockKey struct{ dev, ino uint64 }

// POSIX record locks belong to the process, not to the descriptor: a second
// lock on the same file from this process would silently succeed, and closing
// any descriptor of the file drops the lock. So the process keeps its own
// table of held lock files, consulted before a lock file is even opened.
var (
	locksMu sync.Mutex
	locks   = map[lockKey]*lockFile{}
)

type lockFile struct {
	name  string
	f     *os.File
	key   lockKey
	extra []*os.File // descriptors that must live as long as the lock
}

func keyOf(fi os.FileInfo) (lockKey, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return lockKey{}, false
	}
	return lockKey{dev: uint64(st.Dev), ino: st.Ino}, true
}

// lockDB takes the write lock that guards the database at path, with the
// lock type OVS uses (an fcntl write lock over the whole lock file), so that
// the real ovsdb-server and this package exclude each other. The error
// returned is the bare errno, for the caller's "failed to lock lockfile".
func lockDB(path string) (*lockFile, error) {
	name := LockPath(path)

	locksMu.Lock()
	defer locksMu.Unlock()

	if fi, err := os.Stat(name); err == nil {
		if key, ok := keyOf(fi); ok && locks[key] != nil {
			lockLog.Warn("%s: cannot lock file because this process has already locked it", name)
			return nil, syscall.EDEADLK
		}
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		errno := errnoOf(err)
		lockLog.Warn("%s: failed to open lock file: %s", name, strerror(errno))
		lockLog.Warn("%s: failed to lock file: %s", name, strerror(errno))
		return nil, errno
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, errnoOf(err)
	}
	key, _ := keyOf(fi)
	if held := locks[key]; held != nil {
		// The file appeared between the Stat and the open and is ours
		// already. Closing f would drop that lock, so it lives with it.
		held.extra = append(held.extra, f)
		lockLog.Warn("%s: cannot lock file because this process has already locked it", name)
		return nil, syscall.EDEADLK
	}

	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk); err != nil {
		probe := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 0}
		if gerr := unix.FcntlFlock(f.Fd(), unix.F_GETLK, &probe); gerr == nil && probe.Type != unix.F_UNLCK {
			lockLog.Warn("%s: cannot lock file because it is already locked by pid %d", name, probe.Pid)
		} else {
			lockLog.Warn("%s: failed to lock file: %s", name, strerror(err))
		}
		f.Close()
		return nil, errnoOf(err)
	}
	l := &lockFile{name: name, f: f, key: key}
	locks[key] = l
	return l, nil
}

// unlock releases the lock. The lock file stays, as with OVS.
func (l *lockFile) unlock() {
	if l == nil {
		return
	}
	locksMu.Lock()
	defer locksMu.Unlock()
	delete(locks, l.key)
	for _, f := range l.extra {
		f.Close()
	}
	l.f.Close()
}
