package netdev

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Open opens the device for an Interface row of the given type:
//
//	"" or "system"  an existing Linux interface (OpenSystem)
//	"internal"      a TAP device created for the port (OpenInternal)
//	"tap"           a TAP device, created if missing (OpenTap)
//	"dummy"         an in-process device (OpenDummy)
//
// Errors wrap the errno, so errors.Is(err, unix.ENODEV) tells that a system
// device does not exist (yet), and errors.As with a unix.Errno gives the
// text OVS puts in parentheses ("could not open network device p9 (No such
// device)"). An unknown type gives EAFNOSUPPORT, as OVS reports it.
func Open(name, typ string, pool *Pool) (Netdev, error) {
	switch typ {
	case "", "system":
		return OpenSystem(name, pool)
	case "internal":
		return OpenInternal(name, pool)
	case "tap":
		return OpenTap(name, pool)
	case "dummy":
		return OpenDummy(name, pool), nil
	}
	return nil, fmt.Errorf("%s: unknown network device type %q: %w", name, typ, unix.EAFNOSUPPORT)
}
