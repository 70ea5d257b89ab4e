package ofproto

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

func ofctl(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ovs-ofctl is not installed")
		}
		t.Skip("ovs-ofctl is not installed")
	}
	return p
}

// The real ovs-ofctl talks to the management socket: version
// negotiation, echo (probe), features and config (show).
func TestMgmtSocketWithRealOfctl(t *testing.T) {
	tool := ofctl(t)
	o := New("br0", nil)
	o.SetIdentity(Identity{DatapathID: 0x0000aabbccddeeff, Ports: func() []openflow.Port {
		return []openflow.Port{
			{PortNo: 1, HWAddr: [6]byte{2, 0, 0, 0, 0, 1}, Name: "p1"},
			{PortNo: openflow.PortLocal, HWAddr: [6]byte{2, 0, 0, 0, 0, 0xfe}, Name: "br0", Config: 1, State: 1},
		}
	}})
	path := filepath.Join(t.TempDir(), "br0.mgmt")
	if err := o.ListenMgmt(path); err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tool, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ovs-ofctl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := run("probe", "unix:"+path); out != "" {
		t.Fatalf("probe printed %q", out)
	}
	show := run("-O", "OpenFlow10", "show", "unix:"+path)
	for _, want := range []string{
		"OFPT_FEATURES_REPLY (xid=0x2): dpid:0000aabbccddeeff",
		"n_tables:254, n_buffers:0",
		"capabilities: FLOW_STATS TABLE_STATS PORT_STATS QUEUE_STATS ARP_MATCH_IP\n",
		" 1(p1): addr:02:00:00:00:00:01",
		" LOCAL(br0): addr:02:00:00:00:00:fe",
		"OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal miss_send_len=0",
	} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	// A version the switch was not asked to speak is still negotiated.
	run("-O", "OpenFlow13", "probe", "unix:"+path)
}
