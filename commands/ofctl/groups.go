package ofctl

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/govs/ovs/proto/openflow"
	"github.com/govs/ovs/proto/openflow/vconn"
)

// Group, meter and bundle commands.

func (c *ctx) parseGroupOrDie(s string, cmd openflow.GroupModCommand, ports openflow.PortLookup) *openflow.GroupMod {
	gm, err := openflow.ParseGroupMod(s, cmd, ports)
	if err != nil {
		fatal("%s", err)
	}
	return gm
}

// sendMods encodes each message for the connection and sends them with
// one barrier (or in a bundle under --bundle).
func (c *ctx) sendMods(conn *vconn.Conn, msgs []openflow.Message) {
	reqs := make([][]byte, 0, len(msgs))
	for _, m := range msgs {
		b, _, err := conn.Encode(m)
		if err != nil {
			fatal("%s", err)
		}
		reqs = append(reqs, b)
	}
	c.sendBatch(conn, reqs)
}

func (c *ctx) groupModCommand(args []string, cmd openflow.GroupModCommand) {
	target := args[0]
	ports := c.flowPorts(target)
	spec := ""
	if len(args) > 1 {
		spec = args[1]
	}
	gm := c.parseGroupOrDie(spec, cmd, ports)
	conn := c.open(target)
	defer conn.Close()
	c.sendMods(conn, []openflow.Message{gm})
}

func addGroup(c *ctx, args []string) { c.groupModCommand(args, openflow.GroupAdd) }

func modGroup(c *ctx, args []string) {
	cmd := openflow.GroupModify
	if c.mayCreate {
		cmd = openflow.GroupAddOrMod
	}
	c.groupModCommand(args, cmd)
}

func delGroups(c *ctx, args []string) { c.groupModCommand(args, openflow.GroupDelete) }

func insertBuckets(c *ctx, args []string) { c.groupModCommand(args, openflow.GroupInsertBucket) }

func removeBuckets(c *ctx, args []string) { c.groupModCommand(args, openflow.GroupRemoveBucket) }

func addGroups(c *ctx, args []string) {
	target := args[0]
	ports := c.flowPorts(target)
	var msgs []openflow.Message
	for _, l := range c.readLines(args[1]) {
		gm, err := openflow.ParseGroupMod(l.text, openflow.GroupAdd, ports)
		if err != nil {
			fatal("%s:%d: %s", args[1], l.n, err)
		}
		msgs = append(msgs, gm)
	}
	conn := c.open(target)
	defer conn.Close()
	c.sendMods(conn, msgs)
}

// groupID reads the optional GROUP argument of the dump commands.
func (c *ctx) groupID(target string, args []string) uint32 {
	if len(args) == 0 {
		return openflow.GroupIDAll
	}
	spec := args[0]
	if _, err := strconv.ParseUint(spec, 0, 32); err == nil || spec == "all" || spec == "any" {
		// A bare id is accepted for the group to show.
		spec = "group_id=" + spec
	}
	gm := c.parseGroupOrDie(spec, openflow.GroupDelete, nil)
	return gm.GroupID
}

func dumpGroups(c *ctx, args []string) {
	id := c.groupID(args[0], args[1:])
	conn := c.open(args[0])
	defer conn.Close()
	c.transactPrint(conn, args[0], &openflow.GroupDescRequest{GroupID: id})
}

func dumpGroupStats(c *ctx, args []string) {
	id := c.groupID(args[0], args[1:])
	conn := c.open(args[0])
	defer conn.Close()
	c.transactPrint(conn, args[0], &openflow.GroupStatsRequest{GroupID: id})
}

func dumpGroupFeatures(c *ctx, args []string) {
	conn := c.open(args[0])
	defer conn.Close()
	c.transactPrint(conn, args[0], &openflow.GroupFeaturesRequest{})
}

// meterProtocols are the protocols with meters (OpenFlow 1.3 and later).
const meterProtocols = pOF13 | pOF14 | pOF15

