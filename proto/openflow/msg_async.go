package openflow

import "encoding/binary"

// Table-mod and the asynchronous-message configuration.

// TableAll is the table id meaning every table (OFPTT_ALL).
const TableAll = 0xff

// TableMod is OFPT_TABLE_MOD (1.1+). Config carries the wire config bits:
// in 1.1/1.2 the table-miss behaviour (0 controller, 1 continue, 2 drop),
// from 1.4 the EVICTION (1<<2) and VACANCY_EVENTS (1<<3) bits. Table
// properties are skipped on decode and not encoded.
type TableMod struct {
	TableID uint8
	Config  uint32
}

func (*TableMod) Type() MsgType { return MsgTableMod }

const (
	tableConfigEviction = 1 << 2
	tableConfigVacancy  = 1 << 3
)

func (m *TableMod) appendBody(dst []byte, _ Version) ([]byte, error) {
	dst = append(dst, m.TableID, 0, 0, 0)
	return binary.BigEndian.AppendUint32(dst, m.Config), nil
}

func decodeTableMod(b []byte, v Version) (Message, error) {
	if len(b) < 8 || (v <= V13 && len(b) != 8) {
		return nil, OFPBRC_BAD_LEN
	}
	for props := b[8:]; len(props) > 0; {
		if len(props) < 4 {
			return nil, OFPBRC_BAD_LEN
		}
		pl := int(binary.BigEndian.Uint16(props[2:]))
		if pl < 4 || pl > len(props) {
			return nil, OFPBRC_BAD_LEN
		}
		adv := (pl + 7) &^ 7
		if adv > len(props) {
			adv = len(props)
		}
		props = props[adv:]
	}
	return &TableMod{TableID: b[0], Config: binary.BigEndian.Uint32(b[4:])}, nil
}

var tableMissNames = [3]string{"controller", "continue", "drop"}

func (m *TableMod) appendText(dst []byte, v Version) []byte {
	if m.TableID == TableAll {
		dst = append(dst, " table_id: ALL_TABLES"...)
	} else {
		dst = append(dst, " table_id="...)
		dst = appendUint(dst, uint64(m.TableID))
	}
	switch {
	case v <= V12:
		miss := "controller"
		if m.Config < 3 {
			miss = tableMissNames[m.Config]
		}
		dst = append(dst, ", flow_miss_config="...)
		dst = append(dst, miss...)
	case v >= V14:
		dst = append(dst, ", eviction="...)
		dst = appendOnOff(dst, m.Config&tableConfigEviction != 0)
		dst = append(dst, ", vacancy="...)
		dst = appendOnOff(dst, m.Config&tableConfigVacancy != 0)
		if m.Config&tableConfigVacancy != 0 {
			dst = append(dst, " vacancy:0,0"...)
		}
	}
	return dst
}

func appendOnOff(dst []byte, on bool) []byte {
	if on {
		return append(dst, "on"...)
	}
	return append(dst, "off"...)
}

// AsyncKind indexes the asynchronous message kinds a controller can
// filter.
type AsyncKind int

// Asynchronous message kinds.
const (
	AsyncPacketIn AsyncKind = iota
	AsyncPortStatus
	AsyncFlowRemoved
	AsyncRoleStatus
	AsyncTableStatus
	AsyncRequestForward
	numAsyncKinds
)

// AsyncConfig holds, per kind, the reason bitmaps enabled for a primary
// (index 0) and a secondary (index 1) controller.
type AsyncConfig struct {
	Masks [numAsyncKinds][2]uint32
}

// GetAsyncReply, SetAsync and NXSetAsyncConfig carry an AsyncConfig. The
// 1.3 and Nicira layouts carry only packet-in, port-status and
// flow-removed; 1.4+ uses one property per kind and role.
type GetAsyncReply struct{ AsyncConfig }

// SetAsync is OFPT_SET_ASYNC.
type SetAsync struct{ AsyncConfig }

// NXSetAsyncConfig is Nicira's set-async for 1.0-1.2.
type NXSetAsyncConfig struct{ AsyncConfig }

func (*GetAsyncReply) Type() MsgType    { return MsgGetAsyncReply }
func (*SetAsync) Type() MsgType         { return MsgSetAsync }
func (*NXSetAsyncConfig) Type() MsgType { return MsgNXSetAsyncConfig }

