// Package tty answers one question the tools ask about their standard
// streams: is this a terminal? OVS's tools decide on it (ovs-ofctl names
// ports and colours output only on a terminal; `ovs` alone opens the
// shell only on one), and they ask isatty(3), which is a terminal ioctl
// succeeding. A character device is not enough: /dev/null is one, and
// output sent there must behave as output to a file or pipe.
package tty

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// IsTerminal reports whether w is an *os.File open on a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
