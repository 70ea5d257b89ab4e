package idl

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govs/ovs/db/ovsdb"
)

// These tests run Debian's OVS 3.1 (ovsdb-server, ovsdb-tool, ovs-vsctl,
// ovsdb-client) as the other side.

func needOVS(t testing.TB) {
	t.Helper()
	for _, p := range []string{"ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovsdb-client", "ovs-appctl"} {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed", p)
			}
			t.Skipf("%s is not installed", p)
		}
	}
}

type ovsServer struct {
	t    testing.TB
	dir  string
	db   string
	sock string // for IDLs
	// tool is a second remote for ovs-vsctl and ovsdb-client, so that
	// tests can cut the IDLs off and still change the database.
	tool string
	ctl  string
	cmd  *exec.Cmd
}

// startServer creates a vswitch database (a one-server cluster if
// clustered) and serves it.
func startServer(t testing.TB, clustered bool) *ovsServer {
	t.Helper()
	needOVS(t)
	dir := t.TempDir()
	s := &ovsServer{t: t, dir: dir, db: filepath.Join(dir, "conf.db"), sock: filepath.Join(dir, "db.sock"),
		tool: filepath.Join(dir, "tool.sock"), ctl: filepath.Join(dir, "ctl")}
	schema := filepath.Join(dir, "vswitch.ovsschema")
	if err := os.WriteFile(schema, ovsdb.VswitchSchemaText(), 0o644); err != nil {
		t.Fatal(err)
	}
	if clustered {
		s.run("ovsdb-tool", "create-cluster", s.db, schema, "unix:"+filepath.Join(dir, "raft.sock"))
	} else {
		s.run("ovsdb-tool", "create", s.db, schema)
	}
	s.start()
	s.vsctl("init")
	return s
}

func (s *ovsServer) env() []string {
	return append(os.Environ(), "OVS_RUNDIR="+s.dir, "OVS_DBDIR="+s.dir, "OVS_LOGDIR="+s.dir, "OVS_SYSCONFDIR="+s.dir)
}

