package ofproto

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/proto/openflow"
)

// ControllerConfig is one row of the Controller table as the switch uses
// it.
type ControllerConfig struct {
	Target string
	// ProbeInterval is the inactivity probe interval; 0 disables probes.
	ProbeInterval time.Duration
	// MaxBackoff bounds the wait between connection attempts.
	MaxBackoff time.Duration
	// RateLimit and BurstLimit bound packet-ins per second (0: no limit).
	RateLimit, BurstLimit int
}

// ControllerStatus is what the switch writes back into a Controller row.
type ControllerStatus struct {
	Target    string
	Connected bool
	Role      string // "master", "slave" or "other" while connected
	Status    map[string]string
}

// DefaultControllerPort is the OpenFlow port assumed when a target has
// none (IANA's 6653).
const DefaultControllerPort = 6653

// failOpenPriority is the priority of the hidden rule that makes a
// standalone bridge switch normally while no controller is reachable.
const failOpenPriority = 0xf0f0f0

// controllers tracks the Controller targets of a bridge and the
// fail-open state.
type controllers struct {
	mu      sync.Mutex
	byName  map[string]*controller
	secure  bool
	allowed openflow.VersionBitmap

	// lastConnected is when a controller connection was last seen up.
	lastConnected time.Time
	failOpen      *Rule
	ticker        *time.Ticker
	stopTick      chan struct{}
}

// controller is one Controller target: an active connection kept up with
// backoff, or a passive listener.
type controller struct {
	cfg     ControllerConfig
	stop    chan struct{}
	wg      sync.WaitGroup
	ln      *listener
	mu      sync.Mutex
	fsm     *stream.Reconnect
	conn    *ofconn
	passive bool
}

// SetProtocols restricts the OpenFlow versions the bridge speaks (the
// Bridge protocols column); 0 allows every version.
func (o *Ofproto) SetProtocols(b openflow.VersionBitmap) {
	m := o.cm()
	m.ctl.mu.Lock()
	m.ctl.allowed = b
	m.ctl.mu.Unlock()
}

func (o *Ofproto) allowedVersions() openflow.VersionBitmap {
	m := o.cm()
	m.ctl.mu.Lock()
	defer m.ctl.mu.Unlock()
	if m.ctl.allowed == 0 {
		return openflow.AllVersions
	}
	return m.ctl.allowed
}

// SetControllers reconciles the bridge's controllers with cfgs and its
// fail mode. Without controllers, a standalone bridge has the default
// "priority=0 actions=NORMAL" flow and a secure one has none, as in OVS.
func (o *Ofproto) SetControllers(cfgs []ControllerConfig, secure bool) {
	m := o.cm()
	c := &m.ctl
	c.mu.Lock()
	if c.byName == nil {
		c.byName = make(map[string]*controller)
	}
	hadNone := len(c.byName) == 0
	want := make(map[string]ControllerConfig, len(cfgs))
	for _, cfg := range cfgs {
		want[cfg.Target] = cfg
	}
	var stopped []*controller
	for name, ctl := range c.byName {
		if cfg, ok := want[name]; !ok || cfg != ctl.cfg {
			stopped = append(stopped, ctl)
			delete(c.byName, name)
		}
	}
	var started []*controller
	for name, cfg := range want {
		if _, ok := c.byName[name]; !ok {
			ctl := &controller{cfg: cfg, stop: make(chan struct{})}
			c.byName[name] = ctl
			started = append(started, ctl)
		}
	}
	changedMode := c.secure != secure
	c.secure = secure
	if hadNone && len(c.byName) > 0 {
		c.lastConnected = time.Now()
	}
	n := len(c.byName)
	if c.ticker == nil {
		c.ticker = time.NewTicker(time.Second)
		c.stopTick = make(chan struct{})
		go c.tick(m, c.ticker, c.stopTick)
	}
	c.mu.Unlock()
	for _, ctl := range stopped {
		ctl.shutdown()
	}
	for _, ctl := range started {
		ctl.start(m)
	}
	o.setDefaultFlow(n == 0 && !secure, changedMode || hadNone != (n == 0))
	c.connectionChanged(m)
}

// setDefaultFlow installs or removes the default NORMAL flow.
func (o *Ofproto) setDefaultFlow(want, changed bool) {
	if !changed {
		return
	}
	fm := openflow.NewFlowMod(openflow.FlowDeleteStrict)
	fm.TableID = 0
	fm.Priority = 0
	if want {
		fm = openflow.NewFlowMod(openflow.FlowAdd)
		fm.TableID = 0
		fm.Priority = 0
		fm.Actions = []openflow.Action{&openflow.Output{Port: openflow.PortNormal}}
		if o.hasDefaultFlow() {
			return
		}
	}
	if err := o.FlowMod(fm); err != nil {
		logConn.Warn("%s: default flow: %v", o.Name, err)
	}
}

