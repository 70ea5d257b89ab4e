package shell

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govs/ovs/commands/vsctl"
)

func testVocabulary() *vocabulary {
	return &vocabulary{
		tools: func() []string { return []string{"ovs-appctl", "appctl", "ovs-vsctl", "vsctl", "ovs-ofctl", "ofctl"} },
		vsctlCommands: func() []string {
			return []string{"add-bond", "add-bond-iface", "add-br", "add-port", "del-br", "list-br", "list-ports", "show"}
		},
		vsctlOptions: vsctl.GlobalOptionNames,
		tables:       vsctl.TableNames,
		columns:      vsctl.ColumnNames,
		bridges:      func() []string { return []string{"br0", "br-int", "my br"} },
		ports:        func() []string { return []string{"br0", "eth0", "bond0"} },
		ifaces:       func() []string { return []string{"br0", "eth0", "eth1"} },
	}
}

func TestComplete(t *testing.T) {
	v := testVocabulary()
	tests := []struct {
		line string
		head string
		want []string
	}{
		{"", "", []string{"appctl ", "exit ", "help ", "ofctl ", "ovs-appctl ", "ovs-ofctl ", "ovs-vsctl ", "quit ", "vsctl "}},
		{"vs", "", []string{"vsctl "}},
		{"ovs-v", "", []string{"ovs-vsctl "}},
		{"vsctl add-b", "vsctl ", []string{"add-bond ", "add-bond-iface ", "add-br "}},
		{"vsctl --no-w", "vsctl ", []string{"--no-wait"}},
		{"vsctl --d", "vsctl ", []string{"--data=", "--db=", "--dry-run"}},
		{"vsctl --may", "vsctl ", []string{"--may-exist"}},
		{"vsctl --db unix:/x list-p", "vsctl --db unix:/x ", []string{"list-ports "}},
		{"vsctl list-ports br", "vsctl list-ports ", []string{"br-int ", "br0 "}},
		{"vsctl list-ports ", "vsctl list-ports ", []string{"'my br' ", "br-int ", "br0 "}},
		{"vsctl list-ports br0 ", "vsctl list-ports br0 ", nil},
		{"vsctl add-br br9 -- del-br b", "vsctl add-br br9 -- del-br ", []string{"br-int ", "br0 "}},
		{"vsctl add-port br0 eth9 tag", "vsctl add-port br0 eth9 ", []string{"tag"}},
		{"vsctl del-port e", "vsctl del-port ", []string{"eth0 "}},
		{"vsctl del-port br0 e", "vsctl del-port br0 ", []string{"eth0 "}},
		{"vsctl iface-to-br eth", "vsctl iface-to-br ", []string{"eth0 ", "eth1 "}},
		{"vsctl set-fail-mode br0 s", "vsctl set-fail-mode br0 ", []string{"secure ", "standalone "}},
		{"vsctl list Br", "vsctl list ", []string{"Bridge "}},
		{"vsctl list br", "vsctl list ", []string{"bridge "}},
		{"vsctl list bridge b", "vsctl list bridge ", []string{"br-int ", "br0 "}},
		{"vsctl get open .", "vsctl get open ", []string{". "}},
		{"vsctl set Bridge br0 fail", "vsctl set Bridge br0 ", []string{"fail_mode"}},
		{"vsctl get interface eth0 ofp", "vsctl get interface eth0 ", []string{"ofport ", "ofport_request "}},
		{"vsctl find port na", "vsctl find port ", []string{"name"}},
		{`vsctl list-ports "my`, "vsctl list-ports ", []string{"'my br' "}},
		{"ofctl dump-flows b", "ofctl dump-flows ", []string{"br-int ", "br0 "}},
		{"appctl vlog/li", "appctl ", nil},
		{"vsctl # comment", "vsctl # comment", nil},
	}
	for _, tt := range tests {
		head, got, tail := v.complete(tt.line, len(tt.line))
		if head != tt.head || tail != "" {
			t.Errorf("complete(%q): head %q tail %q, want head %q", tt.line, head, tail, tt.head)
		}
		if len(got) == 0 {
			got = nil
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("complete(%q) (-want +got):\n%s", tt.line, diff)
		}
	}
}

func TestCompleteMidLine(t *testing.T) {
	v := testVocabulary()
	line := "vsctl list-ports b -- show"
	pos := strings.Index(line, " --")
	head, got, tail := v.complete(line, pos)
	if head != "vsctl list-ports " || tail != " -- show" {
		t.Errorf("head %q tail %q", head, tail)
	}
	if diff := cmp.Diff([]string{"br-int ", "br0 "}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
