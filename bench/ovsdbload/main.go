// Command ovsdbload puts one load on an OVSDB server holding the
// Open_vSwitch database and prints the figure it measured. bench/ovsdb.sh
// runs it against our ovsdb-server and against Open vSwitch's, each started
// on a fresh database, and compares the two.
//
//	ovsdbload tps    -db unix:SOCK [-clients 4] [-inflight 32] [-warmup 1s] [-duration 8s]
//	ovsdbload bulk   -db unix:SOCK [-rows 5000]
//	ovsdbload vsctl  -db unix:SOCK [-n 1000] [-vsctl /usr/bin/ovs-vsctl]
//	ovsdbload fanout -db unix:SOCK [-clients 50] [-updates 1000] [-window 1]
//	ovsdbload ports  -db unix:SOCK [-n 6000] [-batch 100]
//
// The figure goes to standard output alone on a line (transactions per
// second for tps, seconds for bulk, vsctl and fanout, the port count for
// ports, whose figure is the server's memory, read by the script); details
// and errors go to standard error.
//
// It speaks JSON-RPC directly (proto/jsonrpc over proto/ovsjson) rather
// than through an IDL so that the client does as little work per message
// as possible: on a 2-core machine the load generator shares the CPU with
// the server, and a heavy client would flatten the difference between
// servers. Every load checks the database afterwards (the mutation counter,
// the row counts), so a server that answers fast but loses commits cannot
// win.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

const dbName = "Open_vSwitch"

func main() {
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		fmt.Fprintln(os.Stderr, "usage: ovsdbload tps|bulk|vsctl|fanout|ports -db unix:SOCKET [options]")
		os.Exit(2)
	}
	load := os.Args[1]
	fs := flag.NewFlagSet("ovsdbload "+load, flag.ExitOnError)
	db := fs.String("db", "", "server to load: unix:PATH")
	timeout := fs.Duration("timeout", 150*time.Second, "give up (and fail) after this long")
	clients := fs.Int("clients", 0, "concurrent clients (tps: 4, fanout: 50)")
	inflight := fs.Int("inflight", 32, "tps: transactions in flight per client")
	warmup := fs.Duration("warmup", time.Second, "tps: run this long before counting")
	duration := fs.Duration("duration", 8*time.Second, "tps: counting period")
	rows := fs.Int("rows", 5000, "bulk: rows inserted by the one transaction (half Port, half Interface)")
	n := fs.Int("n", 0, "vsctl: add-port calls (1000); ports: ports to load (6000)")
	batch := fs.Int("batch", 100, "ports: ports per transaction")
	updates := fs.Int("updates", 1000, "fanout: committed updates")
	window := fs.Int("window", 1, "fanout: update transactions in flight (1: each waits for its reply)")
	vsctl := fs.String("vsctl", "/usr/bin/ovs-vsctl", "vsctl: the ovs-vsctl to run")
	fs.Parse(os.Args[2:])
	if *db == "" || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "ovsdbload: -db unix:SOCKET is required, and no arguments")
		os.Exit(2)
	}
	if !strings.Contains(*db, ":") {
		*db = "unix:" + *db
	}
	// A server that stops answering must fail the run, not hang it.
	time.AfterFunc(*timeout, func() {
		fmt.Fprintf(os.Stderr, "ovsdbload %s: no result after %s, giving up\n", load, *timeout)
		os.Exit(1)
	})

	var err error
	switch load {
	case "tps":
		err = loadTPS(*db, or(*clients, 4), *inflight, *warmup, *duration)
	case "bulk":
		err = loadBulk(*db, *rows)
	case "vsctl":
		err = loadVsctl(*db, or(*n, 1000), *vsctl)
	case "fanout":
		err = loadFanout(*db, or(*clients, 50), *updates, *window)
	case "ports":
		err = loadPorts(*db, or(*n, 6000), *batch)
	default:
		err = fmt.Errorf("unknown load %q (tps, bulk, vsctl, fanout or ports)", load)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ovsdbload %s: %v\n", load, err)
		os.Exit(1)
	}
}