func (c *ctx) openForMeters(target string) *vconn.Conn {
	conn, _ := c.openForFlowMod(target, meterProtocols)
	return conn
}

func (c *ctx) meterModCommand(args []string, cmd openflow.MeterModCommand) {
	spec := ""
	if len(args) > 1 {
		spec = args[1]
	}
	var mm *openflow.MeterMod
	if spec == "" && cmd == openflow.MeterDelete {
		// del-meters with no METER deletes them all.
		mm = &openflow.MeterMod{Command: cmd, MeterID: openflow.MeterAll}
	} else {
		var err error
		if mm, err = openflow.ParseMeterMod(spec, cmd); err != nil {
			fatal("%s", err)
		}
	}
	conn := c.openForMeters(args[0])
	defer conn.Close()
	c.sendMods(conn, []openflow.Message{mm})
}

func addMeter(c *ctx, args []string)  { c.meterModCommand(args, openflow.MeterAdd) }
func modMeter(c *ctx, args []string)  { c.meterModCommand(args, openflow.MeterModify) }
func delMeters(c *ctx, args []string) { c.meterModCommand(args, openflow.MeterDelete) }

// meterID reads the optional METER argument of the dump commands.
func meterID(args []string) uint32 {
	if len(args) == 0 {
		return openflow.MeterAll
	}
	mm, err := openflow.ParseMeterMod(args[0], openflow.MeterDelete)
	if err != nil {
		fatal("%s", err)
	}
	return mm.MeterID
}

func dumpMeters(c *ctx, args []string) {
	id := meterID(args[1:])
	conn := c.openForMeters(args[0])
	defer conn.Close()
	c.transactPrint(conn, args[0], &openflow.MeterConfigRequest{MeterID: id})
}

func meterStats(c *ctx, args []string) {
	id := meterID(args[1:])
	conn := c.openForMeters(args[0])
	defer conn.Close()
	c.transactPrint(conn, args[0], &openflow.MeterStatsRequest{MeterID: id})
}

func meterFeatures(c *ctx, args []string) {
	conn := c.openForMeters(args[0])
	defer conn.Close()
	c.transactPrint(conn, args[0], &openflow.MeterFeaturesRequest{})
}

// sendBundle sends reqs as one atomic, ordered bundle (--bundle): open,
// add each message, commit. The switch applies all of them or none. As
// OVS does, every error is reported against the request it answers
// ("Error CODE for: REQUEST") and the command then fails.
func (c *ctx) sendBundle(conn *vconn.Conn, reqs [][]byte) {
	if conn.Version() < openflow.V13 {
		fatal("%s: bundles need OpenFlow 1.3 or later", conn.Name())
	}
	const id = 0
	flags := openflow.BundleAtomic | openflow.BundleOrdered
	sent := map[uint32][]byte{}
	var errs [][]byte
	ctl := func(t openflow.BundleCtrlType) {
		b, xid, err := conn.Encode(&openflow.BundleControl{BundleID: id, CtrlType: t, Flags: flags})
		if err != nil {
			fatal("%s", err)
		}
		sent[xid] = b
		if err := conn.SendRaw(b); err != nil {
			fatal("%s: transaction error (%s)", conn.Name(), strerror(err))
		}
		// Errors for the bundled messages may come before the reply
		// (a commit reports what failed, then fails itself).
		for {
			r, err := conn.Recv()
			if err != nil {
				fatal("%s: transaction error (%s)", conn.Name(), strerror(err))
			}
			if vconn.IsError(r) {
				errs = append(errs, r)
			}
			if vconn.Xid(r) == xid {
				break
			}
		}
	}
	ctl(openflow.BundleOpenRequest)
	var adds [][]byte
	for _, r := range reqs {
		xid := vconn.Xid(r)
		sent[xid] = r
		b, err := openflow.Encode(&openflow.BundleAdd{BundleID: id, Flags: flags, Msg: r}, uint8(conn.Version()), xid)
		if err != nil {
			fatal("%s", err)
		}
		adds = append(adds, b)
	}
	addErrs, err := conn.TransactBatch(adds)
	if err != nil {
		fatal("%s: transaction error (%s)", conn.Name(), strerror(err))
	}
	errs = append(errs, addErrs...)
	ctl(openflow.BundleCommitRequest)
	if len(errs) == 0 {
		return
	}
	for _, e := range errs {
		m, _, err := openflow.Decode(e)
		name := "OFPBRC_BAD_LEN"
		if em, ok := m.(*openflow.ErrorMsg); ok && err == nil {
			name = em.Code.Name()
		}
		fmt.Fprintf(c.stderr, "Error %s for: ", name)
		if req, ok := sent[vconn.Xid(e)]; ok {
			c.stderr.Write(openflow.AppendPrint(nil, req))
		} else {
			c.stderr.Write(openflow.AppendPrint(nil, e))
		}
	}
	fatal("talking to %s (%s)", conn.Name(), strerror(syscall.EPROTO))
}

