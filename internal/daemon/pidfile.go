package daemon

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/internal/cnum"
)

// pidfile is the open, write-locked pidfile. It must stay referenced (a
// collected *os.File closes its descriptor) and no other descriptor of the
// same file may be closed by this process: POSIX record locks belong to the
// process and are dropped when any descriptor of the file is closed.
var pidfile struct {
	f    *os.File
	name string
	dev  uint64
	ino  uint64
}

// fatalError is an error that Start has already logged at EMER to the
// non-console destinations, as OVS's fatal path does; the caller prints it.
type fatalError struct{ msg string }

func (e *fatalError) Error() string { return e.msg }

// fatalf logs msg at EMER to the log file and syslog only (the console gets
// the caller's "program: msg" instead, as with OVS) and returns it as an
// error.
func fatalf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	logEmer(msg)
	return &fatalError{msg}
}

// makePidfile creates name holding our pid, as OVS does: write
// "<name>.tmp", lock it, check that no live process holds name, and rename
// the locked file into place, so that readers never see a partial pidfile
// and the lock comes along with the inode.
func makePidfile(name string, overwrite bool) error {
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o666)
	if err != nil {
		return fatalf("%s: create failed (%s)", tmp, strerror(err))
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk); err != nil {
		f.Close()
		return fatalf("%s: fcntl(F_SETLK) failed (%s)", tmp, strerror(err))
	}
	fail := func(err error) error {
		os.Remove(tmp)
		f.Close()
		return err
	}
	if !overwrite {
		if err := checkAlreadyRunning(name); err != nil {
			return fail(err)
		}
	}
	if err := f.Truncate(0); err != nil {
		return fail(fatalf("%s: truncate failed (%s)", tmp, strerror(err)))
	}
	if _, err := f.WriteString(strconv.Itoa(os.Getpid()) + "\n"); err != nil {
		return fail(fatalf("%s: write failed (%s)", tmp, strerror(err)))
	}
	if err := os.Rename(tmp, name); err != nil {
		return fail(fatalf("failed to rename \"%s\" to \"%s\" (%s)", tmp, name, strerror(err)))
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err == nil {
		pidfile.dev, pidfile.ino = st.Dev, st.Ino
	}
	pidfile.f, pidfile.name = f, name
	AtExit(removePidfile)
	return nil
}

// removePidfile unlinks the pidfile if it is still ours: after
// --overwrite-pidfile another daemon may have replaced it.
func removePidfile() {
	if pidfile.f == nil {
		return
	}
	var st unix.Stat_t
	if unix.Stat(pidfile.name, &st) == nil && st.Dev == pidfile.dev && st.Ino == pidfile.ino {
		os.Remove(pidfile.name)
	}
}

// checkAlreadyRunning fails if name is locked by a live process. A pidfile
// nobody locks is stale and is silently replaced.
func checkAlreadyRunning(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		log.Warn("%s: open: %s", name, strerror(err))
		return fatalf("%s: pidfile check failed (%s), aborting", name, strerror(err))
	}
	// Closing f drops nothing of ours: our lock is on the .tmp inode.
	defer f.Close()

	pid, err := lockHolder(f, name)
	if err != nil {
		return fatalf("%s: pidfile check failed (%s), aborting", name, strerror(err))
	}
	if pid > 0 {
		return fatalf("%s: already running as pid %d, aborting", name, pid)
	}
	return nil
}

// lockHolder returns the pid that holds a write lock on f and also wrote
// it, or 0 if nobody holds a lock. A lock held by a process other than the
// one the file names means a daemon is in the middle of replacing or removing
// its pidfile; OVS reports that as ESRCH.
func lockHolder(f *os.File, name string) (int, error) {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
	if err := unix.FcntlFlock(f.Fd(), unix.F_GETLK, &lk); err != nil {
		log.Warn("%s: fcntl: %s", name, strerror(err))
		return 0, err
	}
	if lk.Type == unix.F_UNLCK {
		return 0, nil
	}
	buf := make([]byte, 128)
	n, err := f.ReadAt(buf, 0)
	if n == 0 {
		if err == nil || err == io.EOF {
			log.Warn("%s: read: unexpected end of file", name)
		} else {
			log.Warn("%s: read: %s", name, strerror(err))
		}
		return 0, syscall.ESRCH
	}
	line := string(buf[:n])
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i+1] // OVS prints the line with its newline
	}
	if cnum.Strtol(line) != int64(lk.Pid) {
		log.Warn("%s: stale pidfile for pid %s being deleted by pid %d", name, line, lk.Pid)
		return 0, syscall.ESRCH
	}
	return int(lk.Pid), nil
}
