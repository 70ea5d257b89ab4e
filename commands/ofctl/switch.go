package ofctl

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/govs/ovs/proto/openflow"
	"github.com/govs/ovs/proto/openflow/vconn"
)

// Commands that query or configure the switch as a whole.

// dumpSimple is a command that sends one request and prints the replies.
func dumpSimple(m func(args []string) openflow.Message) func(c *ctx, args []string) {
	return func(c *ctx, args []string) {
		conn := c.open(args[0])
		defer conn.Close()
		c.transactPrint(conn, args[0], m(args[1:]))
	}
}

func show(c *ctx, args []string) {
	target := args[0]
	conn := c.open(target)
	replies := c.transact(conn, target, &openflow.FeaturesRequest{})
	for _, r := range replies {
		c.print(r)
	}
	// From 1.3 on the features reply no longer lists the ports.
	if conn.Version() >= openflow.V13 {
		c.transactPrint(conn, target, &openflow.PortDescRequest{PortNo: openflow.PortAny})
	}
	conn.Close()
	conn = c.open(target)
	defer conn.Close()
	c.transactPrint(conn, target, &openflow.GetConfigRequest{})
}

func (c *ctx) getConfig(conn *vconn.Conn, target string) openflow.SwitchConfig {
	for _, r := range c.transact(conn, target, &openflow.GetConfigRequest{}) {
		m, _, err := openflow.Decode(r)
		if err == nil {
			if gc, ok := m.(*openflow.GetConfigReply); ok {
				return gc.SwitchConfig
			}
		}
		c.print(r)
		fatal("%s: bad reply to get-config request", target)
	}
	fatal("%s: no reply to get-config request", target)
	return openflow.SwitchConfig{}
}

func getFrags(c *ctx, args []string) {
	conn := c.open(args[0])
	defer conn.Close()
	cfg := c.getConfig(conn, args[0])
	fmt.Fprintln(c.out, cfg.Frags)
}

func setFrags(c *ctx, args []string) {
	var mode openflow.FragMode
	switch args[1] {
	case "normal":
		mode = openflow.FragNormal
	case "drop":
		mode = openflow.FragDrop
	case "reassemble":
		mode = openflow.FragReassemble
	case "nx-match":
		mode = openflow.FragNXMatch
	default:
		fatal("%s: unknown fragment handling mode", args[1])
	}
	conn := c.open(args[0])
	defer conn.Close()
	cfg := c.getConfig(conn, args[0])
	if cfg.Frags == mode {
		return
	}
	cfg.Frags = mode
	b, _, err := conn.Encode(&openflow.SetConfig{SwitchConfig: cfg})
	if err != nil {
		fatal("%s", err)
	}
	if err := conn.SendRaw(b); err != nil {
		fatal("%s: transaction error (%s)", conn.Name(), strerror(err))
	}
	// The set-config has no reply: read the setting back to learn
	// whether the switch took it.
	if got := c.getConfig(conn, args[0]); got.Frags != mode {
		fatal("%s: setting fragment handling mode failed (this switch probably doesn't support mode \"%s\")", args[0], mode)
	}
}

func probe(c *ctx, args []string) {
	conn := c.open(args[0])
	defer conn.Close()
	replies := c.transact(conn, args[0], &openflow.EchoRequest{})
	if len(replies) == 0 || replies[0][1] != 3 {
		fatal("%s: reply is not an echo reply", args[0])
	}
}

func ping(c *ctx, args []string) {
	size := 64
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 0 {
			n = 0
		}
		size = n
	}
	if size > 65535-openflow.HeaderLen {
		fatal("payload must be between 0 and %d bytes", 65535-openflow.HeaderLen)
	}
	conn := c.open(args[0])
	defer conn.Close()
	payload := make([]byte, size)
	for i := 0; i < 10; i++ {
		for j := range payload {
			payload[j] = byte(i + j)
		}
		start := time.Now()
		b, xid, err := conn.Encode(&openflow.EchoRequest{Data: payload})
		if err != nil {
			fatal("%s", err)
		}
		replies, err := conn.Transact(b)
		if err != nil {
			fatal("%s: transaction error (%s)", conn.Name(), strerror(err))
		}
		rpy := replies[len(replies)-1]
		if rpy[1] != 3 || len(rpy)-openflow.HeaderLen != size || string(rpy[openflow.HeaderLen:]) != string(payload) {
			fmt.Fprintf(c.out, "Reply does not match request.  Request:\n")
			c.print(b)
			fmt.Fprintf(c.out, "Reply:\n")
			c.print(rpy)
		}
		elapsed := time.Since(start)
		fmt.Fprintf(c.out, "%d bytes from %s: xid=%08x time=%.1f ms\n",
			len(rpy)-openflow.HeaderLen, args[0], xid, float64(elapsed.Microseconds())/1000)
		c.out.Flush()
	}
}

