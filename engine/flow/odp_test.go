package flow

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// oracleODP holds dump-flows lines recorded from the real OVS 3.1 dummy
// datapath; TestODPVersusOVS refreshes the comparison live when it can.
func odpRoundTrip(t *testing.T, line string, verbose bool, names bool, vlanLimit int) {
	t.Helper()
	var portNo func(string) (uint32, bool)
	var portName func(uint32) (string, bool)
	if names {
		portNo = func(n string) (uint32, bool) {
			switch n {
			case "p1":
				return 1, true
			case "p2":
				return 2, true
			case "br0":
				return 100, true
			}
			return 0, false
		}
		portName = func(p uint32) (string, bool) {
			switch p {
			case 1:
				return "p1", true
			case 2:
				return "p2", true
			case 100:
				return "br0", true
			}
			return "", false
		}
	}
	k, m, err := ParseODP(line, portNo)
	if err != nil {
		t.Errorf("ParseODP(%q): %v", line, err)
		return
	}
	got := string(AppendODP(nil, &k, &m, FormatOptions{Verbose: verbose, PortName: portName, VLANLimit: vlanLimit}))
	if got != line {
		t.Errorf("round trip:\n got %s\nwant %s", got, line)
	}
}

var odpSamples = []string{
	"recirc_id(0),in_port(2),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)",
	"skb_priority(0x5),skb_mark(0x7/0xf),recirc_id(0x3),dp_hash(0x4/0xff),in_port(1),eth(src=00:00:00:00:00:01/ff:ff:ff:00:00:00,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,dst=1.2.3.4,proto=6,tos=0x10,ttl=64,frag=first),tcp(src=80,dst=1024/0xfc00),tcp_flags(syn|ack)",
	"recirc_id(0),in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x86dd),ipv6(src=fe80::1/ffff::,dst=::1,label=0x12345,proto=58,tclass=0x3,hlimit=255,frag=no),icmpv6(type=135,code=0),nd(target=fe80::99,sll=00:11:22:33:44:55,tll=00:00:00:00:00:00)",
	"recirc_id(0),in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0806),arp(sip=1.1.1.1,tip=2.2.2.2,op=1,sha=00:11:22:33:44:55,tha=00:00:00:00:00:00)",
	"recirc_id(0),in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x8847),mpls(label=100,tc=3,ttl=64,bos=1)",
	"recirc_id(0),in_port(1),eth(src=00:00:00:00:00:03,dst=00:00:00:00:00:02),eth_type(0x8100),vlan(vid=10,pcp=0),encap(eth_type(0x0800),ipv4(proto=17,frag=no),udp(src=53))",
	"recirc_id(0),in_port(1),eth(src=00:00:00:00:00:06,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(proto=6,frag=no),tcp_flags(+syn-ack)",
	"recirc_id(0),in_port(1),eth(src=00:00:00:00:00:07,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=1),tcp_flags(0)",
	"recirc_id(0),in_port(1),eth(src=00:00:00:00:00:08,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=1),tcp_flags(-fin-syn)",
	"recirc_id(0),in_port(1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:16,dst=50:54:00:00:00:02),eth_type(0x88a8),vlan(vid=100),encap(eth_type(0x8100))",
	"recirc_id(0),in_port(1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:12,dst=50:54:00:00:00:02),eth_type(0/0xffff)",
	"recirc_id(0),in_port(1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:03,dst=50:54:00:00:00:04),eth_type(0x8100),vlan(vid=10,pcp=3/0x0),encap(eth_type(0x0800),ipv4(frag=no))",
}

