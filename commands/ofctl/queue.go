package ofctl

import (
	"strings"

	"github.com/govs/ovs/proto/openflow"
)

// queueGetConfig is queue-get-config SWITCH [PORT [QUEUE]]: OFPMP_QUEUE_DESC
// from OpenFlow 1.4 on, OFPT_QUEUE_GET_CONFIG_REQUEST before (which names
// no queue, so QUEUE only matters in 1.4+). OpenFlow 1.0 cannot ask about
// all ports at once, so there, as OVS does, each port is asked in turn.
func queueGetConfig(c *ctx, args []string) {
	target := args[0]
	port := openflow.PortAny
	if len(args) > 1 {
		port = c.queuePort(target, args[1])
	}
	queue := openflow.QueueAll
	if len(args) > 2 {
		queue = parseQueueArg(args[2])
	}
	conn := c.open(target)
	defer conn.Close()
	switch v := conn.Version(); {
	case v >= openflow.V14:
		c.transactPrint(conn, target, &openflow.QueueDescRequest{PortNo: port, QueueID: queue})
	case port == openflow.PortAny && v == openflow.V10:
		for _, p := range c.switchPorts(target) {
			if p.PortNo < openflow.PortMax {
				c.transactPrint(conn, target, &openflow.QueueGetConfigRequest{PortNo: p.PortNo})
			}
		}
	default:
		c.transactPrint(conn, target, &openflow.QueueGetConfigRequest{PortNo: port})
	}
}

// queuePort reads a PORT argument where "any" and "none" (any case) both
// mean every port.
func (c *ctx) queuePort(target, s string) uint32 {
	if strings.EqualFold(s, "any") || strings.EqualFold(s, "none") {
		return openflow.PortAny
	}
	return c.resolvePort(target, s)
}

// parseQueueArg reads a QUEUE argument the way OVS does: "all" (any case)
// or the leading decimal digits, so "0x5" is queue 0 and "5x" queue 5.
func parseQueueArg(s string) uint32 {
	if strings.EqualFold(s, "all") {
		return openflow.QueueAll
	}
	var n uint32
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + uint32(s[i]-'0')
	}
	return n
}

// switchPorts lists the switch's ports over a connection of its own, in
// the order the switch reports them.
func (c *ctx) switchPorts(target string) []openflow.Port {
	conn := c.open(target)
	defer conn.Close()
	var m openflow.Message = &openflow.FeaturesRequest{}
	if conn.Version() >= openflow.V13 {
		m = &openflow.PortDescRequest{PortNo: openflow.PortAny}
	}
	var ports []openflow.Port
	for _, r := range c.transact(conn, target, m) {
		msg, _, err := openflow.Decode(r)
		if err != nil {
			continue
		}
		switch msg := msg.(type) {
		case *openflow.FeaturesReply:
			ports = append(ports, msg.Ports...)
		case *openflow.PortDescReply:
			ports = append(ports, msg.Ports...)
		}
	}
	return ports
}
