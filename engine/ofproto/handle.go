package ofproto

import (
	"errors"

	"github.com/govs/ovs/proto/openflow"
)

// handle answers one request. Requests that fail get the OpenFlow error
// reply OVS sends; none of them closes the connection.
func (oc *ofconn) handle(msg []byte) {
	m, h, err := openflow.Decode(msg)
	if err != nil {
		oc.replyError(decodeErrorCode(err), msg)
		return
	}
	if code, ok := oc.handleMessage(m, h, msg); !ok {
		oc.replyError(code, msg)
	}
}

// decodeErrorCode is the error a peer gets for a message that did not
// decode.
func decodeErrorCode(err error) openflow.ErrorCode {
	var code openflow.ErrorCode
	var ue *openflow.UnsupportedError
	switch {
	case errors.As(err, &ue):
		return ue.Reply()
	case errors.As(err, &code):
		return code
	}
	return openflow.OFPBRC_BAD_TYPE
}

// modifiesState reports whether a message changes the switch, which a
// secondary controller may not do.
func modifiesState(m openflow.Message) bool {
	switch m.(type) {
	case *openflow.FlowMod, *openflow.PacketOut, *openflow.PortMod, *openflow.TableMod,
		*openflow.GroupMod, *openflow.MeterMod:
		return true
	}
	return false
}

// handleMessage acts on one decoded message; ok false means "reply with
// code".
func (oc *ofconn) handleMessage(m openflow.Message, h openflow.Header, raw []byte) (code openflow.ErrorCode, ok bool) {
	if modifiesState(m) && oc.isSecondary() {
		return openflow.OFPBRC_IS_SECONDARY, false
	}
	o := oc.o
	switch m := m.(type) {
	case *openflow.EchoRequest:
		oc.reply(&openflow.EchoReply{Data: m.Data}, h)
	case *openflow.EchoReply, *openflow.Hello, *openflow.ErrorMsg:
	case *openflow.FeaturesRequest:
		oc.reply(o.featuresReply(openflow.Version(h.Version)), h)
	case *openflow.GetConfigRequest:
		oc.mu.Lock()
		cfg := oc.cfg
		oc.mu.Unlock()
		oc.reply(&openflow.GetConfigReply{SwitchConfig: cfg}, h)
	case *openflow.SetConfig:
		cfg := m.SwitchConfig
		if cfg.Frags != openflow.FragNormal && cfg.Frags != openflow.FragDrop {
			// OVS keeps "normal" and "drop" only; the rest is ignored.
			cfg.Frags = openflow.FragNormal
		}
		oc.mu.Lock()
		oc.cfg = cfg
		oc.mu.Unlock()
		o.cm().missesChanged()
	case *openflow.BarrierRequest:
		oc.reply(&openflow.BarrierReply{}, h)
	case *openflow.FlowMod:
		return oc.flowMod(m, h)
	case *openflow.PacketOut:
		id := o.identity()
		if id.PacketOut == nil {
			return openflow.OFPBRC_BAD_TYPE, false
		}
		if m.BufferID != openflow.BufferNone {
			return openflow.OFPBRC_BUFFER_UNKNOWN, false
		}
		if err := id.PacketOut(m); err != nil {
			return errorCodeOf(err, openflow.OFPBRC_EPERM), false
		}
	case *openflow.PortMod:
		id := o.identity()
		if id.PortMod == nil {
			return openflow.OFPPMFC_BAD_PORT, false
		}
		if err := id.PortMod(m); err != nil {
			return errorCodeOf(err, openflow.OFPPMFC_BAD_PORT), false
		}
	case *openflow.TableMod:
		// Table config (eviction, vacancy events) changes no forwarding;
		// OVS accepts it for any existing table.
		if m.TableID != openflow.TableAll && int(m.TableID) >= numTablesAnnounced {
			return openflow.OFPTMFC_BAD_TABLE, false
		}
	case *openflow.RoleRequest:
		return oc.roleRequest(m, h)
	case *openflow.NXRoleRequest:
		if m.Role == openflow.RoleNoChange {
			return openflow.OFPRRFC_BAD_ROLE, false
		}
		oc.setRole(m.Role)
		oc.reply(&openflow.NXRoleReply{Role: m.Role}, h)
	case *openflow.GetAsyncRequest:
		oc.mu.Lock()
		a := oc.async
		oc.mu.Unlock()
		oc.reply(&openflow.GetAsyncReply{AsyncConfig: a}, h)
	case *openflow.SetAsync:
		oc.setAsync(&m.AsyncConfig, openflow.Version(h.Version))
	case *openflow.NXSetAsyncConfig:
		oc.setAsync(&m.AsyncConfig, openflow.V13)
	case *openflow.NXSetFlowFormat:
		oc.mu.Lock()
		oc.nxm = m.Format == openflow.FlowFormatNXM
		oc.mu.Unlock()
	case *openflow.NXSetPacketInFormat:
		oc.mu.Lock()
		oc.pinFormat = m.Format
		oc.mu.Unlock()
	case *openflow.FlowMonitorRequest:
		return oc.flowMonitorRequest(m, h)
	case *openflow.NXFlowMonitorCancel:
		return oc.flowMonitorCancel(m.ID)
	case *openflow.NXFlowModTableID:
		oc.mu.Lock()
		oc.tableID = m.Enable
		oc.mu.Unlock()
	case *openflow.QueueGetConfigRequest:
		return oc.queueGetConfig(m, h)
	case *openflow.QueueDescRequest:
		return oc.queueDesc(m, h)
	default:
		if mp, isMultipart := m.(multipartRequest); isMultipart {
			return oc.multipart(mp, h)
		}
		return oc.handleMore(m, h, raw)
	}
	return 0, true
}

