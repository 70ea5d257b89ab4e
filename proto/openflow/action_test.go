package openflow

import (
	"encoding/hex"
	"os/exec"
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

// TestActionsOracle compares parse-flow's printed actions for OpenFlow
// 1.0 and 1.3 with ours, for every line of testdata/actions.txt that the
// real tool accepts or rejects while parsing.
func TestActionsOracle(t *testing.T) {
	ofctl := ovsOfctl(t)
	// Not yet encoded: instructions, clone, controller2, group in 1.0,
	// set_field with an NXM-only field.
	unsupported := []string{"userdata", "goto_table", "write_", "clear_actions", "group", "meter", "clone", "set_field:1->reg0"}
lines:
	for _, line := range readLines(t, "testdata/actions.txt") {
		for _, u := range unsupported {
			if strings.Contains(line, u) {
				continue lines
			}
		}
		for _, v := range []Version{V10, V13} {
			out, _ := exec.Command(ofctl, "-O", v.String(), "parse-flow", "actions="+line).CombinedOutput()
			last := strings.TrimRight(string(out), "\n")
			last = last[strings.LastIndex(last, "\n")+1:]
			got, err := roundTrip(line, v)
			if i := strings.Index(last, "actions="); i >= 0 {
				if want := last[i+8:]; err != nil || got != want {
					t.Errorf("%s (%v): got %q, %v; want %q", line, v, got, err, want)
				}
				continue
			}
			if msg, ok := strings.CutPrefix(last, "ovs-ofctl: "); ok && !strings.Contains(msg, "(OFP") && !strings.Contains(msg, "usable protocol") {
				if _, perr := ParseActions(line, nil); perr == nil || perr.Error() != msg {
					t.Errorf("%s (%v): got error %v, want %q", line, v, perr, msg)
				}
			}
		}
	}
}

func FuzzParseActions(f *testing.F) {
	for _, s := range []string{"output:1", "load:1->reg0[0..3]", "clone(output:1,resubmit(,2))", "controller(reason=no_match,id=3)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		acts, err := ParseActions(s, nil)
		if err != nil {
			return
		}
		_ = ActionsString(acts)
		for _, v := range []Version{V10, V13} {
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
	f.Fuzz(func(t *testing.T, b []byte, v uint8) {
		ver := Version(v%6 + 1)
		acts, err := DecodeActions(b, ver)
		if err != nil {
			return
		}
		if _, err := AppendActionsWire(nil, acts, ver); err != nil {
			t.Fatalf("%x: decoded %s but re-encode failed: %v", b, ActionsString(acts), err)
		}
	})
}