func benchmark(c *ctx, args []string) {
	size, err := strconv.Atoi(args[1])
	if err != nil || size < openflow.HeaderLen || size > 65535 {
		fatal("payload size must be between %d and %d bytes", openflow.HeaderLen, 65535)
	}
	count, _ := strconv.Atoi(args[2])
	payload := size - openflow.HeaderLen
	fmt.Fprintf(c.out, "Sending %d packets * %d bytes (with header) = %d bytes total\n", count, size, count*size)
	c.out.Flush()
	conn := c.open(args[0])
	defer conn.Close()
	start := time.Now()
	for i := 0; i < count; i++ {
		b, _, err := conn.Encode(&openflow.EchoRequest{Data: make([]byte, payload)})
		if err != nil {
			fatal("%s", err)
		}
		if _, err := conn.Transact(b); err != nil {
			fatal("%s: transaction error (%s)", conn.Name(), strerror(err))
		}
	}
	ms := time.Since(start).Milliseconds()
	fmt.Fprintf(c.out, "Finished in %d ms (%.0f packets/s) (%.0f bytes/s)\n", ms,
		float64(count)/float64(max(ms, 1))*1000, float64(count*size)/float64(max(ms, 1))*1000)
}

// lookupPort finds a port by number or name in the switch's port list.
func (c *ctx) lookupPort(target, name string) openflow.Port {
	ports := c.switchPorts(target)
	num, isNum := parsePortNumber(name)
	for _, p := range ports {
		if isNum && p.PortNo == num || !isNum && p.Name == name {
			return p
		}
	}
	fatal("%s: couldn't find port `%s'", target, name)
	return openflow.Port{}
}

// parsePortNumber reads a port as a number or a reserved name.
func parsePortNumber(s string) (uint32, bool) {
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return uint32(n), true
	}
	for p := openflow.PortUnset; p <= openflow.PortNone; p++ {
		if strings.EqualFold(openflow.PortName(p), s) {
			return p, true
		}
	}
	return 0, false
}

func modPort(c *ctx, args []string) {
	type bit struct {
		name string
		cfg  openflow.PortConfig
		on   bool
	}
	actions := []bit{
		{"up", openflow.PortConfigDown, false}, {"down", openflow.PortConfigDown, true},
		{"stp", openflow.PortConfigNoSTP, false}, {"no-stp", openflow.PortConfigNoSTP, true},
		{"receive", openflow.PortConfigNoRecv, false}, {"no-receive", openflow.PortConfigNoRecv, true},
		{"receive-stp", openflow.PortConfigNoRecvSTP, false}, {"no-receive-stp", openflow.PortConfigNoRecvSTP, true},
		{"flood", openflow.PortConfigNoFlood, false}, {"no-flood", openflow.PortConfigNoFlood, true},
		{"forward", openflow.PortConfigNoFwd, false}, {"no-forward", openflow.PortConfigNoFwd, true},
		{"packet-in", openflow.PortConfigNoPacketIn, false}, {"no-packet-in", openflow.PortConfigNoPacketIn, true},
	}
	var act *bit
	for i := range actions {
		if strings.EqualFold(actions[i].name, args[2]) {
			act = &actions[i]
		}
	}
	if act == nil {
		fatal("unknown mod-port command '%s'", args[2])
	}
	port := c.lookupPort(args[0], args[1])
	pm := &openflow.PortMod{PortNo: port.PortNo, HWAddr: port.HWAddr, Mask: act.cfg, Advertise: 0}
	if act.on {
		pm.Config = act.cfg
	}
	conn := c.open(args[0])
	defer conn.Close()
	b, _, err := conn.Encode(pm)
	if err != nil {
		fatal("%s", err)
	}
	c.sendBatch(conn, [][]byte{b})
}

func modTable(c *ctx, args []string) {
	table := uint8(openflow.TableAll)
	if args[1] != "all" {
		n, err := strconv.ParseUint(args[1], 0, 32)
		if err != nil || n >= 255 {
			if err == nil && n > 255 {
				logTable.Warn("table %d is outside the supported range 0 through 255", n)
			}
			fatal("unknown table \"%s\"", args[1])
		}
		table = uint8(n)
	}
	// Each setting exists in some versions only: 1.1 and 1.2 had the
	// table-miss behaviours, 1.4 brought eviction.
	var cfg uint32
	versions := openflow.BitmapOf(openflow.V14, openflow.V15)
	switch args[2] {
	case "controller":
		cfg, versions = 0, openflow.BitmapOf(openflow.V11, openflow.V12)
	case "continue":
		cfg, versions = 1, openflow.BitmapOf(openflow.V11, openflow.V12)
	case "drop":
		cfg, versions = 2, openflow.BitmapOf(openflow.V11, openflow.V12)
	case "evict":
		cfg = 1 << 2
	case "noevict", "novacancy":
		cfg = 0
	default:
		fatal("invalid table_mod setting %s", args[2])
	}
	if c.versions&versions == 0 {
		var names []string
		for v := openflow.V10; v <= openflow.V15; v++ {
			if versions.Has(v) {
				names = append(names, v.String())
			}
		}
		fatal("table_mod '%s' requires one of the OpenFlow versions %s", args[2], strings.Join(names, ", "))
	}
	c.versions &= versions
	conn := c.open(args[0])
	defer conn.Close()
	b, _, err := conn.Encode(&openflow.TableMod{TableID: table, Config: cfg})
	if err != nil {
		fatal("%s", err)
	}
	c.sendBatch(conn, [][]byte{b})
}

