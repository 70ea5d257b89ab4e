package daemon

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Capabilities kept across --user, as OVS keeps them.
var (
	userCaps     = []uintptr{unix.CAP_IPC_LOCK, unix.CAP_NET_BIND_SERVICE}
	datapathCaps = []uintptr{unix.CAP_NET_ADMIN, unix.CAP_NET_BROADCAST, unix.CAP_NET_RAW}
)

// becomeUser switches to c.uid/c.gid, clears the supplementary groups, keeps
// only the capabilities OVS keeps (and an empty bounding set), and
// re-executes the program in place so that every thread of the new image
// has those credentials. It returns only on failure.
//
// Credentials are per thread in Linux. The changes are made with raw system
// calls on one locked thread, which then calls execve: the new image
// inherits that thread's credentials, and the other threads of the old image
// vanish with it.
func (c *Config) becomeUser(exe string, notify *os.File) error {
	var want uint64
	caps := userCaps
	if c.AccessDatapath {
		caps = append(caps[:len(caps):len(caps)], datapathCaps...)
	}
	for _, cp := range caps {
		want |= 1 << cp
	}

	env := append(os.Environ(), envUser+"=1")
	if notify != nil {
		fd := int(notify.Fd())
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0); err != nil {
			return fatalf("could not keep readiness pipe across exec (%s)", strerror(err))
		}
		env = append(env, envStage+"="+stageChild, envNotify+"="+strconv.Itoa(fd))
	}
	lastCap := lastCapability()
	runtime.LockOSThread()
	// From here on this thread's credentials differ from the rest of the
	// process; it must exec or the process must exit.
	step := func(what string, e error) error {
		return fatalf("--user=%s: %s failed (%s)", c.User, what, strerror(e))
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return step("prctl(PR_SET_KEEPCAPS)", err)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETGROUPS, 0, 0, 0); e != 0 {
		return step("setgroups", e)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESGID, uintptr(c.gid), uintptr(c.gid), uintptr(c.gid)); e != 0 {
		return step("setgid", e)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, uintptr(c.uid), uintptr(c.uid), uintptr(c.uid)); e != 0 {
		return step("setuid", e)
	}
	// KEEPCAPS kept the permitted set; make the wanted capabilities
	// inheritable and ambient (what survives execve for a non-root user),
	// keeping CAP_SETPCAP just long enough to empty the bounding set.
	setpcap := uint64(1) << unix.CAP_SETPCAP
	if err := capset(want|setpcap, want|setpcap, want); err != nil {
		return step("capset", err)
	}
	for _, cp := range caps {
		if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, cp, 0, 0); err != nil {
			return step("prctl(PR_CAP_AMBIENT_RAISE)", err)
		}
	}
	for cp := 0; cp <= lastCap; cp++ {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(cp), 0, 0, 0); err != nil && err != unix.EINVAL {
			return step("prctl(PR_CAPBSET_DROP)", err)
		}
	}
	if err := capset(want, want, want); err != nil {
		return step("capset", err)
	}
	err := syscall.Exec(exe, os.Args, env)
	return fatalf("%s: could not re-execute as --user=%s (%s)", exe, c.User, strerror(err))
}

// capset sets this thread's capability sets (64-bit, version 3 layout).
func capset(effective, permitted, inheritable uint64) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	data[0] = unix.CapUserData{Effective: uint32(effective), Permitted: uint32(permitted), Inheritable: uint32(inheritable)}
	data[1] = unix.CapUserData{Effective: uint32(effective >> 32), Permitted: uint32(permitted >> 32), Inheritable: uint32(inheritable >> 32)}
	return unix.Capset(&hdr, &data[0])
}

// lastCapability is the highest capability number the kernel knows.
func lastCapability() int {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			return n
		}
	}
	return 63
}

// clearInheritedCaps empties the inheritable and ambient sets that carried
// the capabilities across the --user re-execution, so that programs the
// daemon runs do not get them (OVS's daemons have both empty). That needs
// every thread, which Go can only do without cgo; with cgo it is skipped.
func clearInheritedCaps() {
	hdr := new(unix.CapUserHeader)
	hdr.Version = unix.LINUX_CAPABILITY_VERSION_3
	data := new([2]unix.CapUserData)
	if err := unix.Capget(hdr, &data[0]); err != nil {
		return
	}
	data[0].Inheritable, data[1].Inheritable = 0, 0
	if _, _, e := syscall.AllThreadsSyscall(unix.SYS_CAPSET,
		uintptr(unsafe.Pointer(hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		return
	}
	runtime.KeepAlive(hdr)
	runtime.KeepAlive(data)
	syscall.AllThreadsSyscall(unix.SYS_PRCTL, unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0)
}
