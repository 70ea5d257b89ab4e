package openflow

import (
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// roundTrip is what ovs-ofctl parse-flow prints for the actions: parse,
// encode for v, decode, format.
func roundTrip(s string, v Version) (string, error) {
	acts, err := ParseActions(s, nil)
	if err != nil {
		return "", err
	}
	b, err := AppendActionsWire(nil, acts, v)
	if err != nil {
		return "", err
	}
	got, err := DecodeActions(b, v)
	if err != nil {
		return "", err
	}
	return ActionsString(got), nil
}

func TestActionsRoundTrip(t *testing.T) {
	for _, c := range []struct{ in, want10, want13 string }{
		{"output:2", "output:2", "output:2"},
		{"controller", "CONTROLLER:65535", "CONTROLLER:65535"},
		{"load:3->NXM_NX_REG0[0..3]", "load:0x3->NXM_NX_REG0[0..3]", "load:0x3->NXM_NX_REG0[0..3]"},
		{"mod_vlan_vid:5", "mod_vlan_vid:5", "push_vlan:0x8100,set_field:4101->vlan_vid"},
		{"enqueue:1:2", "enqueue:1:2", "set_queue:2,output:1,pop_queue"},
		{"note:01.02", "note:01.02.00.00.00.00", "note:01.02.00.00.00.00"},
	} {
		for _, x := range []struct {
			v    Version
			want string
		}{{V10, c.want10}, {V13, c.want13}} {
			got, err := roundTrip(c.in, x.v)
			if err != nil || got != x.want {
				t.Errorf("%s (%v): got %q, %v; want %q", c.in, x.v, got, err, x.want)
			}
		}
	}
}

func TestParseActionsErrors(t *testing.T) {
	for in, want := range map[string]string{
		"foo":                     "unknown action foo",
		"output:foo":              "foo: output to unknown port",
		"controller(reason=x)":    `unknown reason "x"`,
		"mod_vlan_vid:5000":       "5000: not a valid VLAN VID",
		"resubmit(1,300)":         "300: resubmit to unknown table",
		"load:3":                  "3: missing `->'",
		"move:reg0[]->reg1[0..3]": "reg0[]->reg1[0..3]: source field is 32 bits wide but destination is 4 bits wide",
		"group:x":                 "invalid numeric format x",
		"note:xyz":                "bad hex digit in `note' argument",
		"set_field:1->foo":        "foo is not a valid OXM field name",
		"load:0x100->reg0[0..7]":  "0x100->reg0[0..7]: value 0x100 does not fit into 8 bits",
		"drop,output:1":           `"drop" must not be accompanied by any other action or instruction`,
	} {
		_, err := ParseActions(in, nil)
		if err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %q", in, err, want)
		}
	}
}

func TestDecodeActionsErrors(t *testing.T) {
	for h, want := range map[string]ErrorCode{
		"0000":                                OFPBAC_BAD_LEN,
		"00000009000000000000000000000000":    OFPBAC_BAD_LEN,
		"00630008 00000000":                   OFPBAC_BAD_TYPE,
		"ffff0010 00001234 00010000 00000000": OFPBAC_BAD_VENDOR,
	} {
		b, _ := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
		_, err := DecodeActions(b, V10)
		if err != want {
			t.Errorf("%s: got %v, want %v", h, err, want)
		}
	}
}

// roundTripInstructions is roundTrip through the instruction codec, which
// is how a flow_mod carries the list in every version.
func roundTripInstructions(line string, v Version) (string, []byte, error) {
	acts, err := parseLine(line)
	if err != nil {
		return "", nil, err
	}
	b, err := AppendInstructions(nil, acts, v)
	if err != nil {
		return "", nil, err
	}
	got, err := DecodeInstructions(b, v)
	if err != nil {
		return "", b, err
	}
	return ActionsString(got), b, nil
}

