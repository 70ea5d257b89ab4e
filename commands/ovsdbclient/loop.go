package ovsdbclient

import (
	"time"

	"github.com/govs/ovs/internal/coverage"
	"github.com/govs/ovs/proto/jsonrpc"
)

// The long-running commands (monitor and lock) print what the server sends
// until they are killed, told to exit through their control socket, or the
// connection ends. Messages are read by a goroutine and handled on the main
// one, which also runs the control commands, so that handlers never race
// and "ovsdb-client/block" can hold back processing while messages queue.

type recvResult struct {
	m   *jsonrpc.Message
	err error
}

type loop struct {
	c        *client
	incoming chan recvResult
	control  chan func()
	stopped  chan struct{} // closed when run returns
	blocked  bool
	exiting  bool
}

func (c *client) newLoop() *loop {
	l := &loop{
		c:        c,
		incoming: make(chan recvResult),
		control:  make(chan func()),
		stopped:  make(chan struct{}),
	}
	// Messages kept while waiting for replies come first.
	backlog := c.rpc.backlog
	c.rpc.backlog = nil
	rpc := c.rpc
	go func() {
		deliver := func(r recvResult) bool {
			select {
			case l.incoming <- r:
				return true
			case <-l.stopped:
				return false
			}
		}
		for _, m := range backlog {
			if !deliver(recvResult{m: m}) {
				return
			}
		}
		for {
			m, err := rpc.Recv()
			if !deliver(recvResult{m, err}) || err != nil {
				return
			}
		}
	}()
	return l
}

// do runs fn on the loop's goroutine and waits for it, for control
// commands. Once the loop has stopped, fn is not run.
func (l *loop) do(fn func()) {
	done := make(chan struct{})
	select {
	case l.control <- func() {
		fn()
		close(done)
	}:
		<-done
	case <-l.stopped:
	}
}

// run handles messages with handle until an error, an exit command, or
// the end of the connection. Echo requests are answered here.
func (l *loop) run(handle func(m *jsonrpc.Message) error) error {
	defer close(l.stopped)
	c := l.c
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		in := l.incoming
		if l.blocked {
			in = nil
		}
		select {
		case fn := <-l.control:
			fn()
		case now := <-tick.C:
			coverage.Tick(now)
		case r := <-in:
			if l.exiting {
				return nil
			}
			if r.err != nil {
				return fatalf("%s: receive failed (%s)", c.server, strerror(r.err))
			}
			if r.m.Type == jsonrpc.Request && r.m.IsEchoRequest() {
				if err := c.rpc.answerEcho(r.m); err != nil {
					return fatalf("%s: send failed (%s)", c.server, strerror(err))
				}
				continue
			}
			if err := handle(r.m); err != nil {
				return err
			}
			c.stdout.Flush()
		}
		if l.exiting {
			return nil
		}
	}
}
