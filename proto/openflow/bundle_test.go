package openflow

import (
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBundleWireMatchesOVS(t *testing.T) {
	// What "ovs-ofctl --bundle add-flow br0 actions=drop" sent.
	flowMod := func(v Version) []byte {
		fm, err := ParseFlow("actions=drop", FlowAdd, nil)
		if err != nil {
			t.Fatal(err)
		}
		return mustEncode(t, fm, v, 6)
	}
	for _, tc := range []struct {
		m   Message
		v   Version
		xid uint32
		hex string
	}{
		{&BundleControl{CtrlType: BundleOpenRequest, Flags: BundleAtomic | BundleOrdered}, V13, 7,
			"04040018000000074f4e4600000008fc0000000000000003"},
		{&BundleControl{CtrlType: BundleCommitRequest, Flags: BundleAtomic | BundleOrdered}, V14, 9,
			"05210010000000090000000000040003"},
		{&BundleAdd{Flags: BundleAtomic | BundleOrdered, Msg: flowMod(V13)}, V13, 6,
			"04040050000000064f4e4600000008fd0000000000000003040e003800000006000000000000000000000000000000000000000000008000ffffffffffffffffffffffff000000000001000400000000"},
		{&BundleAdd{Flags: BundleAtomic | BundleOrdered, Msg: flowMod(V15)}, V15, 6,
			"06220048000000060000000000000003060e003800000006000000000000000000000000000000000000000000008000ffffffffffffffffffffffff000000000001000400000000"},
	} {
		b := mustEncode(t, tc.m, tc.v, tc.xid)
		if got := hex.EncodeToString(b); got != tc.hex {
			t.Errorf("%T %v:\n got %s\nwant %s", tc.m, tc.v, got, tc.hex)
		}
		m, _, err := Decode(b)
		if err != nil {
			t.Fatalf("decode %s: %v", tc.hex, err)
		}
		if d := cmp.Diff(tc.m, m); d != "" {
			t.Errorf("round trip (-want +got):\n%s", d)
		}
	}
}

func TestBundleAddChecks(t *testing.T) {
	for _, tc := range []struct {
		hex string
		err ErrorCode
	}{
		{"05220018000000060000000000000003050e001000000006", OFPBFC_MSG_BAD_LEN},
		{"05220018000000060000000100000001050e000800000006", OFPBFC_MSG_UNSUP},
		{"05220018000000060000000100000001050200080000000a", OFPBFC_MSG_BAD_XID},
		{"052200180000000600000001000000010102000800000006", OFPBFC_BAD_VERSION},
		{"052200180000000600000001000000010514000800000006", OFPBFC_MSG_UNSUP},
		{"05220010000000060000000100000001", OFPBFC_MSG_BAD_LEN},
		{"0521000c0000000700000001", OFPBRC_BAD_LEN},
	} {
		b, _ := hex.DecodeString(tc.hex)
		if _, _, err := Decode(b); err != tc.err {
			t.Errorf("%s: %v, want %v", tc.hex, err, tc.err)
		}
	}
	if _, err := Encode(&BundleAdd{Msg: []byte{5, 2, 0}}, uint8(V14), 1); err != OFPBFC_MSG_BAD_LEN {
		t.Errorf("short inner message: %v", err)
	}
	if _, err := Encode(&BundleControl{}, uint8(V12), 1); err == nil {
		t.Error("bundle control encoded in 1.2")
	}
}