var odpVerboseSamples = []string{
	"skb_priority(0/0),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),recirc_id(0),dp_hash(0/0),in_port(p1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1/0.0.0.0,dst=10.0.0.2/0.0.0.0,proto=1/0,tos=0/0,ttl=64/0,frag=no),icmp(type=8/0,code=0/0)",
	"skb_priority(0/0),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),recirc_id(0),dp_hash(0/0),in_port(p1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:03,dst=50:54:00:00:00:04),eth_type(0x8100),vlan(vid=10,pcp=3/0x0),encap(eth_type(0x0800),ipv4(src=1.1.1.1/0.0.0.0,dst=2.2.2.2/0.0.0.0,proto=6/0,tos=0/0,ttl=64/0,frag=no),tcp(src=1/0,dst=2/0),tcp_flags(0/0))",
	"skb_priority(0/0),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),recirc_id(0),dp_hash(0/0),in_port(p1),packet_type(ns=0/0,id=0/0),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x86dd),ipv6(src=fe80::1/ffff::,dst=::1,label=0x12345,proto=58,tclass=0x3,hlimit=255,frag=no),icmpv6(type=135,code=0),nd(target=fe80::99,sll=00:11:22:33:44:55,tll=00:00:00:00:00:00)",
	"skb_priority(0/0),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),recirc_id(0),dp_hash(0/0),in_port(p1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:17,dst=50:54:00:00:00:02),eth_type(0x8847),mpls(label=20/0x0,tc=0/0,ttl=0/0x0,bos=0/0,label=36/0x0,tc=0/0,ttl=0/0x0,bos=0/0,label=52/0x0,tc=0/0,ttl=0/0x0,bos=1/0)",
	"skb_priority(0/0),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),recirc_id(0),dp_hash(0/0),in_port(p1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:12,dst=50:54:00:00:00:02),eth_type(0/0xffff)",
	"skb_priority(0/0),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),recirc_id(0),dp_hash(0/0),in_port(p1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:04,dst=50:54:00:00:00:02),eth_type(0x0806),arp(sip=0.0.0.0/0.0.0.0,tip=0.0.0.0/0.0.0.0,op=0/0,sha=00:00:00:00:00:00/00:00:00:00:00:00,tha=00:00:00:00:00:00/00:00:00:00:00:00)",
	"skb_priority(0/0),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),recirc_id(0),dp_hash(0/0),in_port(p1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:02,dst=50:54:00:00:00:02),eth_type(0x86dd),ipv6(src=fe80::1/::,dst=ff02::1:ff00:99/::,label=0/0,proto=58/0,tclass=0/0,hlimit=255/0,frag=no),icmpv6(type=136/0,code=0/0),nd(target=fe80::99/::,sll=00:00:00:00:00:00/00:00:00:00:00:00,tll=0a:0b:0c:0d:0e:0f/00:00:00:00:00:00)",
}

func TestODPRoundTrip(t *testing.T) {
	for _, s := range odpSamples {
		odpRoundTrip(t, s, false, false, 0)
	}
	for _, s := range odpVerboseSamples {
		odpRoundTrip(t, s, true, true, 0)
	}
}

func TestODPErrors(t *testing.T) {
	for _, s := range []string{
		"mpls(lse0=0x64000,lse1=0x65140)",
		"in_port(1),eth(src=zz:00:00:00:00:01)",
		"ipv4(frag=no/0x2)",
		"in_port(1",
		"bogus(1)",
		"ct_state(0x21)",
		"eth(src=00:00:00:00:00:01,src=00:00:00:00:00:02)",
		"vlan(vid=10)",
	} {
		if _, _, err := ParseODP(s, nil); err == nil || !strings.HasPrefix(err.Error(), "syntax error at ") {
			t.Errorf("ParseODP(%q) = %v, want a syntax error", s, err)
		}
	}
	_, _, err := ParseODP("in_port(1),mpls(lse0=0x64000,lse1=0x65140)", nil)
	if err == nil || err.Error() != "syntax error at mpls(lse0=0x64000,lse1=0x65140)" {
		t.Errorf("error %v", err)
	}
}

// TestODPFromExtract formats keys extracted from the corpus with a full
// mask and parses them back.
func TestODPFromExtract(t *testing.T) {
	for _, c := range extractCorpus() {
		var k Key
		k.InPort = 3
		Extract(c.frame, &k)
		var m Key
		for i := range m.Words() {
			m.Words()[i] = ^uint64(0)
		}
		m.NwFrag = FragAny | FragLater
		m.IPv6Label = 0xfffff
		m.TCPFlags = 0x0fff
		for _, verbose := range []bool{false, true} {
			s := string(AppendODP(nil, &k, &m, FormatOptions{Verbose: verbose}))
			k2, m2, err := ParseODP(s, nil)
			if err != nil {
				t.Errorf("%s: ParseODP(%q): %v", c.name, s, err)
				continue
			}
			s2 := string(AppendODP(nil, &k2, &m2, FormatOptions{Verbose: verbose}))
			if s2 != s {
				t.Errorf("%s: reformat\n got %s\nwant %s", c.name, s2, s)
			}
		}
	}
}

func FuzzParseODP(f *testing.F) {
	for _, s := range odpSamples {
		f.Add(s)
	}
	for _, s := range odpVerboseSamples {
		f.Add(strings.ReplaceAll(s, "in_port(p1)", "in_port(1)"))
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, m, err := ParseODP(s, nil)
		if err != nil {
			return
		}
		for _, v := range []bool{false, true} {
			out := AppendODP(nil, &k, &m, FormatOptions{Verbose: v})
			if _, _, err := ParseODP(string(out), nil); err != nil {
				t.Fatalf("%q -> %q does not parse: %v", s, out, err)
			}
		}
	})
}

