package stream

import (
	"errors"
	"io"
	"math"
	"time"

	"github.com/govs/ovs/internal/vlog"
)

var logReconnect = vlog.NewModule("reconnect")

// State is where a Reconnect machine is. The names are the ones OVS logs
// ("entering BACKOFF") and writes into the status columns of the database.
type State uint8

const (
	// Void: not enabled, or gave up after too many tries.
	Void State = iota
	// Backoff: waiting before the next connection attempt.
	Backoff
	// Connecting: an attempt to connect (or to listen) is in progress.
	Connecting
	// Active: connected and recently heard from.
	Active
	// Idle: connected, an inactivity probe is out, no answer yet.
	Idle
	// Reconnecting: a reconnection was forced; the next Run disconnects.
	Reconnecting
	// Listening: a passive machine is accepting connections.
	Listening
)

var stateNames = [...]string{"VOID", "BACKOFF", "CONNECTING", "ACTIVE", "IDLE", "RECONNECT", "LISTENING"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "UNKNOWN"
}

// Connected reports whether the state has a live connection.
func (s State) Connected() bool { return s == Active || s == Idle }

// Action is what Run asks the caller to do.
type Action uint8

const (
	None Action = iota
	// Connect: start a connection attempt (then call Connecting, and
	// later Connected or ConnectFailed), or start listening for a passive
	// machine.
	Connect
	// Disconnect: drop the connection (or abandon the attempt) and call
	// Disconnected.
	Disconnect
	// Probe: send an inactivity probe (a JSON-RPC echo request).
	Probe
)

func (a Action) String() string {
	switch a {
	case Connect:
		return "connect"
	case Disconnect:
		return "disconnect"
	case Probe:
		return "probe"
	}
	return "none"
}

// Defaults, as in OVS.
const (
	DefaultMinBackoff    = time.Second
	DefaultMaxBackoff    = 8 * time.Second
	DefaultProbeInterval = 5 * time.Second
	// MinProbeInterval is the smallest non-zero probe interval OVS
	// accepts; smaller values are raised to it.
	MinProbeInterval = time.Second
)

// Reconnect is OVS's reconnection state machine for one remote: it tracks
// connection attempts with exponential backoff, sends inactivity probes on
// idle connections and drops connections whose probes go unanswered.
//
// It has no clock and no goroutines: every method takes the current time,
// and Run/Timeout tell the caller what to do and when to call again. It is
// not safe for concurrent use; the owner serialises calls.
type Reconnect struct {
	name          string
	minBackoff    time.Duration
	maxBackoff    time.Duration
	probeInterval time.Duration
	passive       bool
	quiet         bool
	// maxTries counts the connection attempts still allowed.
	maxTries         int
	backoffFreeTries int

	state        State
	stateEntered time.Time
	backoff      time.Duration

	created          time.Time
	lastActivity     time.Time
	lastConnected    time.Time // zero: never
	lastDisconnected time.Time // zero: never
	lastError        error

	seqno          uint
	nAttempted     uint
	nSuccessful    uint
	totalConnected time.Duration
}

// NewReconnect returns a machine for the remote called name (used only in
// log messages), in state Void with OVS's defaults: backoff from 1 to 8
// seconds, 5-second inactivity probes, unlimited tries.
func NewReconnect(name string, now time.Time) *Reconnect {
	return &Reconnect{
		name:          name,
		minBackoff:    DefaultMinBackoff,
		maxBackoff:    DefaultMaxBackoff,
		probeInterval: DefaultProbeInterval,
		maxTries:      math.MaxInt,
		state:         Void,
		stateEntered:  now,
		created:       now,
		lastActivity:  now,
	}
}

// Name returns the remote's name.
func (r *Reconnect) Name() string { return r.name }

// SetName changes the name used in log messages.
func (r *Reconnect) SetName(name string) { r.name = name }

// SetQuiet demotes the informational messages (connecting, connected,
// connection dropped) to debug level. Servers do this for the
// connections they accept, which would otherwise fill the log.
func (r *Reconnect) SetQuiet(quiet bool) { r.quiet = quiet }