// parseLine parses a testdata line's actions, checked against its match.
func parseLine(line string) ([]Action, error) {
	match, s := oracleLine(line)
	acts, err := ParseActions(s, nil)
	if err != nil {
		return nil, err
	}
	if match != "" {
		m, err := ParseMatch(strings.TrimSuffix(match, ","), nil)
		if err != nil {
			return nil, err
		}
		// The check records what the encoding needs to know of the
		// match (its error is the oracle's business).
		CheckActionPrereqs(acts, m, false, nil)
	}
	return acts, nil
}

// oracleLine splits a testdata line "[MATCH ]actions=ACTIONS" or
// "ACTIONS" into the match given to ovs-ofctl and the actions.
func oracleLine(line string) (match, acts string) {
	if m, a, ok := strings.Cut(line, " actions="); ok {
		return m + ",", a
	}
	return "", line
}

// oracleActions runs `ovs-ofctl parse-flow` on one flow and returns the
// printed actions (ok) or the error message.
func oracleActions(ofctl string, v Version, flow string) (string, bool) {
	out, _ := exec.Command(ofctl, "-O", v.String(), "parse-flow", flow).CombinedOutput()
	last := strings.TrimRight(string(out), "\n")
	last = last[strings.LastIndex(last, "\n")+1:]
	if i := strings.Index(last, "actions="); i >= 0 {
		return last[i+8:], true
	}
	if !strings.HasPrefix(last, "ovs-ofctl: ") {
		// A hex dump: the flow parsed but did not decode against its
		// match (OFPBAC_MATCH_INCONSISTENT and the like).
		return "(OFP decode error)", false
	}
	return strings.TrimPrefix(last, "ovs-ofctl: "), false
}

type oracleResult struct {
	text string // printed actions, or the error message
	ok   bool
}

