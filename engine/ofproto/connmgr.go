package ofproto

import (
	"errors"
	"net"
	"os"
	"sync"

	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/openflow"
)

var logConn = vlog.NewModule("connmgr")

// Switch-wide constants a features reply announces.
const (
	// capabilities (OFPC_*), as OVS announces them: flow, table, port
	// and queue statistics, plus ARP match on IP in 1.0 and group
	// statistics from 1.1 on.
	capabilities10 = 0x1 | 0x2 | 0x4 | 0x40 | 0x80
	capabilities11 = 0x1 | 0x2 | 0x4 | 0x8 | 0x40
	// numTablesAnnounced: table 255 is reserved, so OVS announces 254.
	numTablesAnnounced = 254
	// actions10: the OpenFlow 1.0 actions bitmap OVS sends (every
	// standard action).
	actions10 = 0xfff
)

// Identity is what the OpenFlow side needs to know about the bridge,
// supplied by engine/bridge.
type Identity struct {
	DatapathID uint64
	Ports      func() []openflow.Port
}

// mgmt is a passive OpenFlow listener and its connections.
type mgmt struct {
	ln    net.Listener
	path  string
	mu    sync.Mutex
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// SetIdentity sets the datapath ID and the port lister.
func (o *Ofproto) SetIdentity(id Identity) {
	o.idMu.Lock()
	o.id = id
	o.idMu.Unlock()
}

func (o *Ofproto) identity() Identity {
	o.idMu.Lock()
	defer o.idMu.Unlock()
	return o.id
}

// ListenMgmt opens the bridge's management socket (OVS's
// <rundir>/<bridge>.mgmt), where ovs-ofctl talks to the bridge, and serves
// it until Close.
func (o *Ofproto) ListenMgmt(path string) error {
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	m := &mgmt{ln: ln, path: path, conns: make(map[net.Conn]bool)}
	o.idMu.Lock()
	o.mgmt = m
	o.idMu.Unlock()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			m.mu.Lock()
			m.conns[c] = true
			m.mu.Unlock()
			m.wg.Add(1)
			go func() {
				defer m.wg.Done()
				o.serve(c)
				m.mu.Lock()
				delete(m.conns, c)
				m.mu.Unlock()
				c.Close()
			}()
		}
	}()
	return nil
}

// Close stops the management socket and its connections.
func (o *Ofproto) Close() {
	o.idMu.Lock()
	m := o.mgmt
	o.mgmt = nil
	o.idMu.Unlock()
	if m == nil {
		return
	}
	m.ln.Close()
	os.Remove(m.path)
	m.mu.Lock()
	for c := range m.conns {
		c.Close()
	}
	m.mu.Unlock()
	m.wg.Wait()
}

// serve speaks OpenFlow on one connection: hello and version negotiation,
// then requests until the peer goes away. Messages the switch does not
// handle yet get the error reply OVS would send for an unknown type.
func (o *Ofproto) serve(c net.Conn) {
	hello, err := openflow.EncodeHello(openflow.AllVersions, 0)
	if err != nil {
		return
	}
	if _, err := c.Write(hello); err != nil {
		return
	}
	buf := make([]byte, 0, 4096)
	msg, err := openflow.ReadMessage(c, buf)
	if err != nil {
		return
	}
	v, err := openflow.NegotiateHello(openflow.AllVersions, msg)
	if err != nil {
		var ne *openflow.NegotiationError
		if errors.As(err, &ne) {
			c.Write(ne.Reply)
			logConn.Info("%s: %s", o.Name, ne.Log)
		}
		return
	}
	// Management (service) connections get no packet-ins unless they
	// ask: miss_send_len 0, as in OVS.
	cfg := openflow.SwitchConfig{}
	for {
		msg, err = openflow.ReadMessage(c, buf[:0])
		if err != nil {
			return
		}
		reply, err := o.handle(msg, v, &cfg)
		if err != nil {
			return
		}
		if len(reply) > 0 {
			if _, err := c.Write(reply); err != nil {
				return
			}
		}
	}
}

// handle answers one request (nil for none).
func (o *Ofproto) handle(msg []byte, v openflow.Version, cfg *openflow.SwitchConfig) ([]byte, error) {
	m, h, err := openflow.Decode(msg)
	if err != nil {
		var code openflow.ErrorCode
		var ue *openflow.UnsupportedError
		switch {
		case errors.As(err, &ue):
			code = ue.Reply()
		case errors.As(err, &code):
		default:
			code = openflow.OFPBRC_BAD_TYPE
		}
		return openflow.EncodeErrorReply(code, msg)
	}
	var reply openflow.Message
	switch m := m.(type) {
	case *openflow.EchoRequest:
		reply = &openflow.EchoReply{Data: m.Data}
	case *openflow.EchoReply, *openflow.Hello:
		return nil, nil
	case *openflow.FeaturesRequest:
		id := o.identity()
		fr := &openflow.FeaturesReply{
			DatapathID:   id.DatapathID,
			NBuffers:     0,
			NTables:      numTablesAnnounced,
			Capabilities: capabilities11,
		}
		if v == openflow.V10 {
			fr.Actions = actions10
			fr.Capabilities = capabilities10
		}
		if id.Ports != nil && v <= openflow.V12 {
			fr.Ports = id.Ports()
		}
		reply = fr
	case *openflow.GetConfigRequest:
		reply = &openflow.GetConfigReply{SwitchConfig: *cfg}
	case *openflow.SetConfig:
		*cfg = m.SwitchConfig
		return nil, nil
	case *openflow.BarrierRequest:
		reply = &openflow.BarrierReply{}
	default:
		return openflow.EncodeErrorReply(openflow.OFPBRC_BAD_TYPE, msg)
	}
	return openflow.Encode(reply, h.Version, h.Xid)
}
