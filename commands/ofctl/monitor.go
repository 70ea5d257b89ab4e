package ofctl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govs/ovs/internal/daemon"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/unixctl"
	"github.com/govs/ovs/proto/openflow"
	"github.com/govs/ovs/proto/openflow/vconn"
)

// monitor and snoop print what the switch sends until the connection
// closes. Both serve a control socket on which ofctl/send injects a
// message, ofctl/barrier waits for everything sent so far to be
// processed, and ofctl/set-output-file redirects the output, which is how
// OVS's own tests drive a monitor running in the background.

type monitorState struct {
	c    *ctx
	conn *vconn.Conn

	mu      sync.Mutex
	out     *bufio.Writer
	file    *os.File
	blocked bool
	unblock *sync.Cond
	// barriers waiting for their reply, by xid.
	barriers map[uint32]chan struct{}
}

func monitor(c *ctx, args []string) {
	target := args[0]
	var missLen = -1
	invalidTTL := false
	var watch *openflow.FlowMonitor
	for _, a := range args[1:] {
		switch {
		case a == "invalid_ttl":
			invalidTTL = true
		case strings.HasPrefix(a, "watch:"):
			watch = c.parseWatch(target, a[len("watch:"):])
		default:
			n, err := strconv.ParseUint(a, 0, 16)
			if err != nil {
				fatal("%s: bad miss_send_len", a)
			}
			missLen = int(n)
		}
	}
	if err := c.daemon.Start(program); err != nil {
		fatal("%s", err)
	}
	conn := c.open(target)
	if missLen >= 0 || invalidTTL {
		cfg := c.getConfig(conn, target)
		if missLen >= 0 {
			cfg.MissSendLen = uint16(missLen)
		}
		if invalidTTL {
			cfg.InvalidTTLToController = true
		}
		b, _, err := conn.Encode(&openflow.SetConfig{SwitchConfig: cfg})
		if err != nil {
			fatal("%s", err)
		}
		c.sendBatch(conn, [][]byte{b})
	}
	if watch != nil {
		c.transactPrint(conn, target, &openflow.FlowMonitorRequest{Monitors: []openflow.FlowMonitor{*watch}})
		c.out.Flush()
	}
	// Ask for the packet-in format (-P, by default the richest); a
	// switch that refuses keeps the standard one, as with OVS.
	b, _, err := conn.Encode(&openflow.NXSetPacketInFormat{Format: c.pinFormat})
	if err == nil {
		conn.TransactBatch([][]byte{b})
	}
	c.runMonitor(conn)
}

// parseWatch reads monitor's "watch:[SPEC...]": flags to clear
// ("!initial", "!add", "!delete", "!modify", "!actions") or to set
// ("own"), "table=N", "out_port=PORT", and match fields.
func (c *ctx) parseWatch(target, spec string) *openflow.FlowMonitor {
	ports := c.flowPorts(target)
	fm := &openflow.FlowMonitor{
		Flags: openflow.MonitorInitial | openflow.MonitorAdd | openflow.MonitorDelete |
			openflow.MonitorModify | openflow.MonitorActions,
		OutPort: openflow.PortNone, OutGroup: openflow.GroupAny, TableID: openflow.TableAll,
		Command: openflow.MonitorCmdAdd,
	}
	flags := map[string]openflow.FlowMonitorFlags{
		"initial": openflow.MonitorInitial, "add": openflow.MonitorAdd, "delete": openflow.MonitorDelete,
		"modify": openflow.MonitorModify, "actions": openflow.MonitorActions, "own": openflow.MonitorOwn,
	}
	var match []string
	for rest := spec; ; {
		k, v, r, ok := nextKeyValue(rest)
		if !ok {
			break
		}
		rest = r
		if f, ok := flags[strings.TrimPrefix(k, "!")]; ok && v == "" {
			if strings.HasPrefix(k, "!") {
				fm.Flags &^= f
			} else {
				fm.Flags |= f
			}
			continue
		}
		switch k {
		case "table":
			n, err := strconv.ParseUint(v, 0, 8)
			if err != nil || n == 255 {
				fatal("unknown table \"%s\"", v)
			}
			fm.TableID = uint8(n)
		case "out_port":
			p, ok := parsePortNumber(v)
			if !ok {
				if p, ok = ports(v); !ok {
					fatal("%s: output port is unknown", v)
				}
			}
			fm.OutPort = p
		default:
			if _, ok := openflow.LookupShorthand(k); !ok && openflow.FieldByName(k) == nil {
				if v == "" {
					fatal("%s: field %s missing value", spec, k)
				}
				fatal("%s: unknown keyword %s", spec, k)
			}
			if v != "" {
				k += "=" + v
			}
			match = append(match, k)
		}
	}
	m, err := openflow.ParseMatch(strings.Join(match, ","), ports)
	if err != nil {
		fatal("%s", err)
	}
	fm.Match = *m
	return fm
}

