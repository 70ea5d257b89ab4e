package netdev

// The netdev-dummy/* ovs-appctl commands of `ovs-vswitchd --enable-dummy`,
// with OVS 3.1's argument rules and error texts (checked against the real
// daemon), including its oddities: --qid is recognised only right after the
// device name, --len only right after a flow (after a hex packet it is read
// as the next packet), a --len under 60 is refused before the flow is even
// parsed, and a flow whose headers do not fit in --len fails with an empty
// message.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/internal/cnum"
)

// minPacketLen is the smallest --len netdev-dummy/receive accepts (an
// Ethernet frame's minimum without its CRC).
const minPacketLen = 60

var (
	errNoSuchDummy = errors.New("no such dummy netdev")
	errBadQueue    = errors.New("bad rx queue id.")
	errTooSmall    = errors.New("too small packet len")
	errTooLarge    = errors.New("too large packet len")
	errNoFit       = errors.New("")
)

// DummyReceive runs `netdev-dummy/receive NAME [--qid N] PACKET|FLOW
// [--len N]...`: each PACKET (hex bytes) or FLOW (datapath flow syntax) is
// received by the dummy device NAME as if it had arrived on the wire.
// Packets before a bad argument are received, as in OVS.
func DummyReceive(args []string) (string, error) {
	if len(args) == 0 {
		return "", errNoSuchDummy
	}
	d := LookupDummy(args[0])
	if d == nil {
		return "", errNoSuchDummy
	}
	return "", ReceiveArgs(args[1:], d.NumRxQueues(), d.Inject)
}

// ReceiveArgs parses the arguments of netdev-dummy/receive after the device
// name and hands each frame to deliver, in order; nrxq bounds --qid.
func ReceiveArgs(args []string, nrxq int, deliver func([]byte) error) error {
	i := 0
	if len(args) > 1 && args[0] == "--qid" {
		if q := int(cnum.Atoi(args[1])); q < 0 || q >= nrxq {
			return errBadQueue
		}
		i = 2
	}
	for i < len(args) {
		arg := args[i]
		if frame, ok := parseHexFrame(arg); ok {
			if err := deliver(frame); err != nil {
				return err
			}
			i++
			continue
		}
		size := -1
		if i+1 < len(args) && args[i+1] == "--len" {
			size = 0
			if i+2 < len(args) {
				size = int(cnum.Atoi(args[i+2]))
			}
			i += 3
			if size < minPacketLen {
				return errTooSmall
			}
			if size > MaxFrame {
				return errTooLarge
			}
		} else {
			i++
		}
		frame, err := ComposeArg(arg, size)
		if err != nil {
			return err
		}
		if err := deliver(frame); err != nil {
			return err
		}
	}
	return nil
}

// ComposeArg builds the frame for a datapath flow as netdev-dummy/receive
// does, padded to size bytes when size >= 0.
func ComposeArg(s string, size int) ([]byte, error) {
	k, err := flow.ParseODPPacket(s)
	if err != nil {
		return nil, err
	}
	if size < 0 {
		return flow.Compose(&k), nil
	}
	frame, err := flow.ComposeLen(&k, size)
	if err != nil {
		return nil, errNoFit
	}
	return frame, nil
}

// parseHexFrame reads a frame given as hex digits: an even number of them,
// at least an Ethernet header's worth.
func parseHexFrame(s string) ([]byte, bool) {
	if len(s) < 28 || len(s)%2 != 0 {
		return nil, false
	}
	out := make([]byte, len(s)/2)
	for i := range out {
		hi, ok1 := hexVal(s[2*i])
		lo, ok2 := hexVal(s[2*i+1])
		if !ok1 || !ok2 {
			return nil, false
		}
		out[i] = hi<<4 | lo
	}
	return out, true
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// DummySetAdminState runs `netdev-dummy/set-admin-state [NAME] up|down`.
func DummySetAdminState(args []string) (string, error) {
	state := args[len(args)-1]
	var up bool
	switch strings.ToLower(state) {
	case "up":
		up = true
	case "down":
	default:
		return "", errors.New("Invalid Admin State")
	}
	if len(args) > 1 {
		d := LookupDummy(args[0])
		if d == nil {
			return "", errors.New("Unknown Dummy Interface")
		}
		d.SetAdminState(up)
	} else {
		for _, d := range Dummies() {
			d.SetAdminState(up)
		}
	}
	return "OK\n", nil
}

// DummyConnState runs `netdev-dummy/conn-state [NAME]`. Dummy devices here
// have no stream connections (OVS's options:stream/pstream), so a named
// device's state is "unknown" and the list of connected ones is empty.
func DummyConnState(args []string) (string, error) {
	if len(args) == 0 {
		return "", nil
	}
	return fmt.Sprintf("%s: unknown\n", args[0]), nil
}