// hasDefaultFlow reports whether table 0 already has a priority-0
// catch-all rule (whatever its actions: a controller may have changed
// them).
func (o *Ofproto) hasDefaultFlow() bool {
	found := false
	o.Flows(&FlowFilter{TableID: 0, Strict: true, Priority: 0, OutPort: openflow.PortNone,
		OutGroup: openflow.GroupAny}, func(*Rule) bool {
		found = true
		return false
	})
	return found
}

// start begins connecting (or listening) for the controller.
func (ctl *controller) start(m *mgmt) {
	// ControllerStatus may already be reading this controller.
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	now := time.Now()
	ctl.fsm = stream.NewReconnect(ctl.cfg.Target, now)
	if ctl.cfg.MaxBackoff > 0 {
		ctl.fsm.SetBackoff(stream.DefaultMinBackoff, ctl.cfg.MaxBackoff)
	}
	ctl.fsm.SetProbeInterval(ctl.cfg.ProbeInterval)
	if stream.IsPassive(ctl.cfg.Target) {
		ctl.passive = true
		ln, err := stream.Listen(ctl.cfg.Target)
		if err != nil {
			logConn.Err("%s: %s: listen failed: %v", m.o.Name, ctl.cfg.Target, err)
			ctl.fsm.ListenError(now, err)
			return
		}
		ctl.fsm.Listening(now)
		ctl.ln = &listener{ln: ln, primary: true, target: ctl.cfg.Target}
		m.serveListener(ctl.ln)
		return
	}
	ctl.fsm.Enable(now)
	ctl.wg.Add(1)
	go ctl.loop(m)
}

// shutdown stops the controller and drops its connection.
func (ctl *controller) shutdown() {
	close(ctl.stop)
	if ctl.ln != nil {
		ctl.ln.close()
	}
	ctl.mu.Lock()
	if ctl.conn != nil {
		ctl.conn.close()
	}
	ctl.mu.Unlock()
	ctl.wg.Wait()
}

// loop keeps an active controller connected: connection attempts with
// backoff, inactivity probes, and reconnection when the peer goes away.
func (ctl *controller) loop(m *mgmt) {
	defer ctl.wg.Done()
	target := stream.WithDefaultPort(ctl.cfg.Target, DefaultControllerPort)
	connDone := make(chan error, 1)
	var lastRx int64
	for {
		now := time.Now()
		ctl.mu.Lock()
		conn := ctl.conn
		if conn != nil {
			if rx := conn.lastRx.Load(); rx != lastRx {
				lastRx = rx
				ctl.fsm.Activity(time.Unix(0, rx))
			}
		}
		act := ctl.fsm.Run(now)
		ctl.mu.Unlock()
		switch act {
		case stream.Connect:
			ctl.mu.Lock()
			ctl.fsm.Connecting(now)
			ctl.mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			c, err := stream.Dial(ctx, target)
			cancel()
			ctl.mu.Lock()
			if err != nil {
				ctl.fsm.ConnectFailed(time.Now(), err)
				ctl.mu.Unlock()
				break
			}
			ctl.fsm.Connected(time.Now())
			oc := newOfconn(m.o, c, true, ctl.cfg.Target)
			oc.setRateLimit(ctl.cfg.RateLimit, ctl.cfg.BurstLimit)
			ctl.conn = oc
			ctl.mu.Unlock()
			logConn.Info("%s<->%s: connected", m.o.Name, ctl.cfg.Target)
			go func() { connDone <- oc.run(m.o.allowedVersions()) }()
		case stream.Disconnect:
			if conn != nil {
				conn.close()
			}
		case stream.Probe:
			if conn != nil {
				if b, err := openflow.Encode(&openflow.EchoRequest{}, uint8(conn.version()), 0); err == nil {
					conn.sendAsync(b)
				}
			}
		}
		ctl.mu.Lock()
		wait, ok := ctl.fsm.Timeout(time.Now())
		ctl.mu.Unlock()
		if !ok || wait > time.Second {
			wait = time.Second
		}
		t := time.NewTimer(wait)
		select {
		case <-ctl.stop:
			t.Stop()
			ctl.mu.Lock()
			if ctl.conn != nil {
				ctl.conn.close()
			}
			ctl.mu.Unlock()
			return
		case err := <-connDone:
			t.Stop()
			ctl.mu.Lock()
			ctl.conn = nil
			ctl.fsm.Disconnected(time.Now(), err)
			ctl.mu.Unlock()
			logConn.Info("%s<->%s: connection dropped", m.o.Name, ctl.cfg.Target)
			m.ctl.connectionChanged(m)
		case <-t.C:
		}
	}
}

