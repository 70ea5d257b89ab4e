package openflow

import "encoding/binary"

// Table features (OFPMP_TABLE_FEATURES, OpenFlow 1.3+). ovs-ofctl asks a
// switch for them before it can name tables, so a switch must answer
// them. Properties are kept as their type and body bytes: the switch
// builds them once, and decoding must keep what it does not understand.
//
// Their ofp-print text is in stats_features_text.go.

// Table feature property types (OFPTFPT_*).
const (
	TFPInstructions       uint16 = 0
	TFPInstructionsMiss   uint16 = 1
	TFPNextTables         uint16 = 2
	TFPNextTablesMiss     uint16 = 3
	TFPWriteActions       uint16 = 4
	TFPWriteActionsMiss   uint16 = 5
	TFPApplyActions       uint16 = 6
	TFPApplyActionsMiss   uint16 = 7
	TFPMatch              uint16 = 8
	TFPWildcards          uint16 = 10
	TFPWriteSetfield      uint16 = 12
	TFPWriteSetfieldMiss  uint16 = 13
	TFPApplySetfield      uint16 = 14
	TFPApplySetfieldMiss  uint16 = 15
	TFPExperimenter       uint16 = 0xfffe
	TFPExperimenterMiss   uint16 = 0xffff
	tableFeaturesFixedLen        = 64
)

// TableFeatureProp is one table feature property: its type and its body
// (after the 4-byte header, without the padding).
type TableFeatureProp struct {
	Type uint16
	Data []byte
}

// TableFeatures describes one table. Command and Features are 1.5's
// (OFPTFC_*, OFPTFF_*); Config is 1.5's capabilities field.
type TableFeatures struct {
	TableID       uint8
	Command       uint8
	Features      uint32
	Name          string
	MetadataMatch uint64
	MetadataWrite uint64
	Config        uint32
	MaxEntries    uint32
	Props         []TableFeatureProp
}

func appendTableFeatures(b []byte, t *TableFeatures, v Version) ([]byte, error) {
	s := len(b)
	b = append(be16(b, 0), t.TableID)
	if v >= V15 {
		b = be32(append(b, t.Command), t.Features)
	} else {
		b = pad(b, 5)
	}
	b = appendCString(b, t.Name, 32)
	b = be32(be32(be64(be64(b, t.MetadataMatch), t.MetadataWrite), t.Config), t.MaxEntries)
	for _, p := range t.Props {
		if len(p.Data) > 0xffff-4 {
			return b[:s], OFPBRC_BAD_LEN
		}
		b = append(be16(be16(b, p.Type), uint16(4+len(p.Data))), p.Data...)
		b = pad(b, (8-(4+len(p.Data))%8)%8)
	}
	if len(b)-s > 0xffff {
		return b[:s], OFPBRC_BAD_LEN
	}
	binary.BigEndian.PutUint16(b[s:], uint16(len(b)-s))
	return b, nil
}

func decodeTableFeaturesList(b []byte, v Version) ([]TableFeatures, error) {
	var ts []TableFeatures
	for len(b) > 0 {
		if len(b) < tableFeaturesFixedLen {
			return ts, OFPBRC_BAD_LEN
		}
		n := int(u16(b, 0))
		if n < tableFeaturesFixedLen || n > len(b) {
			return ts, OFPBRC_BAD_LEN
		}
		t := TableFeatures{TableID: b[2], Name: parseName(b[8:40]), MetadataMatch: u64(b, 40),
			MetadataWrite: u64(b, 48), Config: u32(b, 56), MaxEntries: u32(b, 60)}
		if v >= V15 {
			t.Command, t.Features = b[3], u32(b, 4)
		}
		for props := b[tableFeaturesFixedLen:n]; len(props) > 0; {
			if len(props) < 4 {
				return ts, OFPBPC_BAD_LEN
			}
			pl := int(u16(props, 2))
			padded := (pl + 7) &^ 7
			if pl < 4 || padded > len(props) {
				return ts, OFPBPC_BAD_LEN
			}
			t.Props = append(t.Props, TableFeatureProp{Type: u16(props, 0), Data: append([]byte(nil), props[4:pl]...)})
			props = props[padded:]
		}
		ts = append(ts, t)
		b = b[n:]
	}
	return ts, nil
}

// TableFeaturesRequest is OFPST_TABLE_FEATURES request: empty to ask,
// or carrying the features a controller wants the tables to have.
type TableFeaturesRequest struct {
	Flags  uint16
	Tables []TableFeatures
}

func (*TableFeaturesRequest) Type() MsgType        { return MsgMultipartRequest }
func (*TableFeaturesRequest) StatsType() StatsType { return StatsTableFeatures }
func (m *TableFeaturesRequest) statsFlags() uint16 { return m.Flags }
func (*TableFeaturesRequest) nxStats() bool        { return false }
func (m *TableFeaturesRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *TableFeaturesRequest) appendStatsBody(b []byte, v Version) ([]byte, error) {
	var err error
	for i := range m.Tables {
		if b, err = appendTableFeatures(b, &m.Tables[i], v); err != nil {
			return b, err
		}
	}
	return b, nil
}

// TableFeaturesReply is OFPST_TABLE_FEATURES reply.
type TableFeaturesReply struct {
	Flags  uint16
	Tables []TableFeatures
}

func (*TableFeaturesReply) Type() MsgType        { return MsgMultipartReply }
func (*TableFeaturesReply) StatsType() StatsType { return StatsTableFeatures }
func (m *TableFeaturesReply) statsFlags() uint16 { return m.Flags }
func (*TableFeaturesReply) nxStats() bool        { return false }
func (m *TableFeaturesReply) numEntries() int    { return len(m.Tables) }
func (m *TableFeaturesReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *TableFeaturesReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	var err error
	for i := range m.Tables {
		if b, err = m.appendEntry(b, i, v); err != nil {
			return b, err
		}
	}
	return b, nil
}
func (m *TableFeaturesReply) appendEntry(b []byte, i int, v Version) ([]byte, error) {
	return appendTableFeatures(b, &m.Tables[i], v)
}