func (s *ovsServer) run(prog string, args ...string) string {
	s.t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Env = s.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("%s %s: %v\n%s", prog, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *ovsServer) start() {
	s.t.Helper()
	cmd := exec.Command("ovsdb-server", s.db, "--remote=punix:"+s.sock, "--remote=punix:"+s.tool,
		"--unixctl="+s.ctl, "--no-chdir", "-vconsole:off", "--log-file="+filepath.Join(s.dir, "ovsdb-server.log"))
	cmd.Env = s.env()
	// Do not outlive a test binary killed by its timeout.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.cmd = cmd
	s.t.Cleanup(s.stop)
	s.waitSocket(s.tool)
	s.waitSocket(s.sock)
}

func (s *ovsServer) waitSocket(path string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("unix", path)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("ovsdb-server did not listen on %s: %v", path, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *ovsServer) stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

func (s *ovsServer) remote() string { return "unix:" + s.sock }

func (s *ovsServer) vsctl(args ...string) string {
	s.t.Helper()
	return strings.TrimSpace(s.run("ovs-vsctl", append([]string{"--db=unix:" + s.tool, "--no-wait"}, args...)...))
}

func (s *ovsServer) appctl(args ...string) string {
	s.t.Helper()
	return s.run("ovs-appctl", append([]string{"-t", s.ctl}, args...)...)
}

// dump returns `ovsdb-client -f csv dump` of table's columns.
func (s *ovsServer) dump(table string, columns ...string) string {
	s.t.Helper()
	return s.run("ovsdb-client", append([]string{"-f", "csv", "dump", "unix:" + s.tool, "Open_vSwitch", table}, columns...)...)
}

// cutIDLs closes the IDLs' socket (and their connections) and reopens it
// when the returned function is called.
func (s *ovsServer) cutIDLs() (restore func()) {
	s.t.Helper()
	s.appctl("ovsdb-server/remove-remote", "punix:"+s.sock)
	return func() {
		s.appctl("ovsdb-server/add-remote", "punix:"+s.sock)
		s.waitSocket(s.sock)
	}
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// connect starts an IDL on s and waits for its replica.
func connect(t testing.TB, s *ovsServer, setup func(*IDL)) *IDL {
	t.Helper()
	idl := New(s.remote(), vswitchSchema(t), Options{Retry: true, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	if setup != nil {
		setup(idl)
	}
	idl.Start()
	t.Cleanup(func() { idl.Close() })
	if err := idl.WaitConnected(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	return idl
}

func waitFor(t testing.TB, idl *IDL, what string, cond func() bool) {
	t.Helper()
	if err := idl.WaitUntil(testCtx(t), cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

func rowByName(t *Table, name string) *Row {
	c := t.Column("name")
	for r := range t.Rows() {
		if r.Str(c) == name {
			return r
		}
	}
	return nil
}

func TestFollowVsctl(t *testing.T) {
	s := startServer(t, false)
	idl := connect(t, s, func(idl *IDL) { idl.Track() })
	br, port := idl.Table("Bridge"), idl.Table("Port")
	idl.ClearTracked()

	s.vsctl("add-br", "br0")
	waitFor(t, idl, "br0", func() bool { return rowByName(br, "br0") != nil && rowByName(port, "br0") != nil })
	b0 := rowByName(br, "br0")
	ch := br.Changes()
	if len(ch) != 1 || ch[0].Kind() != Inserted || ch[0].New != b0 {
		t.Fatalf("changes after add-br: %+v", ch)
	}
	if ps := b0.UUIDs(br.Column("ports")); len(ps) != 1 || port.Row(ps[0]) == nil {
		t.Errorf("br0 ports %v", ps)
	}
	ovs := idl.Table("Open_vSwitch").SortedRows()
	if len(ovs) != 1 || len(ovs[0].UUIDs(idl.Column("Open_vSwitch", "bridges"))) != 1 {
		t.Errorf("Open_vSwitch %v", ovs)
	}

	idl.ClearTracked()
	seq := idl.Seqno()
	s.vsctl("set", "bridge", "br0", "other_config:a=1", "fail_mode=secure")
	waitFor(t, idl, "other_config", func() bool { v, _ := rowByName(br, "br0").MapValue(br.Column("other_config"), "a"); return v == "1" })
	if idl.Seqno() == seq {
		t.Error("seqno unchanged")
	}
	ch = br.Changes()
	if len(ch) != 1 || ch[0].Kind() != Modified || ch[0].Old != b0 {
		t.Fatalf("changes after set: %+v", ch)
	}
	var names []string
	for _, c := range ch[0].Columns() {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "fail_mode,other_config" {
		t.Errorf("changed columns %v", names)
	}
	if rowByName(br, "br0").Str(br.Column("fail_mode")) != "secure" {
		t.Error("fail_mode")
	}

	idl.ClearTracked()
	s.vsctl("del-br", "br0")
	waitFor(t, idl, "br0 gone", func() bool { return br.Len() == 0 && port.Len() == 0 })
	ch = br.Changes()
	if len(ch) != 1 || ch[0].Kind() != Deleted || ch[0].UUID() != b0.UUID {
		t.Fatalf("changes after del-br: %+v", ch)
	}
}

func TestTxnReadBack(t *testing.T) {
	s := startServer(t, false)
	idl := connect(t, s, nil)
	br, port, iface, ovsT := idl.Table("Bridge"), idl.Table("Port"), idl.Table("Interface"), idl.Table("Open_vSwitch")
	ctx := testCtx(t)
	ovs := ovsT.SortedRows()[0]
	next0, _ := ovs.Int(ovsT.Column("next_cfg"))

	txn := idl.NewTxn()
	i := txn.Insert(iface)
	txn.Set(i, iface.Column("name"), ovsdb.NewScalarDatum(ovsdb.StringAtom("brA")))
	txn.Set(i, iface.Column("type"), ovsdb.NewScalarDatum(ovsdb.StringAtom("internal")))
	p := txn.Insert(port)
	txn.Set(p, port.Column("name"), ovsdb.NewScalarDatum(ovsdb.StringAtom("brA")))
	txn.Set(p, port.Column("interfaces"), ovsdb.NewScalarDatum(ovsdb.UUIDAtom(i.UUID)))
	b := txn.Insert(br)
	txn.Set(b, br.Column("name"), ovsdb.NewScalarDatum(ovsdb.StringAtom("brA")))
	txn.Set(b, br.Column("ports"), ovsdb.NewScalarDatum(ovsdb.UUIDAtom(p.UUID)))
	txn.SetKey(b, br.Column("other_config"), ovsdb.StringAtom("k"), ovsdb.StringAtom("v w"))
	txn.Verify(ovs, ovsT.Column("bridges"))
	txn.AddToSet(ovs, ovsT.Column("bridges"), ovsdb.NewScalarDatum(ovsdb.UUIDAtom(b.UUID)))
	txn.Increment(ovs, ovsT.Column("next_cfg"), false)
	txn.AddComment("idl test")
	txn.SetDurable()
	st, err := txn.Commit(ctx)
	if st != Success {
		t.Fatalf("commit: %v %v", st, err)
	}
	real, ok := txn.InsertedUUID(b.UUID)
	if !ok {
		t.Fatal("no UUID for the bridge")
	}
	if v, ok := txn.IncrementValue(); !ok || v != next0+1 {
		t.Errorf("next_cfg %d %v, want %d", v, ok, next0+1)
	}
	// Read-your-writes: the replica already has the new rows.
	rb := br.Row(real)
	if rb == nil || rb.Str(br.Column("name")) != "brA" {
		t.Fatalf("replica lacks the committed bridge")
	}
	if n, _ := ovsT.SortedRows()[0].Int(ovsT.Column("next_cfg")); n != next0+1 {
		t.Errorf("replica next_cfg %d", n)
	}
	dump := s.dump("Bridge", "_uuid", "name", "other_config")
	if !strings.Contains(dump, real.String()+`,brA,"{k=""v w""}"`) {
		t.Errorf("ovsdb-client dump:\n%s", dump)
	}

	// A second bridge with the same name violates the index.
	txn = idl.NewTxn()
	b2 := txn.Insert(br)
	txn.Set(b2, br.Column("name"), ovsdb.NewScalarDatum(ovsdb.StringAtom("brA")))
	txn.AddToSet(ovs, ovsT.Column("bridges"), ovsdb.NewScalarDatum(ovsdb.UUIDAtom(b2.UUID)))
	st, err = txn.Commit(ctx)
	var oe *ovsdb.Error
	if st != Error || err == nil || !asOVSDBError(err, &oe) || oe.Tag != ovsdb.ErrConstraint {
		t.Fatalf("duplicate bridge: %v %v", st, err)
	}

	// A dry run reports success and the UUID, and changes nothing.
	txn = idl.NewTxn()
	b3 := txn.Insert(br)
	txn.Set(b3, br.Column("name"), ovsdb.NewScalarDatum(ovsdb.StringAtom("brDry")))
	txn.AddToSet(ovs, ovsT.Column("bridges"), ovsdb.NewScalarDatum(ovsdb.UUIDAtom(b3.UUID)))
	txn.SetDryRun()
	if st, err := txn.Commit(ctx); st != Success {
		t.Fatalf("dry run: %v %v", st, err)
	}
	if _, ok := txn.InsertedUUID(b3.UUID); !ok {
		t.Error("dry run: no UUID")
	}
	if strings.Contains(s.dump("Bridge", "name"), "brDry") {
		t.Error("dry run committed")
	}

	// A row with a UUID of our choosing.
	chosen := ovsdb.NewUUID()
	txn = idl.NewTxn()
	b4 := txn.InsertWithUUID(br, chosen)
	txn.Set(b4, br.Column("name"), ovsdb.NewScalarDatum(ovsdb.StringAtom("brU")))
	txn.AddToSet(ovs, ovsT.Column("bridges"), ovsdb.NewScalarDatum(ovsdb.UUIDAtom(chosen)))
	if st, err := txn.Commit(ctx); st != Success {
		t.Fatalf("insert with uuid: %v %v", st, err)
	}
	if u, _ := txn.InsertedUUID(chosen); u != chosen || br.Row(chosen) == nil {
		t.Errorf("inserted as %v", u)
	}
	txn = idl.NewTxn()
	txn.RemoveFromSet(ovs, ovsT.Column("bridges"), ovsdb.NewScalarDatum(ovsdb.UUIDAtom(chosen)))
	if st, err := txn.Commit(ctx); st != Success {
		t.Fatalf("remove: %v %v", st, err)
	}

	// Delete, and the garbage collection of the port and interface.
	txn = idl.NewTxn()
	txn.RemoveFromSet(ovs, ovsT.Column("bridges"), ovsdb.NewScalarDatum(ovsdb.UUIDAtom(real)))
	if st, err := txn.Commit(ctx); st != Success {
		t.Fatalf("delete: %v %v", st, err)
	}
	if br.Len() != 0 || port.Len() != 0 || iface.Len() != 0 {
		t.Errorf("rows left: %d %d %d", br.Len(), port.Len(), iface.Len())
	}
}

func asOVSDBError(err error, target **ovsdb.Error) bool {
	e, ok := err.(*ovsdb.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestVerifyTryAgain(t *testing.T) {
	s := startServer(t, false)
	s.vsctl("add-br", "br0")
	idl := connect(t, s, func(idl *IDL) { idl.Register("Bridge", "name", "other_config") })
	br := idl.Table("Bridge")
	oc := br.Column("other_config")
	ctx := testCtx(t)

	attempt := func() (Status, error) {
		b := rowByName(br, "br0")
		m := b.Get(oc).StringMap()
		m["x"] = "1"
		txn := idl.NewTxn()
		txn.Verify(b, oc)
		txn.Set(b, oc, ovsdb.NewStringMap(m))
		// Someone else changes the column between our read and our
		// commit (only the first time).
		if _, ok := m["y"]; !ok {
			s.vsctl("set", "bridge", "br0", "other_config:y=2")
		}
		return txn.Commit(ctx)
	}
	st, err := attempt()
	if st != TryAgain {
		t.Fatalf("first attempt: %v %v", st, err)
	}
	// The conflicting change reached the replica before the reply.
	if v, _ := rowByName(br, "br0").MapValue(oc, "y"); v != "2" {
		t.Fatal("replica does not show the conflicting change")
	}
	if st, err := attempt(); st != Success {
		t.Fatalf("retry: %v %v", st, err)
	}
	if d := s.dump("Bridge", "name", "other_config"); !strings.Contains(d, `br0,"{x=""1"", y=""2""}"`) {
		t.Errorf("dump:\n%s", d)
	}
}

func TestReconnectResync(t *testing.T) {
	s := startServer(t, false)
	s.vsctl("add-br", "br0", "--", "add-br", "br1")
	idl := connect(t, s, func(idl *IDL) { idl.Track("Bridge") })
	br := idl.Table("Bridge")
	idl.ClearTracked()
	b0 := rowByName(br, "br0")

	restore := s.cutIDLs()
	waitFor(t, idl, "disconnection", func() bool { return !idl.IsConnected() })
	s.vsctl("del-br", "br1", "--", "set", "bridge", "br0", "other_config:z=9", "--", "add-br", "br2")
	restore()
	waitFor(t, idl, "resync", func() bool { return idl.IsConnected() && rowByName(br, "br2") != nil })

	got := map[string]ChangeKind{}
	for _, c := range br.Changes() {
		got[c.Row().Str(br.Column("name"))] = c.Kind()
	}
	if len(got) != 3 || got["br0"] != Modified || got["br1"] != Deleted || got["br2"] != Inserted {
		t.Errorf("changes after resync: %v", got)
	}
	if c := br.Change(b0.UUID); c == nil || c.Old != b0 || !c.ColumnChanged(br.Column("other_config")) || c.ColumnChanged(br.Column("name")) {
		t.Errorf("br0 change %+v", c)
	}

	// A transaction waiting for its reply when the connection is lost
	// fails with "try again"; after the resync a retry succeeds.
	s.cmd.Process.Signal(syscall.SIGSTOP)
	txn := idl.NewTxn()
	txn.SetKey(rowByName(br, "br0"), br.Column("external_ids"), ovsdb.StringAtom("k"), ovsdb.StringAtom("v"))
	if st := txn.CommitAsync(); st != Incomplete {
		t.Fatalf("commit while stopped: %v", st)
	}
	s.stop()
	s.start()
	if st, err := txn.Commit(testCtx(t)); st != TryAgain {
		t.Fatalf("pending transaction after restart: %v %v", st, err)
	}
	waitFor(t, idl, "reconnection", idl.IsConnected)
	txn = idl.NewTxn()
	txn.SetKey(rowByName(br, "br0"), br.Column("external_ids"), ovsdb.StringAtom("k"), ovsdb.StringAtom("v"))
	if st, err := txn.Commit(testCtx(t)); st != Success {
		t.Fatalf("retry: %v %v", st, err)
	}
	if v, _ := rowByName(br, "br0").MapValue(br.Column("external_ids"), "k"); v != "v" {
		t.Error("replica lacks the retried change")
	}
}

func TestMonitorCondSinceResume(t *testing.T) {
	s := startServer(t, true)
	s.vsctl("add-br", "br0")
	idl := connect(t, s, func(idl *IDL) { idl.Track("Bridge") })
	br := idl.Table("Bridge")
	idl.lmu.Lock()
	last, method := idl.conn.lastTxnID, idl.conn.method
	idl.lmu.Unlock()
	if method != methodSince || last == (ovsdb.UUID{}) {
		t.Fatalf("method %v, last txn id %v", method, last)
	}
	// ovsdb-server starts keeping a transaction history when the first
	// monitor_cond_since arrives, so the id from the first connection is
	// too old; after one more round it continues.
	for round, name := range []string{"br1", "br2"} {
		idl.ClearTracked()
		b0 := rowByName(br, "br0")
		restore := s.cutIDLs()
		waitFor(t, idl, "disconnection", func() bool { return !idl.IsConnected() })
		s.vsctl("add-br", name)
		restore()
		waitFor(t, idl, "reconnection", func() bool { return idl.IsConnected() && rowByName(br, name) != nil })
		idl.lmu.Lock()
		resumed := idl.conn.nResumed
		idl.lmu.Unlock()
		if round == 0 {
			continue
		}
		if resumed != 1 {
			t.Errorf("monitor_cond_since resumed %d times", resumed)
		}
		if rowByName(br, "br0") != b0 {
			t.Error("br0 was reloaded")
		}
		if ch := br.Changes(); len(ch) != 1 || ch[0].Kind() != Inserted {
			t.Errorf("changes %+v", ch)
		}
	}
}

func TestConditions(t *testing.T) {
	s := startServer(t, false)
	s.vsctl("add-br", "br0", "--", "add-br", "br1", "--", "add-br", "br2")
	name := func(n string) Clause { return Equal("name", ovsdb.NewScalarDatum(ovsdb.StringAtom(n))) }
	idl := connect(t, s, func(idl *IDL) {
		idl.Register("Bridge", "name")
		if _, err := idl.SetCondition("Bridge", name("br1")); err != nil {
			t.Fatal(err)
		}
	})
	br := idl.Table("Bridge")
	names := func() string {
		var ns []string
		for _, r := range br.SortedRows() {
			ns = append(ns, r.Str(br.Column("name")))
		}
		slices.Sort(ns)
		return strings.Join(ns, ",")
	}
	if got := names(); got != "br1" {
		t.Fatalf("initial rows %s", got)
	}
	seq, err := idl.SetCondition("Bridge", name("br0"), name("br2"))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, idl, "condition", func() bool { return idl.CondSeqno() >= seq })
	if got := names(); got != "br0,br2" {
		t.Errorf("rows after condition change %s", got)
	}
	s.vsctl("add-br", "br3", "--", "set", "bridge", "br0", "other_config:a=b")
	seq, _ = idl.SetCondition("Bridge")
	waitFor(t, idl, "condition", func() bool { return idl.CondSeqno() >= seq })
	if got := names(); got != "br0,br1,br2,br3" {
		t.Errorf("rows with no condition %s", got)
	}
}

func TestLockContention(t *testing.T) {
	s := startServer(t, false)
	setup := func(idl *IDL) { idl.Register("Open_vSwitch", "external_ids") }
	a := connect(t, s, setup)
	b := connect(t, s, setup)
	a.SetLock("ovs_vswitchd")
	waitFor(t, a, "a's lock", a.HasLock)
	b.SetLock("ovs_vswitchd")
	waitFor(t, b, "b's contention", b.IsLockContended)
	if b.HasLock() {
		t.Fatal("both hold the lock")
	}
	ovsT := b.Table("Open_vSwitch")
	txn := b.NewTxn()
	txn.SetKey(ovsT.SortedRows()[0], ovsT.Column("external_ids"), ovsdb.StringAtom("b"), ovsdb.StringAtom("1"))
	if st, _ := txn.Commit(testCtx(t)); st != NotLocked {
		t.Errorf("commit without the lock: %v", st)
	}
	// The holder's transactions assert the lock and succeed.
	ovsA := a.Table("Open_vSwitch")
	txn = a.NewTxn()
	txn.SetKey(ovsA.SortedRows()[0], ovsA.Column("external_ids"), ovsdb.StringAtom("a"), ovsdb.StringAtom("1"))
	if st, err := txn.Commit(testCtx(t)); st != Success {
		t.Errorf("commit with the lock: %v %v", st, err)
	}

	a.SetLock("")
	waitFor(t, b, "b's lock", b.HasLock)
	a.StealLock("ovs_vswitchd")
	waitFor(t, a, "a's stolen lock", a.HasLock)
	waitFor(t, b, "b's loss", func() bool { return !b.HasLock() && b.IsLockContended() })

	a.Close()
	waitFor(t, b, "b's lock after a closed", b.HasLock)
}

func TestConnectionFailure(t *testing.T) {
	needOVS(t)
	dir := t.TempDir()
	idl := New("unix:"+filepath.Join(dir, "nope.sock"), vswitchSchema(t), Options{})
	idl.Start()
	defer idl.Close()
	err := idl.WaitConnected(testCtx(t))
	want := "unix:" + filepath.Join(dir, "nope.sock") + ": database connection failed (No such file or directory)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if idl.IsAlive() {
		t.Error("still alive")
	}
}

func TestUnknownDatabase(t *testing.T) {
	s := startServer(t, false)
	schema := *vswitchSchema(t)
	schema.Name = "Nope"
	idl := New(s.remote(), &schema, Options{})
	idl.Start()
	defer idl.Close()
	err := idl.WaitConnected(testCtx(t))
	want := s.remote() + ": database connection failed (unknown database: get_schema request specifies unknown database Nope)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// TestChangedFromOtherGoroutine reads the replica from a goroutine that
// is not the owner, as an appctl handler or the shell's display would.
func TestChangedFromOtherGoroutine(t *testing.T) {
	s := startServer(t, false)
	idl := connect(t, s, func(idl *IDL) { idl.Register("Bridge", "name") })
	br := idl.Table("Bridge")
	ch := idl.Changed()
	found := make(chan bool)
	go func() {
		for {
			<-ch
			idl.RLock()
			ok := rowByName(br, "brX") != nil
			ch = idl.Changed()
			idl.RUnlock()
			if ok {
				found <- true
				return
			}
		}
	}()
	s.vsctl("add-br", "brX")
	ctx := testCtx(t)
	for {
		idl.Run()
		select {
		case <-found:
			return
		case <-idl.Wait():
		case <-ctx.Done():
			t.Fatal("the other goroutine never saw brX")
		}
	}
}

func TestGetSchema(t *testing.T) {
	s := startServer(t, false)
	schema, err := GetSchema(testCtx(t), s.remote(), "Open_vSwitch")
	if err != nil {
		t.Fatal(err)
	}
	if schema.Name != "Open_vSwitch" || schema.Version != vswitchSchema(t).Version || schema.Tables["Bridge"] == nil {
		t.Errorf("schema %s %s", schema.Name, schema.Version)
	}
	if _, err := GetSchema(testCtx(t), s.remote(), "Nope"); err == nil || !strings.Contains(err.Error(), "unknown database") {
		t.Errorf("unknown database: %v", err)
	}
	if _, err := GetSchema(testCtx(t), "unix:"+filepath.Join(s.dir, "nope"), "Open_vSwitch"); err == nil || !strings.HasSuffix(err.Error(), "database connection failed (No such file or directory)") {
		t.Errorf("no server: %v", err)
	}
}
