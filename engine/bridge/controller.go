package bridge

import (
	"slices"
	"strings"
	"time"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// configureControllers hands the bridge's Controller rows, fail_mode and
// protocols to its OpenFlow side.
func (s *Switch) configureControllers(br *Bridge, row *idl.Row) {
	c := &s.cols
	var cfgs []ofproto.ControllerConfig
	for _, u := range row.UUIDs(c.brController) {
		crow := c.controller.Row(u)
		if crow == nil {
			continue
		}
		cfg := ofproto.ControllerConfig{
			Target:        crow.Str(c.ctlTarget),
			ProbeInterval: 5 * time.Second,
		}
		if ms, ok := crow.Int(c.ctlProbe); ok {
			cfg.ProbeInterval = time.Duration(ms) * time.Millisecond
			if cfg.ProbeInterval > 0 && cfg.ProbeInterval < time.Second {
				cfg.ProbeInterval = time.Second
			}
		}
		if ms, ok := crow.Int(c.ctlMaxBackoff); ok && ms >= 1000 {
			cfg.MaxBackoff = time.Duration(ms) * time.Millisecond
		}
		if n, ok := crow.Int(c.ctlRateLimit); ok {
			cfg.RateLimit = int(n)
		}
		if n, ok := crow.Int(c.ctlBurstLimit); ok {
			cfg.BurstLimit = int(n)
		}
		cfgs = append(cfgs, cfg)
	}
	var versions openflow.VersionBitmap
	for _, a := range row.Get(c.brProtocols).Keys {
		if v, ok := openflow.ParseVersion(a.Str()); ok {
			versions |= openflow.BitmapOf(v)
		}
	}
	br.of.SetProtocols(versions)
	br.of.SetControllers(cfgs, row.Str(c.brFailMode) == "secure")
}

// controllerStatus writes is_connected, role and status of the bridge's
// Controller rows.
func (s *Switch) controllerStatus(txn *idl.Txn, br *Bridge) bool {
	c := &s.cols
	brow := c.bridge.Row(br.row)
	if brow == nil {
		return false
	}
	status := br.of.ControllerStatus()
	changed := false
	for _, u := range brow.UUIDs(c.brController) {
		crow := c.controller.Row(u)
		if crow == nil {
			continue
		}
		target := crow.Str(c.ctlTarget)
		i := slices.IndexFunc(status, func(st ofproto.ControllerStatus) bool { return st.Target == target })
		if i < 0 {
			continue
		}
		st := status[i]
		changed = setIfChanged(txn, crow, c.ctlIsConnected, ovsdb.NewScalarDatum(ovsdb.BoolAtom(st.Connected))) || changed
		var role []string
		if st.Role != "" {
			role = []string{st.Role}
		}
		changed = setIfChanged(txn, crow, c.ctlRole, strSetDatum(role)) || changed
		m := make(map[string]any, len(st.Status))
		for k, v := range st.Status {
			m[k] = v
		}
		changed = setIfChanged(txn, crow, c.ctlStatus, mapDatum(m)) || changed
	}
	return changed
}

// controllerStatusKey summarises the controllers' state so that poll can
// tell when it is worth a status write: connection and role changes, not
// the seconds counters that tick by themselves.
func (br *Bridge) controllerStatusKey() string {
	var b strings.Builder
	for _, st := range br.of.ControllerStatus() {
		b.WriteString(st.Target)
		if st.Connected {
			b.WriteString(" up ")
		}
		b.WriteString(st.Role)
		b.WriteString(st.Status["state"])
		b.WriteString(st.Status["last_error"])
		b.WriteByte(';')
	}
	return b.String()
}