// SetBackoff sets the range of the wait between attempts. Values are
// sanitised as OVS does: min at least 1s, max at least min; zero means the
// default.
func (r *Reconnect) SetBackoff(min, max time.Duration) {
	if min <= 0 {
		min = DefaultMinBackoff
	}
	if max <= 0 {
		max = DefaultMaxBackoff
	}
	if max < min {
		max = min
	}
	r.minBackoff, r.maxBackoff = min, max
	if r.state == Backoff && r.backoff > max {
		r.backoff = max
	}
}

// MinBackoff and MaxBackoff return the backoff range.
func (r *Reconnect) MinBackoff() time.Duration { return r.minBackoff }
func (r *Reconnect) MaxBackoff() time.Duration { return r.maxBackoff }

// SetProbeInterval sets how long a connection may stay silent before a
// probe is sent, and how long the probe may go unanswered. Zero disables
// probing; a positive value below 1s is raised to 1s.
func (r *Reconnect) SetProbeInterval(d time.Duration) {
	if d > 0 && d < MinProbeInterval {
		d = MinProbeInterval
	}
	if d < 0 {
		d = 0
	}
	r.probeInterval = d
}

// ProbeInterval returns the inactivity probe interval (0: disabled).
func (r *Reconnect) ProbeInterval() time.Duration { return r.probeInterval }

// SetPassive makes the machine listen rather than connect: Connect
// actions then mean "start listening", and a lost connection is followed
// by an immediate retry.
func (r *Reconnect) SetPassive(passive bool, now time.Time) {
	if r.passive == passive {
		return
	}
	r.passive = passive
	if passive && (r.state == Connecting || r.state == Reconnecting) || !passive && r.state == Listening {
		r.transition(now, Backoff)
		r.backoff = 0
	}
}

// IsPassive reports whether the machine listens.
func (r *Reconnect) IsPassive() bool { return r.passive }

// SetMaxTries limits the number of connection attempts still allowed
// (negative: unlimited). With none left, a failure leads to Void.
func (r *Reconnect) SetMaxTries(n int) {
	if n < 0 {
		n = math.MaxInt
	}
	r.maxTries = n
}

// MaxTries returns the attempts still allowed (math.MaxInt: unlimited).
func (r *Reconnect) MaxTries() int { return r.maxTries }

// SetBackoffFreeTries lets the next n attempts follow each other without
// backoff, so that a client with several remotes tries each of them once
// before it starts waiting.
func (r *Reconnect) SetBackoffFreeTries(n int) { r.backoffFreeTries = n }

func (r *Reconnect) mayRetry() bool {
	if r.maxTries > 0 {
		if r.maxTries != math.MaxInt {
			r.maxTries--
		}
		return true
	}
	return false
}

// State returns the current state.
func (r *Reconnect) State() State { return r.state }

// IsEnabled reports whether the machine is doing anything at all.
func (r *Reconnect) IsEnabled() bool { return r.state != Void }

// IsConnected reports whether there is a live connection.
func (r *Reconnect) IsConnected() bool { return r.state.Connected() }

// Enable starts the machine: the next Run asks to connect at once.
func (r *Reconnect) Enable(now time.Time) {
	if r.state == Void && r.mayRetry() {
		r.transition(now, Backoff)
		r.backoff = 0
	}
}

// Disable stops the machine; it does nothing until enabled again.
func (r *Reconnect) Disable(now time.Time) {
	if r.state != Void {
		r.transition(now, Void)
	}
}

// ForceReconnect asks for the current connection (or attempt) to be
// dropped and a new one made: the next Run returns Disconnect.
func (r *Reconnect) ForceReconnect(now time.Time) {
	if r.state == Connecting || r.state.Connected() {
		r.transition(now, Reconnecting)
	}
}

// Connecting records that a connection attempt has started.
func (r *Reconnect) Connecting(now time.Time) {
	if r.state != Connecting {
		if r.passive {
			r.info("%s: listening...", r.name)
		} else if r.backoff < r.maxBackoff {
			r.info("%s: connecting...", r.name)
		}
		r.transition(now, Connecting)
	}
}

// Listening records that a passive machine is now listening.
func (r *Reconnect) Listening(now time.Time) {
	if r.state != Listening {
		r.info("%s: listening...", r.name)
		r.transition(now, Listening)
	}
}

// ListenError records that listening failed.
func (r *Reconnect) ListenError(now time.Time, err error) {
	if r.state == Listening {
		r.disconnected(now, err)
	}
}