// appendBody for the Nicira message always uses the fixed layout.
func (m *NXSetAsyncConfig) appendBody(dst []byte, _ Version) ([]byte, error) {
	return m.AsyncConfig.appendBody(dst, V13)
}

func (c *AsyncConfig) appendBody(dst []byte, v Version) ([]byte, error) {
	be := binary.BigEndian
	if v <= V13 {
		for k := AsyncPacketIn; k <= AsyncFlowRemoved; k++ {
			dst = be.AppendUint32(dst, c.Masks[k][0])
			dst = be.AppendUint32(dst, c.Masks[k][1])
		}
		return dst, nil
	}
	// Property type 2k is the secondary mask, 2k+1 the primary one.
	for k := AsyncPacketIn; k < numAsyncKinds; k++ {
		for role := 1; role >= 0; role-- {
			dst = be.AppendUint16(dst, uint16(2*int(k)+(1-role)))
			dst = be.AppendUint16(dst, 8)
			dst = be.AppendUint32(dst, c.Masks[k][role])
		}
	}
	return dst, nil
}

func decodeAsync(b []byte, v Version) (AsyncConfig, error) {
	be := binary.BigEndian
	var c AsyncConfig
	if v <= V13 {
		if len(b) != 24 {
			return c, OFPBRC_BAD_LEN
		}
		for k := AsyncPacketIn; k <= AsyncFlowRemoved; k++ {
			c.Masks[k][0] = be.Uint32(b[8*k:])
			c.Masks[k][1] = be.Uint32(b[8*k+4:])
		}
		return c, nil
	}
	for len(b) > 0 {
		if len(b) < 4 {
			return c, OFPBRC_BAD_LEN
		}
		typ, pl := int(be.Uint16(b)), int(be.Uint16(b[2:]))
		if pl < 4 || pl > len(b) {
			return c, OFPBRC_BAD_LEN
		}
		if typ < 2*int(numAsyncKinds) {
			if pl != 8 {
				return c, OFPBRC_BAD_LEN
			}
			c.Masks[typ/2][1-typ%2] = be.Uint32(b[4:])
		}
		adv := (pl + 7) &^ 7
		if adv > len(b) {
			adv = len(b)
		}
		b = b[adv:]
	}
	return c, nil
}

var asyncLabels = [numAsyncKinds]string{"       PACKET_IN:", "     PORT_STATUS:", "    FLOW_REMOVED:",
	"     ROLE_STATUS:", "    TABLE_STATUS:", "  REQUESTFORWARD:"}

var asyncReasons = [numAsyncKinds][]string{
	{"no_match", "action", "invalid_ttl", "action_set", "group", "packet_out"},
	{"add", "delete", "modify"},
	{"idle", "hard", "delete", "group_delete", "meter_delete", "eviction"},
	{"primary_request", "configuration_changed", "experimenter_data_changed"},
	{"", "", "", "vacancy_down", "vacancy_up"},
	{"group_mod_request", "meter_mod_request"},
}

func (c *AsyncConfig) appendText(dst []byte, v Version) []byte {
	for role, title := range [2]string{"\n primary:\n", "\n secondary:\n"} {
		dst = append(dst, title...)
		for k := AsyncPacketIn; k < numAsyncKinds; k++ {
			dst = append(dst, asyncLabels[k]...)
			n := len(dst)
			for i, name := range asyncReasons[k] {
				if name != "" && c.Masks[k][role]&(1<<uint(i)) != 0 {
					dst = append(dst, ' ')
					dst = append(dst, name...)
				}
			}
			if len(dst) == n {
				dst = append(dst, " (off)"...)
			}
			dst = append(dst, '\n')
		}
	}
	return dst
}

func appendUint(dst []byte, u uint64) []byte {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}

func registerAsyncDecoders() {
	decoders[MsgTableMod] = decodeTableMod
	decoders[MsgGetAsyncReply] = func(b []byte, v Version) (Message, error) {
		c, err := decodeAsync(b, v)
		if err != nil {
			return nil, err
		}
		return &GetAsyncReply{c}, nil
	}
	decoders[MsgSetAsync] = func(b []byte, v Version) (Message, error) {
		c, err := decodeAsync(b, v)
		if err != nil {
			return nil, err
		}
		return &SetAsync{c}, nil
	}
	decoders[MsgNXSetAsyncConfig] = func(b []byte, _ Version) (Message, error) {
		c, err := decodeAsync(b, V13)
		if err != nil {
			return nil, err
		}
		return &NXSetAsyncConfig{c}, nil
	}
}
