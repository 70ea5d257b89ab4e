package openflow

// Flow monitor notifications of OVS's Nicira extension:
// NXT_FLOW_MONITOR_CANCEL, NXT_FLOW_MONITOR_PAUSED and
// NXT_FLOW_MONITOR_RESUMED in OpenFlow 1.0-1.2, the same bodies as ONF
// experimenter messages 1870-1872 in 1.3 (1.4 has them as flow updates). The monitor requests and updates themselves
// are statistics messages (monitor_stats.go).

// NXFlowMonitorCancel cancels the flow monitor with id ID.
type NXFlowMonitorCancel struct{ ID uint32 }

// NXFlowMonitorPaused tells a controller that the switch stopped sending
// updates because its send queue filled up.
type NXFlowMonitorPaused struct{}

// NXFlowMonitorResumed tells a controller that updates flow again.
type NXFlowMonitorResumed struct{}

// Type is MsgNXFlowMonitorCancel.
func (*NXFlowMonitorCancel) Type() MsgType { return MsgNXFlowMonitorCancel }

// Type is MsgNXFlowMonitorPaused.
func (*NXFlowMonitorPaused) Type() MsgType { return MsgNXFlowMonitorPaused }

// Type is MsgNXFlowMonitorResumed.
func (*NXFlowMonitorResumed) Type() MsgType { return MsgNXFlowMonitorResumed }

func (m *NXFlowMonitorCancel) appendBody(b []byte, _ Version) ([]byte, error) {
	return be32(b, m.ID), nil
}
func (*NXFlowMonitorPaused) appendBody(b []byte, _ Version) ([]byte, error)  { return b, nil }
func (*NXFlowMonitorResumed) appendBody(b []byte, _ Version) ([]byte, error) { return b, nil }

// monitorRawLen is the exact body length of each notification.
func monitorRawLen(t MsgType) (int, bool) {
	switch t {
	case MsgNXFlowMonitorCancel:
		return 4, true
	case MsgNXFlowMonitorPaused, MsgNXFlowMonitorResumed:
		return 0, true
	}
	return 0, false
}

func decodeNXFlowMonitorCancel(b []byte, _ Version) (Message, error) {
	if len(b) != 4 {
		return nil, OFPBRC_BAD_LEN
	}
	return &NXFlowMonitorCancel{ID: u32(b, 0)}, nil
}

func decodeNXFlowMonitorEmpty(m Message) func([]byte, Version) (Message, error) {
	return func(b []byte, _ Version) (Message, error) {
		if len(b) != 0 {
			return nil, OFPBRC_BAD_LEN
		}
		return m, nil
	}
}

// rawLenFails reports whether b is a message whose length OVS checks
// before it can name it (bundles, flow monitor notifications) and that
// fails that check: ofp-print shows such a message without a title.
func rawLenFails(h Header, b []byte) bool {
	t, vendor, _ := classify(h, b)
	body := b[HeaderLen:]
	if vendor != 0 {
		if len(b) < 16 {
			return false
		}
		body = b[16:]
	}
	switch t {
	case MsgBundleControl, MsgBundleAddMessage:
		return bundleRawLenError(t, body) != nil
	}
	if n, ok := monitorRawLen(t); ok {
		return len(body) != n
	}
	return false
}

func registerMonitorDecoders() {
	decoders[MsgNXFlowMonitorCancel] = decodeNXFlowMonitorCancel
	decoders[MsgNXFlowMonitorPaused] = decodeNXFlowMonitorEmpty(&NXFlowMonitorPaused{})
	decoders[MsgNXFlowMonitorResumed] = decodeNXFlowMonitorEmpty(&NXFlowMonitorResumed{})
}
