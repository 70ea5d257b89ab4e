package jsonrpc

import (
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/proto/ovsjson"
)

func nextEvent(t *testing.T, s *Session) Event {
	t.Helper()
	select {
	case ev, ok := <-s.Events():
		if !ok {
			t.Fatal("events channel closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return Event{}
}

type testServer struct {
	l     net.Listener
	conns chan *Conn
}

func newTestServer(t *testing.T) (*testServer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.sock")
	l, err := stream.Listen("punix:" + path)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{l: l, conns: make(chan *Conn, 4)}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			ts.conns <- NewConn(c, stream.PeerName(c))
		}
	}()
	t.Cleanup(func() { l.Close() })
	return ts, "unix:" + path
}

func (ts *testServer) accept(t *testing.T) *Conn {
	t.Helper()
	select {
	case c := <-ts.conns:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no connection within 10s")
	}
	return nil
}

func TestSessionConnectReceiveReconnect(t *testing.T) {
	captureLogs(t, "reconnect:console:off")
	ts, name := newTestServer(t)
	s := NewSession(name)
	s.Start()
	defer s.Close()

	if ev := nextEvent(t, s); ev.Kind != Connected {
		t.Fatalf("first event %v", ev.Kind)
	}
	if !s.IsConnected() || s.Name() != name {
		t.Fatalf("connected %v name %q", s.IsConnected(), s.Name())
	}
	srv := ts.accept(t)
	// The client sends; the server answers and also sends an echo
	// request, which the session answers by itself.
	if err := s.Send(NewRequest("hello", ovsjson.NewArray())); err != nil {
		t.Fatal(err)
	}
	req, err := srv.Recv()
	if err != nil || req.Method != "hello" {
		t.Fatalf("server got %v %v", req, err)
	}
	srv.Send(&Message{Type: Request, Method: "echo", Params: ovsjson.NewArray(ovsjson.NewString("ping")), ID: ovsjson.NewInt(77)})
	srv.Send(NewReply(ovsjson.NewString("hi"), req.ID))
	echoRep, err := srv.Recv()
	if err != nil || echoRep.Type != Reply || echoRep.ID.I != 77 || echoRep.Result.String() != `["ping"]` {
		t.Fatalf("echo reply %v %v", echoRep, err)
	}
	ev := nextEvent(t, s)
	if ev.Kind != Received || ev.Msg.Result.S != "hi" {
		t.Fatalf("event %v %v", ev.Kind, ev.Msg)
	}

	// The server drops the connection; the session reports it and
	// comes back.
	seq := s.Seqno()
	srv.Close()
	ev = nextEvent(t, s)
	if ev.Kind != Disconnected || ev.Err != io.EOF {
		t.Fatalf("event %v err %v", ev.Kind, ev.Err)
	}
	if s.Seqno() == seq {
		t.Fatal("seqno unchanged")
	}
	if err := s.Send(NewNotify("x", ovsjson.NewArray())); err != ErrNotConnected {
		t.Fatalf("send while disconnected: %v", err)
	}
	if ev := nextEvent(t, s); ev.Kind != Connected {
		t.Fatalf("event %v", ev.Kind)
	}
	ts.accept(t)
	st := s.Stats()
	if st.SuccessfulConnections != 2 || !st.IsConnected || st.State != stream.Active {
		t.Fatalf("stats %+v", st)
	}
	s.Close()
	for range s.Events() {
	}
}

// Unanswered probes drop the connection; answered ones keep it.
func TestSessionProbes(t *testing.T) {
	logs := captureLogs(t, "reconnect:console:info")
	ts, name := newTestServer(t)
	s := NewSession(name)
	s.SetProbeInterval(time.Second)
	s.Start()
	defer s.Close()
	if ev := nextEvent(t, s); ev.Kind != Connected {
		t.Fatalf("event %v", ev.Kind)
	}
	srv := ts.accept(t)
	m, err := srv.Recv()
	if err != nil || !m.IsEchoRequest() || m.ID.S != "echo" {
		t.Fatalf("server got %v %v", m, err)
	}
	// No answer: the session gives up after another interval.
	ev := nextEvent(t, s)
	if ev.Kind != Disconnected || ev.Err != nil {
		t.Fatalf("event %v %v", ev.Kind, ev.Err)
	}
	want := "reconnect|ERR|" + name + ": no response to inactivity probe after 1 seconds, disconnecting\n"
	if got := logs.String(); !strings.Contains(got, want) {
		t.Fatalf("logs:\n%s\nwant line %q", got, want)
	}
}

func TestSessionMultipleRemotesAndClose(t *testing.T) {
	captureLogs(t, "reconnect:console:off")
	ts, name := newTestServer(t)
	// The first remote does not exist; the second is tried at once.
	s := NewSession("unix:" + filepath.Join(t.TempDir(), "nothing") + " , " + name)
	s.Start()
	if ev := nextEvent(t, s); ev.Kind != Connected {
		t.Fatalf("event %v", ev.Kind)
	}
	if s.Name() != name {
		t.Fatalf("connected to %q", s.Name())
	}
	ts.accept(t)
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hangs")
	}
	for range s.Events() {
	}
	s.Close() // twice is fine
}

func TestSessionCloseBeforeStart(t *testing.T) {
	s := NewSession("unix:/nonexistent")
	s.Close()
	if _, ok := <-s.Events(); ok {
		t.Fatal("event after close")
	}
	s.Start() // must not start anything
}

func TestSessionMaxTries(t *testing.T) {
	captureLogs(t, "reconnect:console:off")
	s := NewSession("unix:" + filepath.Join(t.TempDir(), "nothing"))
	s.SetMaxTries(0) // the try Enable took was the last
	s.Start()
	select {
	case _, ok := <-s.Events():
		if ok {
			t.Fatal("unexpected event")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("session with no tries left did not stop")
	}
	if s.LastError() == nil {
		t.Fatal("no last error")
	}
	s.Close()
}

func TestAcceptedSession(t *testing.T) {
	a, b := pipe(t)
	s := NewAcceptedSession(b, 0)
	s.Start()
	defer s.Close()
	a.Send(NewNotify("n", ovsjson.NewArray()))
	ev := nextEvent(t, s)
	if ev.Kind != Received || ev.Msg.Method != "n" {
		t.Fatalf("event %v", ev.Kind)
	}
	if err := s.Send(NewNotify("back", ovsjson.NewArray())); err != nil {
		t.Fatal(err)
	}
	if m, err := a.Recv(); err != nil || m.Method != "back" {
		t.Fatalf("%v %v", m, err)
	}
	a.Close()
	ev = nextEvent(t, s)
	if ev.Kind != Disconnected || ev.Err != io.EOF {
		t.Fatalf("event %v %v", ev.Kind, ev.Err)
	}
	select {
	case _, ok := <-s.Events():
		if ok {
			t.Fatal("event after disconnect")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("accepted session did not end")
	}
}