// TestODPVersusOVS runs the real vswitchd with the dummy datapath, injects
// the frame corpus, and checks that every line of its dump-flows (plain and
// -m) parses and prints back byte for byte.
func TestODPVersusOVS(t *testing.T) {
	bins := []string{"ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl"}
	for _, b := range bins {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed (CI=true)", b)
			}
			t.Skipf("%s not installed", b)
		}
	}
	schema := "/usr/share/openvswitch/vswitch.ovsschema"
	if _, err := os.Stat(schema); err != nil {
		t.Skip("vswitch schema not installed")
	}
	dir, err := os.MkdirTemp("/tmp", "flowodp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	env := append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_LOGDIR="+dir, "OVS_DBDIR="+dir, "OVS_SYSCONFDIR="+dir)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	db := filepath.Join(dir, "conf.db")
	sock := filepath.Join(dir, "db.sock")
	run("ovsdb-tool", "create", db, schema)
	run("ovsdb-server", db, "--remote=punix:"+sock, "--pidfile", "--detach", "--log-file")
	t.Cleanup(func() {
		cmd := exec.Command("ovs-appctl", "-t", filepath.Join(dir, "ovsdb-server."+pidOf(dir, "ovsdb-server")+".ctl"), "exit")
		cmd.Env = env
		cmd.Run()
	})
	run("ovs-vswitchd", "--enable-dummy=override", "unix:"+sock, "--pidfile", "--detach", "--log-file")
	t.Cleanup(func() {
		cmd := exec.Command("ovs-appctl", "-t", filepath.Join(dir, "ovs-vswitchd."+pidOf(dir, "ovs-vswitchd")+".ctl"), "exit")
		cmd.Env = env
		cmd.Run()
	})
	run("ovs-vsctl", "--db=unix:"+sock, "add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=dummy",
		"--", "add-port", "br0", "p1", "--", "set", "interface", "p1", "type=dummy", "ofport_request=1",
		"--", "add-port", "br0", "p2", "--", "set", "interface", "p2", "type=dummy", "ofport_request=2")
	vs := pidOf(dir, "ovs-vswitchd")
	ctl := filepath.Join(dir, "ovs-vswitchd."+vs+".ctl")
	appctl := func(args ...string) string {
		return run(append([]string{"ovs-appctl", "-t", ctl}, args...)...)
	}
	// Rules that make the megaflows match on many different fields.
	rules := []string{
		"priority=10,tcp,tp_dst=80,actions=output:2",
		"priority=10,udp,nw_src=10.0.0.0/8,actions=output:2",
		"priority=10,tcp6,tcp_flags=+syn,actions=output:2",
		"priority=10,icmp6,icmp_type=135,nd_target=fe80::99,actions=output:2",
		"priority=10,arp,arp_op=1,actions=output:2",
		"priority=10,dl_vlan=10,actions=output:2",
		"priority=10,mpls,mpls_label=20,actions=output:2",
		"priority=10,ip,nw_ttl=3,actions=output:2",
		"priority=5,actions=NORMAL",
	}
	for _, r := range rules {
		run("ovs-ofctl", "add-flow", "br0", r)
	}
	n := 0
	for _, c := range extractCorpus() {
		if len(c.frame) < 14 {
			continue
		}
		// Distinct source MACs keep the megaflows apart.
		f := append([]byte(nil), c.frame...)
		f[11] = byte(n)
		f[10] = byte(n >> 8)
		n++
		cmd := exec.Command("ovs-appctl", "-t", ctl, "netdev-dummy/receive", "p1", hexOf(f))
		cmd.Env = env
		cmd.Run()
	}
	deadline := time.Now().Add(5 * time.Second)
	var plain string
	for {
		plain = appctl("dpctl/dump-flows")
		if strings.Count(plain, "\n") > 30 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	verbose := appctl("dpctl/dump-flows", "-m")
	check := func(out string, v bool) int {
		count := 0
		for _, line := range strings.Split(out, "\n") {
			if !strings.HasPrefix(line, "recirc_id") && !strings.HasPrefix(line, "ufid:") && !strings.HasPrefix(line, "skb_") {
				continue
			}
			if strings.HasPrefix(line, "ufid:") {
				line = line[strings.Index(line, ", ")+2:]
			}
			i := strings.Index(line, ", packets:")
			if i < 0 {
				continue
			}
			odpRoundTrip(t, line[:i], v, v, 1)
			count++
		}
		return count
	}
	if c := check(plain, false); c < 20 {
		t.Errorf("only %d flows in dump-flows:\n%s", c, plain)
	}
	check(verbose, true)
}

func pidOf(dir, name string) string {
	b, _ := os.ReadFile(filepath.Join(dir, name+".pid"))
	return strings.TrimSpace(string(b))
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