func or(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// JSON shorthands for OVSDB operations.
var (
	str  = ovsjson.NewString
	num  = ovsjson.NewInt
	arr  = ovsjson.NewArray
	obj  = ovsjson.NewObject
	memb = ovsjson.M
)

func namedUUID(name string) ovsjson.Value { return arr(str("named-uuid"), str(name)) }

func set(elems []ovsjson.Value) ovsjson.Value { return arr(str("set"), arr(elems...)) }

func where(col, val string) ovsjson.Value { return arr(arr(str(col), str("=="), str(val))) }

func insert(table, uuidName string, row ...ovsjson.Member) ovsjson.Value {
	op := obj(memb("op", str("insert")), memb("table", str(table)), memb("row", obj(row...)))
	if uuidName != "" {
		op.Set("uuid-name", str(uuidName))
	}
	return op
}

func txnParams(ops []ovsjson.Value) ovsjson.Value {
	return arr(append([]ovsjson.Value{str(dbName)}, ops...)...)
}

func dial(db string) (*jsonrpc.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := stream.Dial(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", db, err)
	}
	return jsonrpc.NewConn(c, db), nil
}

// txnError returns the first error in a transact reply: a JSON-RPC error,
// an operation's error, or the commit's (an extra result element).
func txnError(m *jsonrpc.Message) error {
	if m.Type == jsonrpc.Error {
		return fmt.Errorf("transaction failed: %s", m.Error.String())
	}
	if m.Result.Kind != ovsjson.Array {
		return fmt.Errorf("transaction reply is not an array: %s", m.Result.String())
	}
	for _, r := range m.Result.A {
		if e, ok := r.Get("error"); ok {
			d, _ := r.Get("details")
			return fmt.Errorf("transaction failed: %s (%s)", e.String(), d.String())
		}
	}
	return nil
}

func transact(c *jsonrpc.Conn, ops ...ovsjson.Value) (ovsjson.Value, error) {
	m, err := c.Transact(context.Background(), jsonrpc.NewRequest("transact", txnParams(ops)))
	if err != nil {
		return ovsjson.Value{}, err
	}
	if err := txnError(m); err != nil {
		return ovsjson.Value{}, err
	}
	return m.Result, nil
}

// selectRows returns the rows of table (all of them), with columns.
func selectRows(c *jsonrpc.Conn, table string, columns ...string) ([]ovsjson.Value, error) {
	cols := make([]ovsjson.Value, len(columns))
	for i, col := range columns {
		cols[i] = str(col)
	}
	res, err := transact(c, obj(memb("op", str("select")), memb("table", str(table)),
		memb("where", arr()), memb("columns", arr(cols...))))
	if err != nil {
		return nil, err
	}
	rows, _ := res.A[0].Get("rows")
	return rows.A, nil
}

func countRows(c *jsonrpc.Conn, table string) (int, error) {
	rows, err := selectRows(c, table, "_uuid")
	return len(rows), err
}

// ensureBase gives a fresh database what `ovs-vsctl init -- add-br br0`
// would: the Open_vSwitch row and bridge br0 with its internal port.
func ensureBase(c *jsonrpc.Conn) error {
	n, err := countRows(c, "Open_vSwitch")
	if err != nil || n > 0 {
		return err
	}
	_, err = transact(c,
		insert("Interface", "i", memb("name", str("br0")), memb("type", str("internal"))),
		insert("Port", "p", memb("name", str("br0")), memb("interfaces", namedUUID("i"))),
		insert("Bridge", "b", memb("name", str("br0")), memb("ports", namedUUID("p"))),
		insert("Open_vSwitch", "", memb("bridges", namedUUID("b"))))
	if err != nil {
		return fmt.Errorf("creating bridge br0: %w", err)
	}
	return nil
}

// portOps returns the operations that add ports prefix<first>... to br0,
// one Interface each: 2*count inserts and one mutate of the bridge.
func portOps(prefix string, first, count int) []ovsjson.Value {
	ops := make([]ovsjson.Value, 0, 2*count+1)
	refs := make([]ovsjson.Value, 0, count)
	for i := first; i < first+count; i++ {
		name := prefix + strconv.Itoa(i)
		in, pn := "i"+strconv.Itoa(i), "p"+strconv.Itoa(i)
		ops = append(ops,
			insert("Interface", in, memb("name", str(name))),
			insert("Port", pn, memb("name", str(name)), memb("interfaces", namedUUID(in))))
		refs = append(refs, namedUUID(pn))
	}
	return append(ops, obj(memb("op", str("mutate")), memb("table", str("Bridge")),
		memb("where", where("name", "br0")),
		memb("mutations", arr(arr(str("ports"), str("insert"), set(refs))))))
}

// loadTPS keeps inflight small transactions outstanding on each client for
// warmup+duration and counts those answered during duration. Each one adds
// 1 to Open_vSwitch's next_cfg (what ovs-vsctl does on every change), so
// every one commits and writes a log record, and the final counter proves
// none was lost.
//
// The pipelining clients skip jsonrpc.Conn: each is one goroutine that
// reads whatever replies have arrived and answers them with as many new
// requests in a single write. At tens of thousands of transactions a
// second the client's own CPU time matters on a 2-core machine, and a
// goroutine hand-off and a system call per message would leave the server
// less than a core.
func loadTPS(db string, clients, inflight int, warmup, duration time.Duration) error {
	ctl, err := dial(db)
	if err != nil {
		return err
	}
	defer ctl.Close()
	if err := ensureBase(ctl); err != nil {
		return err
	}
	before, err := nextCfg(ctl)
	if err != nil {
		return err
	}
	conns := make([]net.Conn, clients)
	for i := range conns {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, err := stream.Dial(ctx, db)
		cancel()
		if err != nil {
			return fmt.Errorf("%s: %w", db, err)
		}
		defer c.Close()
		conns[i] = c
	}
	params := ovsjson.Marshal(txnParams([]ovsjson.Value{obj(memb("op", str("mutate")), memb("table", str("Open_vSwitch")),
		memb("where", arr()), memb("mutations", arr(arr(str("next_cfg"), str("+="), num(1)))))}))

	start := time.Now()
	countFrom, stopAt := start.Add(warmup), start.Add(warmup+duration)
	var counted, total atomic.Int64
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- pipeline(c, params, inflight, countFrom, stopAt, &counted, &total)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	after, err := nextCfg(ctl)
	if err != nil {
		return err
	}
	if after-before != total.Load() {
		return fmt.Errorf("%d transactions succeeded but next_cfg went from %d to %d", total.Load(), before, after)
	}
	tps := float64(counted.Load()) / duration.Seconds()
	fmt.Fprintf(os.Stderr, "tps: %d clients x %d in flight: %d committed in %.1fs (%d counted over %s): %.0f txn/s\n",
		clients, inflight, total.Load(), elapsed.Seconds(), counted.Load(), duration, tps)
	fmt.Printf("%.0f\n", tps)
	return nil
}

func pipeline(c net.Conn, params []byte, inflight int, countFrom, stopAt time.Time, counted, total *atomic.Int64) error {
	var id int64
	request := func(dst []byte) []byte {
		dst = append(dst, `{"id":`...)
		dst = strconv.AppendInt(dst, id, 10)
		dst = append(dst, `,"method":"transact","params":`...)
		dst = append(dst, params...)
		id++
		return append(dst, '}')
	}
	dec := ovsjson.NewDecoder(c)
	var out []byte
	for range inflight {
		out = request(out)
	}
	for outstanding := inflight; outstanding > 0; {
		if len(out) > 0 && !dec.Buffered() {
			if _, err := c.Write(out); err != nil {
				return err
			}
			out = out[:0]
		}
		text, err := dec.DecodeBytes()
		if err != nil {
			return fmt.Errorf("%d transactions outstanding: %w", outstanding, err)
		}
		v, err := ovsjson.Parse(text)
		if err != nil {
			return err
		}
		m, err := jsonrpc.FromJSON(v)
		if err != nil {
			return err
		}
		if m.IsEchoRequest() {
			out = jsonrpc.NewReply(m.Params, m.ID).AppendJSON(out)
			continue
		}
		if m.Type != jsonrpc.Reply && m.Type != jsonrpc.Error {
			continue
		}
		outstanding--
		if err := txnError(m); err != nil {
			return err
		}
		total.Add(1)
		now := time.Now()
		if now.After(countFrom) && now.Before(stopAt) {
			counted.Add(1)
		}
		if now.Before(stopAt) {
			out = request(out)
			outstanding++
		}
	}
	return nil
}

func nextCfg(c *jsonrpc.Conn) (int64, error) {
	rows, err := selectRows(c, "Open_vSwitch", "next_cfg")
	if err != nil {
		return 0, err
	}
	if len(rows) != 1 {
		return 0, fmt.Errorf("Open_vSwitch has %d rows, want 1", len(rows))
	}
	v, _ := rows[0].Get("next_cfg")
	return v.I, nil
}

// loadBulk times one transaction that inserts rows rows: rows/2 ports on
// br0, each with its interface.
func loadBulk(db string, rows int) error {
	c, err := dial(db)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := ensureBase(c); err != nil {
		return err
	}
	ports := rows / 2
	req := jsonrpc.NewRequest("transact", txnParams(portOps("bulk", 0, ports)))
	start := time.Now()
	m, err := c.Transact(context.Background(), req)
	elapsed := time.Since(start)
	if err != nil {
		return err
	}
	if err := txnError(m); err != nil {
		return err
	}
	if got, err := countRows(c, "Port"); err != nil {
		return err
	} else if got != ports+1 {
		return fmt.Errorf("Port has %d rows after the transaction, want %d", got, ports+1)
	}
	fmt.Fprintf(os.Stderr, "bulk: one transaction of %d rows (%d Port + %d Interface + Bridge mutate): %.3fs\n",
		2*ports, ports, ports, elapsed.Seconds())
	fmt.Printf("%.3f\n", elapsed.Seconds())
	return nil
}

// loadVsctl runs `ovs-vsctl --no-wait add-port br0 pN` n times in a row,
// each a new process that connects, reads the schema and the tables it
// needs, and commits: the cost of scripted configuration.
func loadVsctl(db string, n int, vsctl string) error {
	c, err := dial(db)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := ensureBase(c); err != nil {
		return err
	}
	// ovs-vsctl wants a run directory for its own files even with --db.
	rundir, err := os.MkdirTemp("", "ovsdbload-vsctl")
	if err != nil {
		return err
	}
	defer os.RemoveAll(rundir)
	env := append(os.Environ(), "OVS_RUNDIR="+rundir, "OVS_LOGDIR="+rundir, "OVS_DBDIR="+rundir)
	start := time.Now()
	for i := range n {
		cmd := exec.Command(vsctl, "--db="+db, "--no-wait", "--timeout=30", "add-port", "br0", "p"+strconv.Itoa(i))
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("call %d: %s: %v: %s", i+1, strings.Join(cmd.Args, " "), err, strings.TrimSpace(string(out)))
		}
	}
	elapsed := time.Since(start)
	if got, err := countRows(c, "Port"); err != nil {
		return err
	} else if got != n+1 {
		return fmt.Errorf("Port has %d rows after %d add-port calls, want %d", got, n, n+1)
	}
	fmt.Fprintf(os.Stderr, "vsctl: %d x ovs-vsctl --no-wait add-port: %.2fs, %.2f ms/call\n",
		n, elapsed.Seconds(), elapsed.Seconds()*1000/float64(n))
	fmt.Printf("%.3f\n", elapsed.Seconds())
	return nil
}

