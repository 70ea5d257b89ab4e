package server

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/proto/ovsjson"
)

// The differential tests send the same JSON-RPC messages to the real
// ovsdb-server and to ours and compare what comes back, after giving every
// UUID a stable name (the order in which it first appears) and hiding
// _version values. Scenarios live in testdata/diff/*.txt, one message per
// line: "N JSON" sends JSON on connection N (opened on first use),
// "N close" closes it, "# ..." is a comment.

type diffStep struct {
	line int
	conn int
	text string // "" to close
}

func loadScenario(t *testing.T, path string) []diffStep {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var steps []diffStep
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		num, rest, _ := strings.Cut(line, " ")
		conn, err := strconv.Atoi(num)
		if err != nil {
			t.Fatalf("%s:%d: bad line", path, n)
		}
		rest = strings.TrimSpace(rest)
		if rest == "close" {
			rest = ""
		}
		steps = append(steps, diffStep{line: n, conn: conn, text: rest})
	}
	return steps
}

// transcript is what each step produced: per connection, the messages
// received.
type transcript [][]connOutput

type connOutput struct {
	conn int
	msgs []ovsjson.Value
	eof  bool
}

// runScenario plays steps against the server at sock. After each step it
// sends an echo "barrier" on every connection and collects what arrives
// before its reply (or the connection's end), then drains stragglers.
func runScenario(t *testing.T, sock string, steps []diffStep) transcript {
	type conn struct {
		nc      net.Conn
		ch      chan ovsjson.Value
		done    chan struct{}
		partial bool // a message was sent in pieces and is not complete
	}
	conns := map[int]*conn{}
	defer func() {
		for _, c := range conns {
			c.nc.Close()
		}
	}()
	line := 0
	open := func(n int) *conn {
		if c := conns[n]; c != nil {
			return c
		}
		nc, err := net.Dial("unix", sock)
		if err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		c := &conn{nc: nc, ch: make(chan ovsjson.Value, 1000), done: make(chan struct{})}
		go func() {
			defer close(c.done)
			dec := ovsjson.NewDecoder(nc)
			for {
				v, err := dec.Decode()
				if err != nil {
					return
				}
				c.ch <- v
			}
		}()
		conns[n] = c
		return c
	}
	isBarrier := func(v ovsjson.Value) bool {
		id, _ := v.Get("id")
		return id.Kind == ovsjson.String && id.S == "barrier"
	}
	var out transcript
	for _, st := range steps {
		line = st.line
		c := open(st.conn)
		if st.text == "" {
			c.nc.Close()
		} else {
			if _, err := c.nc.Write([]byte(st.text)); err != nil {
				t.Fatalf("line %d: %v", st.line, err)
			}
			_, err := ovsjson.ParseString(st.text)
			c.partial = err != nil && (c.partial || strings.HasPrefix(st.text, "{") && !strings.HasSuffix(st.text, "}"))
		}
		got := map[int]*connOutput{}
		add := func(n int) *connOutput {
			if got[n] == nil {
				got[n] = &connOutput{conn: n}
			}
			return got[n]
		}
		for n, c := range conns {
			if c.partial || st.text == "" && n == st.conn {
				continue
			}
			c.nc.Write([]byte(`{"id":"barrier","method":"echo","params":[]}`))
		}
		for n, c := range conns {
			waitBarrier := !c.partial && !(st.text == "" && n == st.conn)
			timeout := time.After(3 * time.Second)
			straggle := time.After(10 * time.Millisecond)
		loop:
			for {
				select {
				case v := <-c.ch:
					if isBarrier(v) {
						waitBarrier = false
						straggle = time.After(10 * time.Millisecond)
						continue
					}
					add(n).msgs = append(add(n).msgs, v)
				case <-c.done:
					if len(c.ch) > 0 {
						continue
					}
					add(n).eof = true
					delete(conns, n)
					break loop
				case <-straggle:
					if !waitBarrier {
						break loop
					}
				case <-timeout:
					t.Fatalf("line %d: no barrier reply on connection %d", st.line, n)
				}
			}
		}
		var step []connOutput
		for _, co := range got {
			step = append(step, *co)
		}
		slices.SortFunc(step, func(a, b connOutput) int { return a.conn - b.conn })
		out = append(out, step)
	}
	return out
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// normalizer names UUIDs in order of first appearance.
type normalizer struct{ names map[string]string }

func (n *normalizer) name(u string) string {
	if s, ok := n.names[u]; ok {
		return s
	}
	s := "<" + strconv.Itoa(len(n.names)) + ">"
	n.names[u] = s
	return s
}

func isUUID(s string) bool { return len(s) == 36 && uuidRE.MatchString(s) }

// masked is v's sorted text with every UUID hidden, an order for things
// whose UUIDs are not named yet.
func masked(v ovsjson.Value) string {
	return uuidRE.ReplaceAllString(string(ovsjson.Append(nil, v, ovsjson.Sort)), "U")
}

func (n *normalizer) walk(v ovsjson.Value, key string) ovsjson.Value {
	switch v.Kind {
	case ovsjson.String:
		if key == "_version" {
			return ovsjson.NewString("<version>")
		}
		return ovsjson.NewString(uuidRE.ReplaceAllStringFunc(v.S, n.name))
	case ovsjson.Array:
		a := make([]ovsjson.Value, len(v.A))
		elems := v.A
		if key == "rows" || key == "list_dbs" {
			// Sets whose order is OVS's hash order.
			elems = slices.Clone(elems)
			slices.SortStableFunc(elems, func(x, y ovsjson.Value) int { return strings.Compare(masked(x), masked(y)) })
		}
		for i := range elems {
			a[i] = n.walk(elems[i], "")
		}
		if key == "_version" {
			return ovsjson.NewString("<version>")
		}
		return ovsjson.NewArray(a...)
	case ovsjson.Object:
		members := slices.Clone(v.O)
		rank := func(m ovsjson.Member) (int, string) {
			switch {
			case isUUID(m.Key):
				if name, ok := n.names[m.Key]; ok {
					return 0, name
				}
				return 2, masked(m.Value)
			}
			return 1, m.Key
		}
		slices.SortStableFunc(members, func(a, b ovsjson.Member) int {
			ra, sa := rank(a)
			rb, sb := rank(b)
			if ra != rb {
				return ra - rb
			}
			return strings.Compare(sa, sb)
		})
		out := make([]ovsjson.Member, len(members))
		for i, m := range members {
			k := m.Key
			if isUUID(k) {
				k = n.name(k)
			}
			out[i] = ovsjson.M(k, n.walk(m.Value, m.Key))
		}
		return ovsjson.NewObject(out...)
	}
	return v
}

// normalize turns a transcript into text lines, one per message, grouped
// by connection: what each client saw, in order. (When exactly a
// notification to one client goes out relative to another client's
// requests is timing, not behaviour.)
func normalize(tr transcript) []string {
	perConn := map[int][]ovsjson.Value{}
	closed := map[int]bool{}
	var order []int
	for _, step := range tr {
		for _, co := range step {
			if _, ok := perConn[co.conn]; !ok {
				order = append(order, co.conn)
			}
			perConn[co.conn] = append(perConn[co.conn], co.msgs...)
			closed[co.conn] = closed[co.conn] || co.eof
		}
	}
	slices.Sort(order)
	n := &normalizer{names: map[string]string{}}
	var lines []string
	for _, c := range order {
		msgs := perConn[c]
		// Notifications of several monitors may come in any order;
		// replies come in request order. Sort runs of notifications.
		for a := 0; a < len(msgs); {
			b := a
			for b < len(msgs) && isNotification(msgs[b]) {
				b++
			}
			slices.SortStableFunc(msgs[a:b], func(x, y ovsjson.Value) int { return strings.Compare(masked(x), masked(y)) })
			if b == a {
				b++
			}
			a = b
		}
		for _, m := range msgs {
			var nm ovsjson.Value
			if isListDBs(m) {
				nm = m
				r, _ := m.Get("result")
				nm.Set("result", n.walk(r, "list_dbs"))
			} else {
				nm = n.walk(m, "")
			}
			lines = append(lines, "conn "+strconv.Itoa(c)+": "+string(ovsjson.Append(nil, nm, ovsjson.Sort)))
		}
		if closed[c] {
			lines = append(lines, "conn "+strconv.Itoa(c)+": <closed>")
		}
	}
	return lines
}

func isNotification(v ovsjson.Value) bool {
	id, _ := v.Get("id")
	return id.Kind == ovsjson.Null && v.Has("method")
}

func isListDBs(v ovsjson.Value) bool {
	r, ok := v.Get("result")
	if !ok || r.Kind != ovsjson.Array || len(r.A) == 0 {
		return false
	}
	for _, e := range r.A {
		if e.Kind != ovsjson.String || e.S != "_Server" && e.S != "Test" {
			return false
		}
	}
	return true
}

// needOVS returns the path of an OVS program, skipping the test if it is
// not installed (failing under CI=true).
func needOVS(t *testing.T, prog string) string {
	p, err := exec.LookPath(prog)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed", prog)
		}
		t.Skipf("%s not installed", prog)
	}
	return p
}