func snoop(c *ctx, args []string) {
	if err := c.daemon.Start(program); err != nil {
		fatal("%s", err)
	}
	path := paths.RunDir() + "/" + args[0] + ".snoop"
	conn, err := vconn.Dial("unix:"+path, vconn.Options{Versions: c.versions, Timeout: c.timeout})
	if err != nil {
		var oe *vconn.OpenError
		if errors.As(err, &oe) && vconnErrno(err) {
			fatal("%s: failed to open socket (%s)", path, strerror(oe.Err))
		}
		fatal("%s", err)
	}
	c.runMonitor(conn)
}

func vconnErrno(err error) bool {
	var oe *vconn.OpenError
	return errors.As(err, &oe) && oe.Err != nil
}

func (c *ctx) runMonitor(conn *vconn.Conn) {
	c.out.Flush()
	conn.SetTimeout(0)
	st := &monitorState{c: c, conn: conn, out: c.out, barriers: map[uint32]chan struct{}{}}
	st.unblock = sync.NewCond(&st.mu)
	srv, err := unixctl.NewServer(program, c.unixctlPath)
	if err != nil {
		fatal("%s", err)
	}
	if p := srv.Path(); p != "" {
		daemon.AtExit(func() { os.Remove(p) })
	}
	srv.Register("exit", "", 0, 0, func([]string) (string, error) {
		go func() { time.Sleep(10 * time.Millisecond); daemon.Exit(0) }()
		return "", nil
	})
	srv.Register("ofctl/set-output-file", "FILE", 1, 1, st.setOutputFile)
	srv.Register("ofctl/send", "OFMSG...", 1, maxArgs, st.send)
	srv.Register("ofctl/barrier", "", 0, 0, st.barrier)
	srv.Register("ofctl/block", "", 0, 0, func([]string) (string, error) {
		st.mu.Lock()
		st.blocked = true
		st.mu.Unlock()
		return "", nil
	})
	srv.Register("ofctl/unblock", "", 0, 0, func([]string) (string, error) {
		st.mu.Lock()
		st.blocked = false
		st.unblock.Broadcast()
		st.mu.Unlock()
		return "", nil
	})
	go srv.Serve()
	daemon.Ready()
	for {
		st.mu.Lock()
		for st.blocked {
			st.unblock.Wait()
		}
		st.mu.Unlock()
		b, err := conn.Recv()
		if err != nil {
			st.mu.Lock()
			st.out.Flush()
			st.mu.Unlock()
			if errors.Is(err, io.EOF) {
				srv.Close()
				daemon.Exit(0)
			}
			fmt.Fprintf(c.stderr, "%s: %s: receive failed (%s)\n", program, conn.Name(), strerror(err))
			daemon.Exit(1)
		}
		st.mu.Lock()
		if c.timestamp {
			fmt.Fprintf(st.out, "%s: ", time.Now().UTC().Format("2006-01-02 15:04:05.000"))
		}
		st.out.Write(openflow.AppendPrint(nil, b))
		st.out.Flush()
		if len(b) >= openflow.HeaderLen && b[1] == barrierReplyType(b[0]) {
			if ch, ok := st.barriers[vconn.Xid(b)]; ok {
				close(ch)
				delete(st.barriers, vconn.Xid(b))
			}
		}
		st.mu.Unlock()
	}
}

// barrierReplyType is OFPT_BARRIER_REPLY's number in version v.
func barrierReplyType(v byte) byte {
	if v == byte(openflow.V10) {
		return 19
	}
	return 21
}

func (st *monitorState) setOutputFile(args []string) (string, error) {
	f, err := os.OpenFile(args[0], os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return "", fmt.Errorf("%s: open failed (%s)", args[0], strerror(err))
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.out.Flush()
	if st.file != nil {
		st.file.Close()
	}
	st.file = f
	st.out = bufio.NewWriter(f)
	return "", nil
}

func (st *monitorState) send(args []string) (string, error) {
	var replies []string
	for _, a := range args {
		b, ok := parseHex(a)
		if !ok {
			return "", errors.New("trailing garbage following hex bytes")
		}
		if len(b) < openflow.HeaderLen || int(b[2])<<8|int(b[3]) != len(b) {
			return "", errors.New("message length does not match data length")
		}
		// The message goes out in the connection's version.
		b[0] = byte(st.conn.Version())
		// Logged before it goes out, so that the reply, which the
		// receiving goroutine prints, can never come first.
		st.mu.Lock()
		fmt.Fprintf(st.out, "send: ")
		st.out.Write(openflow.AppendPrint(nil, b))
		st.out.Flush()
		st.mu.Unlock()
		if err := st.conn.SendRaw(b); err != nil {
			replies = append(replies, strerror(err))
			continue
		}
		replies = append(replies, "sent")
	}
	return strings.Join(replies, "\n") + "\n", nil
}

func (st *monitorState) barrier([]string) (string, error) {
	b, xid, err := st.conn.Encode(&openflow.BarrierRequest{})
	if err != nil {
		return "", err
	}
	ch := make(chan struct{})
	st.mu.Lock()
	st.barriers[xid] = ch
	st.mu.Unlock()
	if err := st.conn.SendRaw(b); err != nil {
		return "", err
	}
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		return "", errors.New("timeout waiting for barrier reply")
	}
	return "", nil
}