// loadFanout opens monitors monitor_cond sessions on the Bridge table, then
// commits updates changes to br0's external_ids:seq from another client,
// and times from the first update sent until every monitor has seen
// seq=updates. A server may fold several commits into one notification for
// a monitor that lags (OVS does); seeing the final value is what counts.
func loadFanout(db string, monitors, updates, window int) error {
	writer, err := dial(db)
	if err != nil {
		return err
	}
	defer writer.Close()
	if err := ensureBase(writer); err != nil {
		return err
	}

	type result struct {
		at      time.Time
		notices int
		err     error
	}
	results := make(chan result, monitors)
	ready := make(chan error, monitors)
	final := strconv.Itoa(updates)
	for i := range monitors {
		c, err := dial(db)
		if err != nil {
			return err
		}
		defer c.Close()
		go func() {
			req := jsonrpc.NewRequest("monitor_cond", arr(str(dbName), str("bench"+strconv.Itoa(i)),
				obj(memb("Bridge", arr(obj())))))
			m, err := c.Transact(context.Background(), req)
			if err == nil && m.Type == jsonrpc.Error {
				err = fmt.Errorf("monitor_cond failed: %s", m.Error.String())
			}
			ready <- err
			if err != nil {
				return
			}
			// Nothing more arrives before the first commit, so the
			// connection's decoder holds no bytes beyond the reply,
			// and the notifications can be scanned on the socket.
			notices, err := scanUpdates(c.NetConn(), final)
			if err != nil {
				results <- result{err: fmt.Errorf("monitor %d after %d notifications: %w", i, notices, err)}
				return
			}
			results <- result{at: time.Now(), notices: notices}
		}()
	}
	for range monitors {
		if err := <-ready; err != nil {
			return err
		}
	}

	start := time.Now()
	if err := commitSeqs(writer, updates, window); err != nil {
		return err
	}
	committed := time.Since(start)

	var last time.Time
	notices := 0
	// Every update is committed; a monitor that has not caught up within
	// this long never will.
	deadline := time.After(60 * time.Second)
	for done := range monitors {
		var r result
		select {
		case r = <-results:
		case <-deadline:
			return fmt.Errorf("only %d of %d monitors saw update %d within 60s of the last commit", done, monitors, updates)
		}
		if r.err != nil {
			return r.err
		}
		if r.at.After(last) {
			last = r.at
		}
		notices += r.notices
	}
	elapsed := last.Sub(start)
	fmt.Fprintf(os.Stderr, "fanout: %d monitors saw %d updates in %.3fs (commits took %.3fs, %d in flight; %.0f notifications per monitor)\n",
		monitors, updates, elapsed.Seconds(), committed.Seconds(), window, float64(notices)/float64(monitors))
	fmt.Printf("%.3f\n", elapsed.Seconds())
	return nil
}

