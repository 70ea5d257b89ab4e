package ofproto

import (
	"encoding/binary"
	"github.com/govs/ovs/proto/openflow"
)

// A bundle is a set of flow and group modifications a connection collects and then
// commits all at once (OpenFlow 1.4 bundles, and the ONF extension for
// 1.3). Messages are checked when added, so that a commit fails only for
// what the flow table itself refuses, and the commit is atomic: lookups
// see either none or all of it.
type bundle struct {
	id     uint32
	flags  openflow.BundleFlags
	closed bool
	msgs   []bundleMsg
}

// bundleMsg is one added message, kept raw for the error reply that names
// it if the commit fails.
type bundleMsg struct {
	raw []byte
	fm  *openflow.FlowMod
	gm  *openflow.GroupMod
}

// bundleControl handles open, close, commit and discard.
func (oc *ofconn) bundleControl(bc *openflow.BundleControl, h openflow.Header) (openflow.ErrorCode, bool) {
	oc.mu.Lock()
	if oc.bundles == nil {
		oc.bundles = make(map[uint32]*bundle)
	}
	b := oc.bundles[bc.BundleID]
	var replyType openflow.BundleCtrlType
	var code openflow.ErrorCode
	var commit *bundle
	switch bc.CtrlType {
	case openflow.BundleOpenRequest:
		replyType = openflow.BundleOpenReply
		if b != nil {
			code = openflow.OFPBFC_BAD_ID
			break
		}
		oc.bundles[bc.BundleID] = &bundle{id: bc.BundleID, flags: bc.Flags}
	case openflow.BundleCloseRequest:
		replyType = openflow.BundleCloseReply
		switch {
		case b == nil:
			code = openflow.OFPBFC_BAD_ID
		case b.closed:
			code = openflow.OFPBFC_BUNDLE_CLOSED
		case b.flags != bc.Flags:
			code = openflow.OFPBFC_BAD_FLAGS
		default:
			b.closed = true
		}
	case openflow.BundleCommitRequest:
		replyType = openflow.BundleCommitReply
		switch {
		case b == nil:
			code = openflow.OFPBFC_BAD_ID
		case b.flags != bc.Flags:
			code = openflow.OFPBFC_BAD_FLAGS
			delete(oc.bundles, bc.BundleID)
		default:
			commit = b
			delete(oc.bundles, bc.BundleID)
		}
	case openflow.BundleDiscardRequest:
		replyType = openflow.BundleDiscardReply
		if b == nil {
			code = openflow.OFPBFC_BAD_ID
		} else {
			delete(oc.bundles, bc.BundleID)
		}
	default:
		code = openflow.OFPBFC_BAD_TYPE
	}
	oc.mu.Unlock()
	if code != 0 {
		return code, false
	}
	if commit != nil {
		if failed, err := oc.o.commitBundle(oc, commit, openflow.Version(h.Version)); err != nil {
			// The error for the message that failed, then the commit's.
			oc.replyError(errorCodeOf(err, openflow.OFPFMFC_UNKNOWN), commit.msgs[failed].raw)
			return openflow.OFPBFC_MSG_FAILED, false
		}
	}
	oc.reply(&openflow.BundleControl{BundleID: bc.BundleID, CtrlType: replyType, Flags: bc.Flags}, h)
	return 0, true
}

// bundleAdd checks and queues one message of a bundle, opening the bundle
// if needed.
func (oc *ofconn) bundleAdd(ba *openflow.BundleAdd, h openflow.Header) (openflow.ErrorCode, bool) {
	inner, ih, err := openflow.Decode(ba.Msg)
	if err != nil {
		return decodeErrorCode(err), false
	}
	if ih.Version != h.Version {
		return openflow.OFPBFC_BAD_VERSION, false
	}
	msg := bundleMsg{raw: ba.Msg}
	switch m := inner.(type) {
	case *openflow.FlowMod:
		msg.fm = m
	case *openflow.GroupMod:
		msg.gm = m
	default:
		return openflow.OFPBFC_MSG_UNSUP, false
	}
	if oc.isSecondary() {
		return openflow.OFPBRC_IS_SECONDARY, false
	}
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if oc.bundles == nil {
		oc.bundles = make(map[uint32]*bundle)
	}
	b := oc.bundles[ba.BundleID]
	switch {
	case b == nil:
		b = &bundle{id: ba.BundleID, flags: ba.Flags}
		oc.bundles[ba.BundleID] = b
	case b.closed:
		return openflow.OFPBFC_BUNDLE_CLOSED, false
	case b.flags != ba.Flags:
		return openflow.OFPBFC_BAD_FLAGS, false
	}
	b.msgs = append(b.msgs, msg)
	return 0, true
}

// handleMore handles the messages that are not plain requests: bundles,
// groups, meters.
func (oc *ofconn) handleMore(m openflow.Message, h openflow.Header, raw []byte) (openflow.ErrorCode, bool) {
	switch m := m.(type) {
	case *openflow.BundleControl:
		return oc.bundleControl(m, h)
	case *openflow.BundleAdd:
		return oc.bundleAdd(m, h)
	case *openflow.GroupMod:
		if err := oc.o.GroupMod(m); err != nil {
			return errorCodeOf(err, openflow.OFPGMFC_BAD_TYPE), false
		}
	case *openflow.MeterMod:
		if err := oc.o.MeterMod(m); err != nil {
			return errorCodeOf(err, openflow.OFPMMFC_BAD_BAND), false
		}
	default:
		return openflow.OFPBRC_BAD_TYPE, false
	}
	return 0, true
}

// commitBundle applies a bundle's flow and group modifications in order,
// as one transaction: lookups see all of them or, if one fails, none.
// failed indexes the message that failed. by is the connection that
// committed it: as in OVS, its own flow monitors get one ABBREV for the
// whole bundle, carrying the xid of the first message that changed a flow.
func (o *Ofproto) commitBundle(by *ofconn, b *bundle, v openflow.Version) (failed int, err error) {
	err = o.transactBy(by, 0, func(now int64, ch *change) error {
		named := false
		for i, m := range b.msgs {
			before := len(ch.events) + len(ch.removed)
			var err error
			if m.fm != nil {
				err = o.flowMod(m.fm, v, now, ch)
			} else {
				err = o.groupMod(m.gm, ch)
			}
			if err != nil {
				failed = i
				return err
			}
			if !named && len(ch.events)+len(ch.removed) > before && len(m.raw) >= 8 {
				ch.xid = binary.BigEndian.Uint32(m.raw[4:8])
				named = true
			}
		}
		return nil
	})
	return failed, err
}