func dumpTableDesc(c *ctx, args []string) {
	conn := c.open(args[0])
	defer conn.Close()
	if conn.Version() < openflow.V14 {
		fatal("dump-table-desc needs OpenFlow 1.4 or later ('-O OpenFlow14')")
	}
	c.transactPrint(conn, args[0], &openflow.TableDescRequest{})
}

// bundleCmd is "bundle SWITCH FILE": flow and group mods from FILE, each
// line "flow [COMMAND] FLOW" or "group [COMMAND] GROUP", applied as one
// atomic bundle.
func bundleCmd(c *ctx, args []string) {
	target, file := args[0], args[1]
	ports := c.flowPorts(target)
	type item struct {
		flow  *openflow.FlowMod
		group *openflow.GroupMod
	}
	var items []item
	usable := pAny
	for _, l := range c.readLines(file) {
		kind, rest := l.text, ""
		if i := strings.IndexAny(l.text, " \t"); i >= 0 {
			kind, rest = l.text[:i], strings.TrimSpace(l.text[i+1:])
		}
		switch kind {
		case "flow":
			cmd, spec := flowCommandPrefix(rest)
			fm := c.parseFlowAt(file, l.n, spec, cmd, ports)
			usable &= usableProtocols(fm)
			items = append(items, item{flow: fm})
		case "group":
			cmd := openflow.GroupAdd
			word, spec, _ := strings.Cut(rest, " ")
			switch word {
			case "add":
			case "modify":
				cmd = openflow.GroupModify
			case "delete":
				cmd = openflow.GroupDelete
			case "insert_bucket":
				cmd = openflow.GroupInsertBucket
			case "remove_bucket":
				cmd = openflow.GroupRemoveBucket
			default:
				spec = rest
			}
			gm, err := openflow.ParseGroupMod(strings.TrimSpace(spec), cmd, ports)
			if err != nil {
				fatal("%s:%d: %s", file, l.n, err)
			}
			items = append(items, item{group: gm})
		default:
			if i := strings.IndexByte(kind, ','); i >= 0 {
				kind = kind[:i]
			}
			fatal("%s:%d: Unsupported bundle message type: %s", file, l.n, kind)
		}
	}
	usable &= pOF13 | pOF14 | pOF15
	conn, p := c.openForFlowMod(target, usable)
	defer conn.Close()
	reqs := make([][]byte, 0, len(items))
	for _, it := range items {
		if it.flow != nil {
			reqs = append(reqs, flowModBytes(it.flow, p, vconn.NextXid()))
			continue
		}
		b, _, err := conn.Encode(it.group)
		if err != nil {
			fatal("%s", err)
		}
		reqs = append(reqs, b)
	}
	c.sendBundle(conn, reqs)
}
