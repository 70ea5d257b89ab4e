package vswitchd

import (
	"bytes"
	"strings"
	"testing"
)

func TestOptions(t *testing.T) {
	t.Setenv("OVS_RUNDIR", "/tmp/rundir")
	for _, c := range []struct {
		args           []string
		status         int
		done           bool
		stdout, stderr string
		remote         string
	}{
		{args: nil, remote: "unix:/tmp/rundir/db.sock"},
		{args: []string{"tcp:127.0.0.1:6640", "--mlockall", "--enable-dummy=override"}, remote: "tcp:127.0.0.1:6640"},
		{args: []string{"--version"}, done: true, stdout: "ovs-vswitchd (GoVS) 0.1.0\n"},
		{args: []string{"a", "b"}, status: 1, done: true, stderr: "ovs-vswitchd: at most one non-option argument accepted; use --help for usage\n"},
		{args: []string{"--bogus"}, status: 1, done: true, stderr: "ovs-vswitchd: unrecognized option '--bogus'\n"},
		{args: []string{"--help"}, done: true, stdout: "ovs-vswitchd: Open vSwitch daemon\n"},
		{args: []string{"--p"}, status: 1, done: true, stderr: "ovs-vswitchd: option '--p' is ambiguous; possibilities: '--pidfile' '--private-key' '--peer-ca-cert'\n"},
	} {
		var out, errb bytes.Buffer
		o, status, done := parseOptions(c.args, &out, &errb)
		if status != c.status || done != c.done || !strings.HasPrefix(out.String(), c.stdout) || errb.String() != c.stderr {
			t.Errorf("%v: status %d done %v stdout %q stderr %q", c.args, status, done, out.String(), errb.String())
			continue
		}
		if !done && o.remote != c.remote {
			t.Errorf("%v: remote %q, want %q", c.args, o.remote, c.remote)
		}
	}
}
