// Package unixctl is the control channel of OVS daemons: the Unix socket
// (by default <rundir>/<program>.<pid>.ctl) on which a daemon answers
// ovs-appctl, and the client side that ovs-appctl uses.
//
// The wire protocol is OVS's, so that the real ovs-appctl can drive our
// daemons and ours can drive the real ones: each command is a JSON-RPC
// request whose method is the command name and whose params are its
// arguments as strings; the reply's result is the command's output text,
// and an error reply carries the error text (with a final newline, as OVS
// adds one).
//
// Commands run one at a time, under one server-wide lock (or a lock the
// daemon provides with SetLocker), which is what OVS's single-threaded
// daemons guarantee and what lets handlers touch daemon state without
// locking of their own. Each client has its own goroutine, so a client that
// sends garbage or stops reading affects nobody else.
package unixctl

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

var log = vlog.NewModule("unixctl")

// Handler runs a command. Its result is the reply text; a non-nil error
// becomes an error reply with the error's text.
type Handler = func(args []string) (string, error)

type command struct {
	usage    string
	min, max int
	fn       Handler
}

// Server is a daemon's control socket.
type Server struct {
	program string
	path    string
	l       net.Listener

	mu       sync.Mutex
	cmds     map[string]*command
	conns    map[*jsonrpc.Conn]struct{}
	closed   bool
	inflight int
	idle     *sync.Cond

	run sync.Locker
}

// InitError is the failure to create the control socket. Daemons print it
// as "program: " + err.Error() and exit, as OVS does.
type InitError struct {
	Path string
	Err  error
}

func (e *InitError) Error() string {
	return fmt.Sprintf("%s: could not initialize control socket (%s)", e.Path, stream.Strerror(e.Err))
}

func (e *InitError) Unwrap() error { return e.Err }

// NewServer creates the control socket of program. path "" means the
// default <rundir>/<program>.<pid>.ctl; a relative path is relative to the
// rundir; "none" creates a server with no socket (commands can still be
// registered, and Serve returns at once), which is what --unixctl=none
// asks for. The built-in commands list-commands and version are
// registered; "exit" is the daemon's to register since only it knows how
// to shut down.
func NewServer(program, path string) (*Server, error) {
	s := &Server{
		program: program,
		cmds:    make(map[string]*command),
		conns:   make(map[*jsonrpc.Conn]struct{}),
		run:     &sync.Mutex{},
	}
	s.idle = sync.NewCond(&s.mu)
	s.Register("list-commands", "", 0, 0, func([]string) (string, error) { return s.listCommands(), nil })
	s.Register("version", "", 0, 0, func([]string) (string, error) { return version.Line(program) + "\n", nil })
	if path == "none" {
		return s, nil
	}
	if path == "" {
		path = paths.CtlSocket(program, os.Getpid())
	} else {
		path = paths.Abs("", path)
	}
	l, err := stream.Listen("punix:" + path)
	if err != nil {
		return nil, &InitError{Path: path, Err: err}
	}
	s.path = path
	s.l = l
	return s, nil
}

// Register adds (or replaces) a command. minArgs and maxArgs bound the
// number of arguments; usage is shown by list-commands. Register may be
// called at any time, also while serving.
func (s *Server) Register(name, usage string, minArgs, maxArgs int, fn func(args []string) (string, error)) {
	s.mu.Lock()
	s.cmds[name] = &command{usage: usage, min: minArgs, max: maxArgs, fn: fn}
	s.mu.Unlock()
}

// SetLocker makes commands run under l instead of the server's own mutex,
// so that they exclude the daemon's other work too. Call it before Serve.
func (s *Server) SetLocker(l sync.Locker) { s.run = l }

// Path returns the socket's path, or "" for a server without socket.
func (s *Server) Path() string { return s.path }

func (s *Server) listCommands() string {
	s.mu.Lock()
	names := make([]string, 0, len(s.cmds))
	for n := range s.cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("The available commands are:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-23s %s\n", n, s.cmds[n].usage)
	}
	s.mu.Unlock()
	return b.String()
}