// connectionChanged re-evaluates fail-open after a connection came or
// went.
func (c *controllers) connectionChanged(m *mgmt) {
	c.evaluate(m, time.Now())
}

// tick re-evaluates fail-open every second.
func (c *controllers) tick(m *mgmt, t *time.Ticker, stop chan struct{}) {
	for {
		select {
		case now := <-t.C:
			c.evaluate(m, now)
		case <-stop:
			return
		}
	}
}

// evaluate enters or leaves fail-open. A standalone bridge fails open
// after no controller has been connected for three probe intervals (OVS's
// trigger), and leaves it as soon as one connects.
func (c *controllers) evaluate(m *mgmt, now time.Time) {
	connected := false
	m.each(func(oc *ofconn) {
		if oc.primary {
			connected = true
		}
	})
	c.mu.Lock()
	var probe time.Duration
	for _, ctl := range c.byName {
		if ctl.cfg.ProbeInterval > probe {
			probe = ctl.cfg.ProbeInterval
		}
	}
	trigger := 3 * probe
	if trigger < time.Second {
		trigger = time.Second
	}
	wantOpen := false
	if connected || len(c.byName) == 0 || c.secure {
		c.lastConnected = now
	} else if now.Sub(c.lastConnected) >= trigger {
		wantOpen = true
	}
	var add, remove bool
	if wantOpen && c.failOpen == nil {
		add = true
	} else if !wantOpen && c.failOpen != nil {
		remove = true
	}
	var old *Rule
	if remove {
		old, c.failOpen = c.failOpen, nil
	}
	since := now.Sub(c.lastConnected)
	c.mu.Unlock()
	switch {
	case add:
		logConn.Warn("%s: Could not connect to controller (or switch failed controller's post-connection admission control policy) for %d seconds, failing open",
			m.o.Name, int(since.Seconds()))
		var match, mask flow.Flow
		r := m.o.AddHidden(0, failOpenPriority, match, mask,
			[]openflow.Action{&openflow.Output{Port: openflow.PortNormal}})
		c.mu.Lock()
		c.failOpen = r
		c.mu.Unlock()
	case remove:
		logConn.Warn("%s: No longer in fail-open mode", m.o.Name)
		m.o.RemoveHidden(old)
	}
}

// stop ends every controller and the fail-open ticker.
func (c *controllers) stop() {
	c.mu.Lock()
	list := make([]*controller, 0, len(c.byName))
	for _, ctl := range c.byName {
		list = append(list, ctl)
	}
	c.byName = nil
	if c.ticker != nil {
		c.ticker.Stop()
		close(c.stopTick)
		c.ticker = nil
	}
	c.mu.Unlock()
	for _, ctl := range list {
		ctl.shutdown()
	}
}

// ControllerStatus reports every controller's connection state for the
// Controller table.
func (o *Ofproto) ControllerStatus() []ControllerStatus {
	m := o.cm()
	c := &m.ctl
	c.mu.Lock()
	list := make([]*controller, 0, len(c.byName))
	for _, ctl := range c.byName {
		list = append(list, ctl)
	}
	c.mu.Unlock()
	now := time.Now()
	out := make([]ControllerStatus, 0, len(list))
	for _, ctl := range list {
		st := ControllerStatus{Target: ctl.cfg.Target, Status: map[string]string{}}
		ctl.mu.Lock()
		if ctl.fsm != nil {
			s := ctl.fsm.Stats(now)
			st.Connected = s.IsConnected
			st.Status["state"] = s.State.String()
			if s.SinceConnect >= 0 && s.IsConnected {
				st.Status["sec_since_connect"] = strconv.Itoa(int(s.SinceConnect.Seconds()))
			}
			if s.SinceDisconnect >= 0 {
				st.Status["sec_since_disconnect"] = strconv.Itoa(int(s.SinceDisconnect.Seconds()))
			}
			if err := ctl.fsm.LastError(); err != nil && !s.IsConnected {
				st.Status["last_error"] = stream.Strerror(err)
			}
		}
		conn := ctl.conn
		ctl.mu.Unlock()
		if ctl.passive {
			m.each(func(oc *ofconn) {
				if oc.target == ctl.cfg.Target {
					st.Connected = true
					conn = oc
				}
			})
		}
		if st.Connected && conn != nil {
			conn.mu.Lock()
			switch conn.role {
			case openflow.RolePrimary:
				st.Role = "master"
			case openflow.RoleSecond:
				st.Role = "slave"
			default:
				st.Role = "other"
			}
			conn.mu.Unlock()
		}
		out = append(out, st)
	}
	return out
}