// Connected records that a connection is established.
func (r *Reconnect) Connected(now time.Time) {
	if !r.state.Connected() {
		r.Connecting(now)
		r.info("%s: connected", r.name)
		r.transition(now, Active)
		r.lastConnected = now
	}
}

// ConnectFailed records that an attempt failed. A nil err means it timed
// out.
func (r *Reconnect) ConnectFailed(now time.Time, err error) {
	r.Connecting(now)
	r.disconnected(now, err)
}

// Disconnected records that the connection was lost or closed: err is the
// reason (io.EOF: closed by the peer; nil: dropped by us).
func (r *Reconnect) Disconnected(now time.Time, err error) { r.disconnected(now, err) }

func (r *Reconnect) disconnected(now time.Time, err error) {
	if r.state == Backoff || r.state == Void {
		return
	}
	wasConnected := r.state.Connected()
	eof := errors.Is(err, io.EOF)
	switch {
	case wasConnected:
		switch {
		case err != nil && !eof:
			logReconnect.Warn("%s: connection dropped (%s)", r.name, Strerror(err))
		case eof:
			r.info("%s: connection closed by peer", r.name)
		default:
			r.info("%s: connection dropped", r.name)
		}
	case r.state == Listening:
		if err != nil && !eof {
			logReconnect.Warn("%s: error listening for connections (%s)", r.name, Strerror(err))
		} else {
			r.info("%s: error listening for connections", r.name)
		}
	case r.backoff < r.maxBackoff:
		kind := "connection"
		if r.passive {
			kind = "listen"
		}
		if err != nil && !eof {
			r.info("%s: %s attempt failed (%s)", r.name, kind, Strerror(err))
		} else {
			r.info("%s: %s attempt timed out", r.name, kind)
		}
	}
	if err != nil {
		r.lastError = err
	}

	if wasConnected {
		r.totalConnected += now.Sub(r.lastConnected)
		r.lastDisconnected = now
	}

	if r.backoffFreeTries > 1 {
		r.backoffFreeTries--
		r.backoff = 0
	} else if wasConnected && (r.passive || r.lastActivity.Sub(r.lastConnected) >= r.backoff) {
		// The connection lasted (it saw traffic for longer than the
		// current backoff): start over from the minimum.
		if r.passive {
			r.backoff = 0
		} else {
			r.backoff = r.minBackoff
		}
	} else {
		switch {
		case r.backoff < r.minBackoff:
			r.backoff = r.minBackoff
		case r.backoff < r.maxBackoff/2:
			r.backoff *= 2
			if r.passive {
				r.info("%s: waiting %.3g seconds before trying to listen again", r.name, r.backoff.Seconds())
			} else {
				r.info("%s: waiting %.3g seconds before reconnect", r.name, r.backoff.Seconds())
			}
		default:
			if r.backoff < r.maxBackoff {
				if r.passive {
					r.info("%s: continuing to retry listening in the background but suppressing further logging", r.name)
				} else {
					r.info("%s: continuing to reconnect in the background but suppressing further logging", r.name)
				}
			}
			r.backoff = r.maxBackoff
		}
	}

	if r.mayRetry() {
		r.transition(now, Backoff)
	} else {
		r.transition(now, Void)
	}
}

// Activity records that something was received on the connection, which
// keeps it out of (or brings it back from) Idle.
func (r *Reconnect) Activity(now time.Time) {
	if r.state != Active {
		if r.state == Idle {
			r.transition(now, Active)
		} else {
			// Activity only means something on a live connection.
			return
		}
	}
	r.lastActivity = now
}

func (r *Reconnect) transition(now time.Time, to State) {
	if to == Connecting {
		r.nAttempted++
	}
	if to == Active && !r.state.Connected() {
		r.nSuccessful++
	}
	if r.state.Connected() != to.Connected() {
		r.seqno++
	}
	logReconnect.Dbg("%s: entering %s", r.name, to)
	r.state = to
	r.stateEntered = now
}