func dumpPorts(c *ctx, args []string) {
	port := openflow.PortAny
	if len(args) > 1 {
		port = c.resolvePort(args[0], args[1])
	}
	conn := c.open(args[0])
	defer conn.Close()
	c.transactPrint(conn, args[0], &openflow.PortStatsRequest{PortNo: port})
}

func dumpPortsDesc(c *ctx, args []string) {
	port := openflow.PortAny
	if len(args) > 1 {
		port = c.resolvePort(args[0], args[1])
	}
	conn := c.open(args[0])
	defer conn.Close()
	c.transactPrint(conn, args[0], &openflow.PortDescRequest{PortNo: port})
}

// resolvePort turns a PORT argument into a number: a number or reserved
// name as is, anything else looked up by name on the switch.
func (c *ctx) resolvePort(target, s string) uint32 {
	if n, ok := parsePortNumber(s); ok {
		return n
	}
	// OVS words this failure differently from mod-port's lookupPort.
	for _, p := range c.switchPorts(target) {
		if p.Name == s {
			return p.PortNo
		}
	}
	fatal("%s: unknown port `%s'", target, s)
	return 0
}

func queueStats(c *ctx, args []string) {
	// As OVS: "all", "any" and "none" in any case are every port, and the
	// queue is "all" in any case or the number atoi reads.
	req := &openflow.QueueStatsRequest{PortNo: openflow.PortAny, QueueID: openflow.QueueAll}
	if len(args) > 1 && args[1] != "" && !strings.EqualFold(args[1], "all") {
		req.PortNo = c.queuePort(args[0], args[1])
	}
	if len(args) > 2 {
		req.QueueID = parseQueueArg(args[2])
	}
	conn := c.open(args[0])
	defer conn.Close()
	c.transactPrint(conn, args[0], req)
}

func packetOut(c *ctx, args []string) {
	target := args[0]
	var po []*openflow.PacketOut
	if len(args) == 2 {
		po = append(po, parsePacketOut(args[1]))
	} else {
		if len(args) < 4 {
			fatal("'packet-out' command requires at least 4 arguments")
		}
		inPort, ok := parsePortNumber(args[1])
		if !ok {
			inPort = c.resolvePort(target, args[1])
		}
		acts, err := openflow.ParseActions(args[2], nil)
		if err != nil {
			fatal("%s", err)
		}
		for _, hex := range args[3:] {
			pkt, ok := parseHex(hex)
			if !ok {
				fatal("trailing garbage in packet data")
			}
			if len(pkt) < 14 {
				fatal("Packet data too short for Ethernet")
			}
			po = append(po, &openflow.PacketOut{BufferID: openflow.BufferNone, InPort: inPort, Actions: acts, Data: pkt})
		}
	}
	conn := c.open(target)
	defer conn.Close()
	msgs := make([]openflow.Message, len(po))
	for i, p := range po {
		msgs[i] = p
	}
	c.sendMods(conn, msgs)
}

// parsePacketOut reads packet-out's one-argument form:
// "in_port=PORT packet=HEX actions=ACTIONS" (actions last, taking the
// rest of the line).
func parsePacketOut(s string) *openflow.PacketOut {
	po := &openflow.PacketOut{BufferID: openflow.BufferNone, InPort: openflow.PortController}
	head, acts := s, ""
	hasActs := false
	for i := 0; ; {
		j := strings.Index(s[i:], "actions")
		if j < 0 {
			break
		}
		j += i
		k := j + len("actions")
		if (j == 0 || strings.ContainsRune(", \t", rune(s[j-1]))) && k < len(s) && (s[k] == '=' || s[k] == ':') {
			head, acts, hasActs = s[:j], s[k+1:], true
			break
		}
		i = k
	}
	havePacket := false
	for rest := head; ; {
		k, v, r, ok := nextKeyValue(rest)
		if !ok {
			break
		}
		rest = r
		switch k {
		case "in_port":
			p, ok := parsePortNumber(v)
			if !ok {
				fatal("%s: output port is unknown", v)
			}
			po.InPort = p
		case "packet":
			pkt, ok := parseHex(v)
			if !ok {
				fatal("packet: trailing garbage in packet data")
			}
			if len(pkt) < 14 {
				fatal("packet: Packet data too short for Ethernet")
			}
			po.Data, havePacket = pkt, true
		default:
			fatal("unknown keyword %s", k)
		}
	}
	if !havePacket {
		fatal("must specify packet")
	}
	if hasActs {
		a, err := openflow.ParseActions(acts, nil)
		if err != nil {
			fatal("%s", err)
		}
		po.Actions = a
	}
	return po
}
