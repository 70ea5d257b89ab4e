package openflow

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"testing"
)

func msgSeeds(f *testing.F) {
	for _, s := range []string{
		"0100000800000001", "0600001000000001000100080000005e", "0101000c0000000100010005",
		"0101001c00000001b0c2000000002320000101000100000800000001",
		"0401001800000001ffff000200002320040000080000000104010018",
		"0409000c0000000100030080", "04180018000000010000000200000000000000000000000c",
		"0104001800000001000023200000000f0100000000000000", "0102000c0000000141424344",
		"010c0040000000010100000000000000000101020304050670330000000000000000000000000000000000200000000100000000000000400000000000000000",
		"050c0058000000010200000000000000000000010048000000112233445500006574683000000000000000000000000000000001000000040000002000000000000000000000000000000000000000000000271000001000",
		"010f002000000001000100112233445566000000010000000100000000000000",
		"041b002000000001000000010000000200000003000000040000000500000006",
		"061b0010000000010000000800000001", "05110018000000010100000000000000000200080000000e",
		"0106002000000001000000000000000100000100020000000000008700000fff",
	} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
}

func FuzzReadMessage(f *testing.F) {
	msgSeeds(f)
	f.Add([]byte{1, 0, 0, 0})
	f.Add([]byte{1, 0, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		var buf []byte
		for {
			m, err := ReadMessage(r, buf)
			if err != nil {
				return
			}
			if len(m) < HeaderLen || int(m[2])<<8|int(m[3]) != len(m) {
				t.Fatalf("bad frame %x", m)
			}
			buf = m
		}
	})
}

func FuzzDecodeMessage(f *testing.F) {
	msgSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Print(b)
		m, h, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Encode(m, h.Version, h.Xid)
		if err != nil {
			return // e.g. NXT_SET_FLOW_FORMAT of unknown format
		}
		m2, _, err := Decode(again)
		if err != nil {
			t.Fatalf("re-decode of %x: %v", again, err)
		}
		if !reflect.DeepEqual(m, m2) {
			if hm, ok := m.(*Hello); !ok || hm.Versions != m2.(*Hello).Versions {
				t.Fatalf("round trip %#v != %#v", m, m2)
			}
		}
	})
}