// oracleActionsBatch runs `ovs-ofctl parse-flows` on many flows at once
// (a few processes instead of hundreds). parse-flows stops at the first
// bad flow: when it names the line, that flow is answered alone and the
// rest run again; when it does not ("no usable protocol"), the batch is
// split in halves.
func oracleActionsBatch(t *testing.T, ofctl string, v Version, flows []string) []oracleResult {
	res := make([]oracleResult, len(flows))
	path := filepath.Join(t.TempDir(), "flows")
	var solve func(pending []int)
	solve = func(pending []int) {
		for len(pending) > 0 {
			if len(pending) == 1 {
				text, ok := oracleActions(ofctl, v, flows[pending[0]])
				res[pending[0]] = oracleResult{text, ok}
				return
			}
			var text []string
			for _, i := range pending {
				text = append(text, flows[i])
			}
			if err := os.WriteFile(path, []byte(strings.Join(text, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(ofctl, "-O", v.String(), "parse-flows", path).CombinedOutput()
			if err == nil {
				var got []string
				for _, l := range strings.Split(string(out), "\n") {
					if i := strings.Index(l, "actions="); i >= 0 && strings.Contains(l, "FLOW_MOD") {
						got = append(got, l[i+8:])
					}
				}
				if len(got) != len(pending) {
					t.Fatalf("parse-flows: %d flows printed for %d:\n%s", len(got), len(pending), out)
				}
				for k, i := range pending {
					res[i] = oracleResult{got[k], true}
				}
				return
			}
			msg := strings.TrimRight(string(out), "\n")
			msg = msg[strings.LastIndex(msg, "\n")+1:]
			n := 0
			if rest, ok := strings.CutPrefix(msg, "ovs-ofctl: "+path+":"); ok {
				num, _, _ := strings.Cut(rest, ":")
				n, _ = strconv.Atoi(num)
			}
			if n < 1 || n > len(pending) {
				half := len(pending) / 2
				solve(pending[:half:half])
				solve(pending[half:])
				return
			}
			i := pending[n-1]
			text0, ok0 := oracleActions(ofctl, v, flows[i])
			res[i] = oracleResult{text0, ok0}
			pending = append(pending[:n-1:n-1], pending[n:]...)
		}
	}
	all := make([]int, len(flows))
	for i := range all {
		all[i] = i
	}
	solve(all)
	return res
}

func hasInstruction(acts []Action) bool {
	for _, a := range acts {
		if r, _ := instRank(a); r != 1 {
			return true
		}
	}
	return false
}

// TestActionsOracle compares, for every line of testdata/actions.txt and
// OpenFlow 1.0, 1.3 and 1.5, what `ovs-ofctl parse-flow` prints (the
// actions or the error) with our parse, encode, decode and print. Then it
// feeds our encoding to `ovs-ofctl parse-actions` (or, for a list with
// instructions, `parse-instructions`), which decodes it, prints it and
// re-encodes it: the text must be ours and the re-encoding must not
// differ from our bytes, so our encoder makes OVS's choices byte for byte.
func TestActionsOracle(t *testing.T) {
	ofctl := ovsOfctl(t)
	lines := readLines(t, "testdata/actions.txt")
	for _, v := range []Version{V10, V11, V13, V15} {
		t.Run(v.String(), func(t *testing.T) {
			t.Parallel()
			var good, flows []string
			for _, line := range lines {
				match, acts := oracleLine(line)
				if _, err := ParseActions(acts, nil); err != nil {
					// Parse errors do not depend on the version.
					if v != V10 {
						continue
					}
					want, ok := oracleActions(ofctl, v, match+"actions="+acts)
					if ok || err.Error() != want {
						t.Errorf("%s: got error %v, want %q (ok=%v)", line, err, want, ok)
					}
					continue
				}
				good = append(good, line)
				flows = append(flows, match+"actions="+acts)
			}
			wants := oracleActionsBatch(t, ofctl, v, flows)
			var plain, inst []string
			var plainLine, instLine []string
			for i, line := range good {
				want, ok := wants[i].text, wants[i].ok
				got, wire, err := roundTripInstructions(line, v)
				if !ok {
					if !strings.Contains(want, "(OFP") && !strings.Contains(want, "usable protocol") {
						t.Errorf("%s (%v): OVS fails with %q, we print %q, %v", line, v, want, got, err)
					}
					continue
				}
				if err != nil || got != want {
					t.Errorf("%s (%v): got %q, %v; want %q", line, v, got, err, want)
					continue
				}
				parsed, _ := parseLine(line)
				switch {
				case !hasInstruction(parsed):
					b, _ := AppendActionsWire(nil, parsed, v)
					if len(b) > 0 {
						plain = append(plain, hex.EncodeToString(b))
						plainLine = append(plainLine, line)
					}
				case v != V10 && len(wire) > 0:
					inst = append(inst, hex.EncodeToString(wire))
					instLine = append(instLine, line)
				}
			}
			checkOVSDecode(t, ofctl, "parse-actions", v, plain, plainLine)
			checkOVSDecode(t, ofctl, "parse-instructions", v, inst, instLine)
		})
	}
}

// checkOVSDecode feeds hex action (or instruction) lists to ovs-ofctl's
// parse-actions (parse-instructions) and checks that it prints our text
// and re-encodes our bytes unchanged.
func checkOVSDecode(t *testing.T, ofctl, cmd string, v Version, hexIn, lines []string) {
	t.Helper()
	if len(hexIn) == 0 {
		return
	}
	c := exec.Command(ofctl, cmd, v.String())
	c.Stdin = strings.NewReader(strings.Join(hexIn, "\n") + "\n")
	out, err := c.Output()
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	blocks := strings.Split(strings.TrimRight(string(out), "\n"), "\n\n")
	if len(blocks) != len(hexIn) {
		t.Fatalf("%s: %d answers for %d inputs:\n%s", cmd, len(blocks), len(hexIn), out)
	}
	for i, blk := range blocks {
		want, _, _ := roundTripInstructions(lines[i], v)
		if blk != "actions="+want {
			t.Errorf("%s (%v): OVS decodes our bytes %s as:\n%s\nwant actions=%s", lines[i], v, hexIn[i], blk, want)
		}
	}
}

func FuzzParseActions(f *testing.F) {
	for _, s := range []string{
		"output:1", "load:1->reg0[0..3]", "clone(output:1,resubmit(,2))", "controller(reason=no_match,id=3)",
		"controller(userdata=01.02,pause,meter_id=3)", "set_tunnel64:0x5", "mod_nw_ttl:3", "mod_nw_ecn:1",
		"multipath(symmetric_l4,1024,iter_hash,5000,5000,reg0[0..12])",
		"bundle_load(symmetric_l3l4+udp,5,hrw,ofport,reg0[0..15],members:4,8)",
		"sample(probability=1,sampling_port=LOCAL,egress)", "check_pkt_larger(100)->reg0[0]",
		"learn(table=2,idle_timeout=10,NXM_OF_VLAN_TCI[0..11],eth_type=0x800,load:NXM_OF_IN_PORT[]->reg1[0..15],output:reg2[0..15],limit=3,result_dst=reg3[0])",
		"ct(commit,zone=5,table=3,nat(src=10.0.0.1-10.0.0.5:100-200,random),exec(set_field:1->ct_mark),alg=ftp)",
		"ct(nat(dst=[fe80::1]-[fe80::5]:80,hash))", "ct_clear", "set_field:0x1/0xf->xxreg0",
		"push:reg0[0..7],pop:NXM_OF_ETH_SRC[]", "set_vlan_vid:5,mod_nw_ecn:3", "set_field:0x1/0xf0f->reg0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		acts, err := ParseActions(s, nil)
		if err != nil {
			return
		}
		_ = ActionsString(acts)
		for _, v := range []Version{V10, V11, V13, V15} {
			if b, err := AppendActionsWire(nil, acts, v); err == nil {
				if _, err := DecodeActions(b, v); err != nil {
					t.Fatalf("%q: re-decode %v: %v", s, v, err)
				}
			}
		}
	})
}

func FuzzDecodeActions(f *testing.F) {
	f.Add([]byte{0, 0, 0, 8, 0, 2, 0, 0}, uint8(1))
	f.Add([]byte{0xff, 0xff, 0, 16, 0, 0, 0x23, 0x20, 0, 17, 0, 0, 0, 0, 0, 0}, uint8(4))
	for _, h := range []string{
		// learn, learn2, multipath, bundle_load, sample3, controller2,
		// check_pkt_larger, ct with nat, clone.
		"ffff005800002320 0010000a0014000a 0000000000000123 0003010000050006 000c000008020000 0000080200000030 0000040600000000 0206000008100000 0002000000010004 0000101000000002 0000000000000000",
		"ffff003000002320 002d000000008000 0000000000000000 0004020000000000 0000000a00010000 0001000400000000",
		"ffff002000002320 000a000104000000 0003138700001388 0000000c00010004",
		"ffff002800002320 000d000100030005 000000020002000f 0001000400000000 0004000800000000",
		"ffff002000002320 0029303900005ba0 000087070000b26e ddd5020000000000",
		"ffff004000002320 0025000000000000 0000000800c80000 0001000800030000 0002000500000000 0003000501000000 0004000400000000 0005000800000007",
		"ffff001800002320 0031006400000001 0004000000000000",
		"ffff003800002320 0023000100000000 0000ff0000000000 ffff002000002320 0024000000110033 0a0000010a000005 006400c800000000",
		"ffff002000002320 002a000000000000 0000001000000001 0000000000000000",
	} {
		b, _ := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
		f.Add(b, uint8(0))
		f.Add(b, uint8(4))
	}
	f.Fuzz(func(t *testing.T, b []byte, v uint8) {
		ver := Version(v%6 + 1)
		acts, err := DecodeActions(b, ver)
		if err != nil {
			return
		}
		text := ActionsString(acts)
		enc, err := AppendActionsWire(nil, acts, ver)
		if err != nil {
			t.Fatalf("%x: decoded %s but re-encode failed: %v", b, text, err)
		}
		// Decoding may turn a Nicira form into the standard one
		// (set_mpls_label into set_field in 1.2+), but after one round
		// the encoding must be a fixed point.
		again, err := DecodeActions(enc, ver)
		if err != nil {
			t.Fatalf("%x: decoded %s, re-encoded %x, which fails: %v", b, text, enc, err)
		}
		enc2, err := AppendActionsWire(nil, again, ver)
		if err != nil || string(enc2) != string(enc) {
			t.Fatalf("%x: %s encodes as %x, then %x (%v)", b, text, enc, enc2, err)
		}
	})
}