// startOVS runs the real ovsdb-server on a fresh database with schema and
// returns its socket.
func startOVS(t *testing.T, schema string) string {
	server := needOVS(t, "ovsdb-server")
	tool := needOVS(t, "ovsdb-tool")
	dir := t.TempDir()
	db := filepath.Join(dir, "test.db")
	abs, _ := filepath.Abs(schema)
	if out, err := exec.Command(tool, "create", db, abs).CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-tool create: %v: %s", err, out)
	}
	sock := filepath.Join(dir, "db.sock")
	cmd := exec.Command(server, "--remote=punix:"+sock, "--unixctl="+filepath.Join(dir, "ctl"),
		"--log-file="+filepath.Join(dir, "log"), "-vconsole:off", db)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case err := <-exited:
			t.Logf("ovsdb-server exited early: %v", err)
			return
		default:
		}
		if t.Failed() {
			if log, err := os.ReadFile(filepath.Join(dir, "log")); err == nil {
				t.Logf("ovsdb-server log:\n%s", log)
			}
		}
		cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return sock
		}
		if time.Now().After(deadline) {
			t.Fatal("ovsdb-server did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDifferential(t *testing.T) {
	files, _ := filepath.Glob("testdata/diff/*.txt")
	if len(files) == 0 {
		t.Fatal("no scenarios")
	}
	needOVS(t, "ovsdb-server")
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			t.Parallel()
			steps := loadScenario(t, f)
			ovsSock := startOVS(t, "testdata/test.ovsschema")
			ours := startServer(t, Options{TxnHistory: -1}, SessionOptions{})
			want := normalize(runScenario(t, ovsSock, steps))
			got := normalize(runScenario(t, ours.sock, steps))
			for i := 0; i < max(len(want), len(got)); i++ {
				var w, g string
				if i < len(want) {
					w = want[i]
				}
				if i < len(got) {
					g = got[i]
				}
				if w != g {
					t.Errorf("first difference at message %d:\n ovs: %s\nours: %s", i, w, g)
					start := max(0, i-3)
					t.Logf("context (ovs):\n%s", strings.Join(want[start:min(len(want), i+3)], "\n"))
					t.Logf("context (ours):\n%s", strings.Join(got[start:min(len(got), i+3)], "\n"))
					break
				}
			}
		})
	}
}