// Serve accepts clients until Close. Each client is served by its own
// goroutine.
func (s *Server) Serve() {
	if s.l == nil {
		return
	}
	for {
		nc, err := s.l.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return
			}
			log.Warn("%s: accept failed: %s", s.path, stream.Strerror(err))
			time.Sleep(100 * time.Millisecond)
			continue
		}
		c := jsonrpc.NewConn(nc, stream.PeerName(nc))
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		go s.serveConn(c)
	}
}

func (s *Server) serveConn(c *jsonrpc.Conn) {
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	for {
		m, err := c.Recv()
		if err != nil {
			return
		}
		if m.Type != jsonrpc.Request {
			log.Warn("%s: received unexpected %s message", c.Name(), m.Type)
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		s.inflight++
		s.mu.Unlock()

		reply := s.execute(m)
		c.Send(reply)

		s.mu.Lock()
		s.inflight--
		if s.inflight == 0 {
			s.idle.Broadcast()
		}
		s.mu.Unlock()
	}
}

// execute runs one request and returns the reply to send.
func (s *Server) execute(m *jsonrpc.Message) *jsonrpc.Message {
	if log.Enabled(vlog.Dbg) {
		log.Dbg("received request %s%s, id=%s", m.Method, ovsjson.Marshal(m.Params), ovsjson.Marshal(m.ID))
	}
	s.mu.Lock()
	cmd := s.cmds[m.Method]
	s.mu.Unlock()
	var text string
	var err error
	switch n := len(m.Params.A); {
	case cmd == nil:
		err = fmt.Errorf("\"%s\" is not a valid command (use \"list-commands\" to see a list of valid commands)", m.Method)
	case n < cmd.min:
		err = fmt.Errorf("\"%s\" command requires at least %d arguments", m.Method, cmd.min)
	case n > cmd.max:
		err = fmt.Errorf("\"%s\" command takes at most %d arguments", m.Method, cmd.max)
	default:
		args := make([]string, n)
		for i, a := range m.Params.A {
			if a.Kind != ovsjson.String {
				err = fmt.Errorf("\"%s\" command has non-string argument", m.Method)
				break
			}
			args[i] = a.S
		}
		if err == nil {
			text, err = s.call(cmd.fn, args)
		}
	}
	if err != nil {
		msg := err.Error()
		log.Dbg("replying with error, id=%s: \"%s\"", ovsjson.Marshal(m.ID), msg)
		if !strings.HasSuffix(msg, "\n") {
			msg += "\n"
		}
		return jsonrpc.NewError(ovsjson.NewString(msg), m.ID)
	}
	log.Dbg("replying with success, id=%s: \"%s\"", ovsjson.Marshal(m.ID), text)
	return jsonrpc.NewReply(ovsjson.NewString(text), m.ID)
}

// call runs a handler under the command lock. A handler that panics
// fails its command instead of taking the daemon down with it.
func (s *Server) call(fn Handler, args []string) (text string, err error) {
	s.run.Lock()
	defer s.run.Unlock()
	defer func() {
		if r := recover(); r != nil {
			log.Err("command handler panicked: %v", r)
			text, err = "", fmt.Errorf("internal error: %v", r)
		}
	}()
	return fn(args)
}

// closeWait bounds how long Close waits for commands in progress, so that
// a handler that itself calls Close does not hang the daemon.
const closeWait = 2 * time.Second

// Close stops serving: it lets commands in progress finish and their
// replies go out (so an "exit" command is answered before the daemon
// exits), closes every client connection and removes the socket file.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	var err error
	if s.l != nil {
		err = s.l.Close()
	}

	timer := time.AfterFunc(closeWait, func() {
		s.mu.Lock()
		s.idle.Broadcast()
		s.mu.Unlock()
	})
	deadline := time.Now().Add(closeWait)
	s.mu.Lock()
	for s.inflight > 0 && time.Now().Before(deadline) {
		s.idle.Wait()
	}
	conns := make([]*jsonrpc.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	timer.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, c := range conns {
		c.Flush(ctx)
		c.Close()
	}
	return err
}