// deadline returns when the current state times out.
func (r *Reconnect) deadline() (time.Time, bool) {
	switch r.state {
	case Backoff:
		return r.stateEntered.Add(r.backoff), true
	case Connecting:
		return r.stateEntered.Add(max(time.Second, r.backoff)), true
	case Active:
		if r.probeInterval > 0 {
			base := r.lastActivity
			if r.stateEntered.After(base) {
				base = r.stateEntered
			}
			return base.Add(r.probeInterval), true
		}
	case Idle:
		if r.probeInterval > 0 {
			return r.stateEntered.Add(r.probeInterval), true
		}
	case Reconnecting:
		return r.stateEntered, true
	}
	return time.Time{}, false
}

// Run returns what the caller must do now. Probe also moves the machine to
// Idle; the caller sends the probe and carries on.
func (r *Reconnect) Run(now time.Time) Action {
	dl, ok := r.deadline()
	if !ok || now.Before(dl) {
		return None
	}
	switch r.state {
	case Backoff:
		return Connect
	case Connecting:
		return Disconnect
	case Active:
		base := r.lastActivity
		if r.stateEntered.After(base) {
			base = r.stateEntered
		}
		logReconnect.Dbg("%s: idle %d ms, sending inactivity probe", r.name, now.Sub(base).Milliseconds())
		r.transition(now, Idle)
		return Probe
	case Idle:
		logReconnect.Err("%s: no response to inactivity probe after %.3g seconds, disconnecting",
			r.name, r.probeInterval.Seconds())
		return Disconnect
	case Reconnecting:
		return Disconnect
	}
	return None
}

// Timeout returns how long the caller may wait before calling Run again;
// ok is false when nothing is scheduled.
func (r *Reconnect) Timeout(now time.Time) (d time.Duration, ok bool) {
	dl, ok := r.deadline()
	if !ok {
		return 0, false
	}
	if d = dl.Sub(now); d < 0 {
		d = 0
	}
	return d, true
}

// Backoff returns the current wait between attempts.
func (r *Reconnect) Backoff() time.Duration { return r.backoff }

// Seqno changes whenever the machine connects or disconnects, so an owner
// can tell that a connection it knew about is gone even if a new one came
// up in between.
func (r *Reconnect) Seqno() uint { return r.seqno }

// LastError returns the last error passed to ConnectFailed, Disconnected
// or ListenError, or nil.
func (r *Reconnect) LastError() error { return r.lastError }

// Stats is a snapshot for status reporting (the status column of the
// Manager and Controller tables).
type Stats struct {
	State        State
	StateElapsed time.Duration
	IsConnected  bool
	// LastConnected, LastDisconnected are zero if it never happened.
	LastConnected    time.Time
	LastDisconnected time.Time
	LastActivity     time.Time
	Created          time.Time
	// SinceConnect (since the last successful connection, even if it
	// is gone now) and SinceDisconnect are -1 if it never happened.
	SinceConnect    time.Duration
	SinceDisconnect time.Duration
	Backoff         time.Duration
	Seqno           uint
	// TotalConnected includes the current connection, if any.
	TotalConnected        time.Duration
	AttemptedConnections  uint
	SuccessfulConnections uint
}

// Stats reports the machine's statistics as of now.
func (r *Reconnect) Stats(now time.Time) Stats {
	s := Stats{
		State:                 r.state,
		StateElapsed:          now.Sub(r.stateEntered),
		IsConnected:           r.state.Connected(),
		LastConnected:         r.lastConnected,
		LastDisconnected:      r.lastDisconnected,
		LastActivity:          r.lastActivity,
		Created:               r.created,
		SinceConnect:          -1,
		SinceDisconnect:       -1,
		Backoff:               r.backoff,
		Seqno:                 r.seqno,
		TotalConnected:        r.totalConnected,
		AttemptedConnections:  r.nAttempted,
		SuccessfulConnections: r.nSuccessful,
	}
	if !r.lastConnected.IsZero() {
		s.SinceConnect = now.Sub(r.lastConnected)
	}
	if s.IsConnected {
		s.TotalConnected += now.Sub(r.lastConnected)
	}
	if !r.lastDisconnected.IsZero() {
		s.SinceDisconnect = now.Sub(r.lastDisconnected)
	}
	return s
}

// info logs at INFO, or at DBG for a quiet machine.
func (r *Reconnect) info(format string, args ...any) {
	if r.quiet {
		logReconnect.Dbg(format, args...)
	} else {
		logReconnect.Info(format, args...)
	}
}