// errorCodeOf returns err's OpenFlow error code, or def.
func errorCodeOf(err error, def openflow.ErrorCode) openflow.ErrorCode {
	var code openflow.ErrorCode
	if errors.As(err, &code) {
		return code
	}
	return def
}

func (o *Ofproto) featuresReply(v openflow.Version) *openflow.FeaturesReply {
	id := o.identity()
	fr := &openflow.FeaturesReply{
		DatapathID:   id.DatapathID,
		NTables:      numTablesAnnounced,
		Capabilities: capabilities11,
	}
	if v == openflow.V10 {
		fr.Actions = actions10
		fr.Capabilities = capabilities10
	}
	if v >= openflow.V14 {
		fr.Capabilities |= capabilityBundles
	}
	if id.Ports != nil && v <= openflow.V12 {
		fr.Ports = id.Ports()
	}
	return fr
}

// capabilityBundles is OFPC_BUNDLES, announced from OpenFlow 1.4 on.
const capabilityBundles = 1 << 9

// flowMod applies a flow table modification.
func (oc *ofconn) flowMod(fm *openflow.FlowMod, h openflow.Header) (openflow.ErrorCode, bool) {
	oc.mu.Lock()
	tableExt := oc.tableID
	oc.mu.Unlock()
	if (h.Version == uint8(openflow.V10) || fm.NXM) && !tableExt && h.Version < uint8(openflow.V11) {
		// Without NXT_FLOW_MOD_TABLE_ID the high byte of a 1.0
		// command is not a table.
		if fm.Command == openflow.FlowAdd && fm.TableID != 0 ||
			fm.Command != openflow.FlowAdd && fm.TableID != openflow.TableAll {
			return openflow.OFPFMFC_BAD_COMMAND, false
		}
	}
	if fm.BufferID != openflow.BufferNone {
		// OVS keeps no packet buffers: the flow is added, and the
		// buffered packet is reported unknown.
		if err := oc.o.flowModBy(fm, openflow.Version(h.Version), oc, h.Xid); err != nil {
			return errorCodeOf(err, openflow.OFPFMFC_UNKNOWN), false
		}
		return openflow.OFPBRC_BUFFER_UNKNOWN, false
	}
	if err := oc.o.flowModBy(fm, openflow.Version(h.Version), oc, h.Xid); err != nil {
		return errorCodeOf(err, openflow.OFPFMFC_UNKNOWN), false
	}
	return 0, true
}

// roleRequest changes the connection's role (OpenFlow 1.2+).
func (oc *ofconn) roleRequest(rr *openflow.RoleRequest, h openflow.Header) (openflow.ErrorCode, bool) {
	if !oc.primary {
		// Service connections have no role to change.
		return openflow.OFPRRFC_BAD_ROLE, false
	}
	m := oc.o.cm()
	if rr.Role == openflow.RolePrimary || rr.Role == openflow.RoleSecond {
		if rr.HasGenerationID {
			m.mu.Lock()
			stale := m.hasGeneration && int64(rr.GenerationID-m.generation) < 0
			if !stale {
				m.generation, m.hasGeneration = rr.GenerationID, true
			}
			m.mu.Unlock()
			if stale {
				return openflow.OFPRRFC_STALE, false
			}
		}
	}
	if rr.Role != openflow.RoleNoChange {
		oc.setRole(rr.Role)
	}
	oc.mu.Lock()
	role := oc.role
	oc.mu.Unlock()
	m.mu.Lock()
	reply := &openflow.RoleReply{Role: role, GenerationID: m.generation, HasGenerationID: m.hasGeneration}
	m.mu.Unlock()
	oc.reply(reply, h)
	return 0, true
}

// setRole sets the connection's role; a new primary demotes the others.
func (oc *ofconn) setRole(r openflow.Role) {
	if r == openflow.RolePrimary {
		oc.o.cm().each(func(other *ofconn) {
			if other == oc {
				return
			}
			other.mu.Lock()
			if other.role == openflow.RolePrimary {
				other.role = openflow.RoleSecond
			}
			other.mu.Unlock()
		})
	}
	oc.mu.Lock()
	oc.role = r
	oc.mu.Unlock()
}

// setAsync replaces the parts of the asynchronous configuration that the
// message's version can express.
func (oc *ofconn) setAsync(a *openflow.AsyncConfig, v openflow.Version) {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	n := openflow.AsyncFlowRemoved
	if v >= openflow.V14 {
		n = openflow.AsyncRequestForward
	}
	for k := openflow.AsyncPacketIn; k <= n; k++ {
		oc.async.Masks[k] = a.Masks[k]
	}
}
