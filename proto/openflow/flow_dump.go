package openflow

import "strconv"

// FlowDump is one flow as a flow-statistics reply describes it, the
// input of dump-flows' line format.
type FlowDump struct {
	Cookie       uint64
	DurationSec  uint32
	DurationNsec uint32
	TableID      uint8
	PacketCount  uint64
	ByteCount    uint64
	IdleTimeout  uint16
	HardTimeout  uint16
	Flags        FlowModFlags
	Importance   uint16
	// IdleAge and HardAge are seconds since the flow was last used and
	// last modified; -1 leaves them out (only NXST_FLOW reports them).
	IdleAge, HardAge int
	Priority         uint16
	Match            Match
	Actions          []Action
}

// AppendText appends the flow as "ovs-ofctl dump-flows" prints it,
// without the leading space and trailing newline OVS puts around it:
// "cookie=0x0, duration=1.5s, table=0, n_packets=0, n_bytes=0,
// priority=5,ip actions=output:1".
func (f *FlowDump) AppendText(b []byte, names PortNamer) []byte {
	b = appendHex0x(append(b, "cookie="...), f.Cookie)
	b = appendDuration(append(b, ", duration="...), f.DurationSec, f.DurationNsec)
	b = strconv.AppendUint(append(b, ", table="...), uint64(f.TableID), 10)
	b = appendFlowCounter(append(b, ", n_packets="...), f.PacketCount)
	b = appendFlowCounter(append(b, ", n_bytes="...), f.ByteCount)
	b = append(b, ", "...)
	if f.IdleTimeout != 0 {
		b = strconv.AppendUint(append(b, "idle_timeout="...), uint64(f.IdleTimeout), 10)
		b = append(b, ", "...)
	}
	if f.HardTimeout != 0 {
		b = strconv.AppendUint(append(b, "hard_timeout="...), uint64(f.HardTimeout), 10)
		b = append(b, ", "...)
	}
	for i, n := range flowFlagNames {
		if f.Flags&(1<<i) != 0 {
			b = append(append(b, n...), ' ')
		}
	}
	if f.Importance != 0 {
		b = strconv.AppendUint(append(b, "importance="...), uint64(f.Importance), 10)
		b = append(b, ", "...)
	}
	if f.IdleAge >= 0 {
		b = strconv.AppendInt(append(b, "idle_age="...), int64(f.IdleAge), 10)
		b = append(b, ", "...)
	}
	if f.HardAge >= 0 {
		b = strconv.AppendInt(append(b, "hard_age="...), int64(f.HardAge), 10)
		b = append(b, ", "...)
	}
	s := len(b)
	if f.Priority != DefaultPriority {
		b = strconv.AppendUint(append(b, "priority="...), uint64(f.Priority), 10)
		b = append(b, ',')
	}
	t := len(b)
	b = f.Match.AppendText(b, names)
	if len(b) == t && t > s {
		b = b[:t-1]
	}
	if len(b) > s {
		b = append(b, ' ')
	}
	b = append(b, "actions="...)
	if len(f.Actions) == 0 {
		return append(b, "drop"...)
	}
	return AppendActions(b, f.Actions, names)
}

// appendFlowCounter prints a flow counter; all-ones is the wire's "unknown"
// (OpenFlow 1.3+ switches that do not count), which OVS shows as "?".
func appendFlowCounter(b []byte, n uint64) []byte {
	if n == ^uint64(0) {
		return append(b, '?')
	}
	return strconv.AppendUint(b, n, 10)
}
