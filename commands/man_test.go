package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestManPages(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	root := newRoot()
	root.InitDefaultCompletionCmd() // as Execute does
	if err := genManTree(root, dir, "GoVS test"); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	vsctl := read("ovs-ovs-vsctl.1")
	want := ".nh\n.TH \"OVS\" \"1\" \"Nov 2023\" \"GoVS test\" \"\"\n\n" +
		".SH NAME\novs-ovs-vsctl - Configure Open vSwitch through its database\n\n\n" +
		".SH SYNOPSIS\n\\fBovs ovs-vsctl [ARG...] [flags]\\fP\n\n\n" +
		".SH DESCRIPTION\nConfigure Open vSwitch through its database.\n\n.PP\n" +
		"ovs-vsctl parses its own options, exactly as OVS's ovs-vsctl does; \"ovs-vsctl --help\" lists them.\n\n\n" +
		".SH OPTIONS\n\\fB-h\\fP, \\fB--help\\fP[=false]\n\thelp for ovs-vsctl\n\n\n" +
		".SH SEE ALSO\n\\fBovs(1)\\fP\n"
	if vsctl != want {
		t.Errorf("ovs-ovs-vsctl.1:\n%s\nwant:\n%s", vsctl, want)
	}
	bash := read("ovs-completion-bash.1")
	for _, s := range []string{
		"session:\n\n.EX\nsource <(ovs completion bash)\n.EE\n",
		"once:\n\n.SS Linux:\n.EX\n",
		".SH OPTIONS\n\\fB-h\\fP, \\fB--help\\fP[=false]\n\thelp for bash\n\n.PP\n\\fB--no-descriptions\\fP[=false]\n",
		".SH SEE ALSO\n\\fBovs-completion(1)\\fP\n",
	} {
		if !strings.Contains(bash, s) {
			t.Errorf("ovs-completion-bash.1 lacks %q:\n%s", s, bash)
		}
	}
	if root := read("ovs.1"); !strings.Contains(root, `\fBovs-ovs-vsctl(1)\fP`) {
		t.Errorf("ovs.1 does not refer to ovs-ovs-vsctl(1):\n%s", root)
	}
}
