package oneshot

import "testing"

// Is recognises ovs-vsctl however commands.Main would dispatch to it, and
// nothing else.
func TestIs(t *testing.T) {
	for _, c := range []struct {
		argv []string
		want bool
	}{
		{[]string{"ovs-vsctl", "add-port", "br0", "p1"}, true},
		{[]string{"/usr/local/bin/ovs-vsctl", "--version"}, true},
		{[]string{"vsctl", "show"}, true},
		{[]string{"/usr/bin/ovs", "vsctl", "show"}, true},
		{[]string{"ovs", "ovs-vsctl"}, true},
		{[]string{"ovs"}, false},
		{[]string{"ovs", "ofctl", "show", "br0"}, false},
		{[]string{"ovs-vswitchd", "--pidfile"}, false},
		{[]string{"/opt/ovs-vsctl/ovs-ofctl"}, false},
		{[]string{"vsctl.test", "-test.run", "x"}, false},
		{nil, false},
	} {
		if got := Is(c.argv); got != c.want {
			t.Errorf("Is(%q) = %v, want %v", c.argv, got, c.want)
		}
	}
}
