package ofproto

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"slices"
	"sync"

	"github.com/govs/ovs/proto/openflow"
)

// tableFeaturesData holds, per OpenFlow version (1.3, 1.4, 1.5), one
// table's entry of the OFPMP_TABLE_FEATURES reply that OVS 3.1 sends: the
// instructions, actions, match fields, wildcards and set-field lists its
// tables support. Our tables support the same sets (the same field
// registry and action model), and controllers compare the lists literally,
// so the switch announces this reference data rather than a list of its
// own in another order. Each record is: version (1 byte), length (2
// bytes), the ofp_table_features entry.
//
// It is stored uncompressed (15 KiB): compress/gzip would cost every tool
// of the binary the initialisation of compress/flate and hash/crc32 at
// each start, to save 14 KiB of the binary.
//
//go:embed table_features.bin
var tableFeaturesData []byte

// Table-features property types whose bodies depend on the table: the
// tables goto_table may reach.
// The last table can go nowhere, so it also lacks the goto_table
// instruction (OFPIT_GOTO_TABLE, an ofp_instruction_id of type 1).
const (
	tfpInstructions     = 0
	tfpInstructionsMiss = 1
	tfpNextTables       = 2
	tfpNextTablesMiss   = 3
	ofpitGotoTable      = 1
)

var (
	tableFeaturesOnce     sync.Once
	tableFeaturesTemplate map[openflow.Version]openflow.TableFeatures
	tableFeaturesErr      error
)

// loadTableFeatures decodes the reference entries once.
func loadTableFeatures() {
	raw := tableFeaturesData
	tableFeaturesTemplate = make(map[openflow.Version]openflow.TableFeatures)
	for len(raw) >= 3 {
		v := openflow.Version(raw[0])
		n := int(binary.BigEndian.Uint16(raw[1:]))
		if len(raw) < 3+n {
			break
		}
		// Frame the entry as a one-table reply and let the codec
		// decode it.
		msg := make([]byte, 16, 16+n)
		msg[0], msg[1] = byte(v), 19 // OFPT_MULTIPART_REPLY
		binary.BigEndian.PutUint16(msg[2:], uint16(16+n))
		binary.BigEndian.PutUint16(msg[8:], uint16(openflow.StatsTableFeatures))
		msg = append(msg, raw[3:3+n]...)
		m, _, err := openflow.Decode(msg)
		if err != nil {
			tableFeaturesErr = err
			return
		}
		if r, ok := m.(*openflow.TableFeaturesReply); ok && len(r.Tables) == 1 {
			tableFeaturesTemplate[v] = r.Tables[0]
		}
		raw = raw[3+n:]
	}
}

// tableFeatures builds the reply for version v: every table, each able to
// go to the tables after it.
func tableFeatures(v openflow.Version) (*openflow.TableFeaturesReply, error) {
	tableFeaturesOnce.Do(loadTableFeatures)
	if tableFeaturesErr != nil {
		return nil, tableFeaturesErr
	}
	tmpl, ok := tableFeaturesTemplate[v]
	if !ok {
		return nil, errors.New("no table features for " + v.String())
	}
	rep := &openflow.TableFeaturesReply{Tables: make([]openflow.TableFeatures, numTablesAnnounced)}
	next := make([]byte, numTablesAnnounced)
	for i := range next {
		next[i] = byte(i)
	}
	for t := range rep.Tables {
		tf := tmpl
		tf.TableID = uint8(t)
		tf.Props = slices.Clone(tmpl.Props)
		for i := range tf.Props {
			switch tf.Props[i].Type {
			case tfpNextTables, tfpNextTablesMiss:
				tf.Props[i].Data = next[t+1:]
			case tfpInstructions, tfpInstructionsMiss:
				if t == numTablesAnnounced-1 {
					tf.Props[i].Data = withoutInstruction(tf.Props[i].Data, ofpitGotoTable)
				}
			}
		}
		rep.Tables[t] = tf
	}
	return rep, nil
}

// withoutInstruction drops one instruction type from a list of 4-byte
// ofp_instruction_id entries.
func withoutInstruction(ids []byte, typ uint16) []byte {
	out := make([]byte, 0, len(ids))
	for i := 0; i+4 <= len(ids); i += 4 {
		if binary.BigEndian.Uint16(ids[i:]) != typ {
			out = append(out, ids[i:i+4]...)
		}
	}
	return out
}