func seqParams(i int) ovsjson.Value {
	return txnParams([]ovsjson.Value{obj(memb("op", str("update")), memb("table", str("Bridge")),
		memb("where", where("name", "br0")),
		memb("row", obj(memb("external_ids", arr(str("map"), arr(arr(str("seq"), str(strconv.Itoa(i)))))))))})
}

// commitSeqs commits seq=1..updates keeping up to window transactions
// in flight.
func commitSeqs(c *jsonrpc.Conn, updates, window int) error {
	sem := make(chan struct{}, window)
	done := make(chan error, 1)
	go func() {
		for range updates {
			m, err := c.Recv()
			for err == nil && m.IsEchoRequest() {
				c.Send(jsonrpc.NewReply(m.Params, m.ID))
				m, err = c.Recv()
			}
			if err == nil {
				err = txnError(m)
			}
			if err != nil {
				done <- err
				return
			}
			<-sem
		}
		done <- nil
	}()
	for i := 1; i <= updates; i++ {
		select {
		case sem <- struct{}{}:
		case err := <-done:
			return err
		}
		if err := c.Send(jsonrpc.NewRequest("transact", seqParams(i))); err != nil {
			return err
		}
	}
	return <-done
}

// scanUpdates reads a monitor's notifications as bytes until the one that
// reports external_ids:seq=final, and returns how many it saw. Decoding
// 50 monitors' notifications into JSON values cost the load generator
// more CPU than the servers spent sending them, and on a 2-core machine
// that time is taken from the server; spotting the final value in the
// stream needs no decoding. Both servers write compact JSON, where a map
// column's new value reads ["map",[...,["seq","N"],...]] in an update,
// and where every notification names its method "update..." (update2 for
// monitor_cond). Neither sends inactivity probes on unix sockets, so there
// is nothing to answer.
func scanUpdates(nc net.Conn, final string) (int, error) {
	done := []byte(`["seq","` + final + `"]`)
	notice := []byte(`"method":"update`)
	keep := max(len(done), len(notice)) - 1
	buf := make([]byte, 64<<10)
	tail, notices := 0, 0
	for {
		n, err := nc.Read(buf[tail:])
		if err != nil {
			return notices, err
		}
		// A match cannot lie within the kept tail alone (it is
		// shorter than either pattern), so none is counted twice.
		data := buf[:tail+n]
		notices += bytes.Count(data, notice)
		if bytes.Contains(data, done) {
			return notices, nil
		}
		tail = min(keep, len(data))
		copy(buf, data[len(data)-tail:])
	}
}

// loadPorts fills the database with n ports on br0, each with its
// interface, batch ports per transaction; the script then reads the
// server's memory.
func loadPorts(db string, n, batch int) error {
	c, err := dial(db)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := ensureBase(c); err != nil {
		return err
	}
	start := time.Now()
	for first := 0; first < n; first += batch {
		if _, err := transact(c, portOps("port", first, min(batch, n-first))...); err != nil {
			return err
		}
	}
	elapsed := time.Since(start)
	ports, err := countRows(c, "Port")
	if err != nil {
		return err
	}
	ifaces, err := countRows(c, "Interface")
	if err != nil {
		return err
	}
	if ports != n+1 || ifaces != n+1 {
		return errors.New("lost rows: " + strconv.Itoa(ports) + " ports and " + strconv.Itoa(ifaces) +
			" interfaces, want " + strconv.Itoa(n+1) + " of each")
	}
	fmt.Fprintf(os.Stderr, "ports: loaded %d ports with interfaces in %.2fs (%d per transaction)\n",
		n, elapsed.Seconds(), batch)
	fmt.Println(n)
	return nil
}
