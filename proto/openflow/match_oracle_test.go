package openflow

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// ovsOfctl returns the path of the real ovs-ofctl, skipping the test when
// it is absent (failing it under CI, which installs OVS).
func ovsOfctl(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("ovs-ofctl not installed: %v", err)
		}
		t.Skip("ovs-ofctl not installed")
	}
	return p
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// oracleParseFlow runs ovs-ofctl parse-flow and returns the normalised
// match or the error text.
func oracleParseFlow(t *testing.T, ofctl, match string) (string, bool) {
	out, _ := exec.Command(ofctl, "-F", "nxm", "parse-flow", match+",actions=drop").CombinedOutput()
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	last := lines[len(lines)-1]
	if rest, ok := strings.CutPrefix(last, "ovs-ofctl: "); ok {
		return rest, false
	}
	i := strings.Index(last, "ADD ")
	if i < 0 {
		t.Fatalf("%q: unexpected ovs-ofctl output %q", match, out)
	}
	s := strings.TrimSuffix(last[i+4:], "actions=drop")
	return strings.TrimSuffix(s, " "), true
}

func ourParseFlow(match string) (string, bool) {
	m, err := ParseMatch(match, nil)
	if err != nil {
		return err.Error(), false
	}
	m.Normalize()
	return m.String(), true
}

// oracleParseFlows runs ovs-ofctl parse-flows once over all matches and
// returns the normalised matches, or nil if it rejected any of them.
func oracleParseFlows(t *testing.T, ofctl string, matches []string) []string {
	path := t.TempDir() + "/flows"
	var sb strings.Builder
	for _, m := range matches {
		sb.WriteString(m + ",actions=drop\n")
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ofctl, "-F", "nxm", "parse-flows", path).Output()
	if err != nil {
		return nil
	}
	var res []string
	for _, l := range strings.Split(string(out), "\n") {
		if i := strings.Index(l, "ADD "); i >= 0 {
			res = append(res, strings.TrimSuffix(strings.TrimSuffix(l[i+4:], "actions=drop"), " "))
		}
	}
	if len(res) != len(matches) {
		return nil
	}
	return res
}

func TestParseMatchAgainstOVS(t *testing.T) {
	ofctl := ovsOfctl(t)
	var good []string
	var bad []string
	for _, in := range readLines(t, "testdata/matches.txt") {
		if _, ok := ourParseFlow(in); ok {
			good = append(good, in)
		} else {
			bad = append(bad, in)
		}
	}
	batch := oracleParseFlows(t, ofctl, good)
	for i, in := range good {
		var want string
		wantOK := true
		if batch != nil {
			want = batch[i]
		} else {
			want, wantOK = oracleParseFlow(t, ofctl, in)
		}
		got, gotOK := ourParseFlow(in)
		if got != want || gotOK != wantOK {
			t.Errorf("%q:\n got %v %q\nwant %v %q", in, gotOK, got, wantOK, want)
		}
	}
	for _, in := range bad {
		want, wantOK := oracleParseFlow(t, ofctl, in)
		got, gotOK := ourParseFlow(in)
		if got != want || gotOK != wantOK {
			t.Errorf("%q:\n got %v %q\nwant %v %q", in, gotOK, got, wantOK, want)
		}
	}
}
