package openflow

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestQueueGetConfigRoundTrip(t *testing.T) {
	qs := []QueueDesc{
		{PortNo: 1, QueueID: 0, MinRate: QueueRateUnset, MaxRate: QueueRateUnset},
		{PortNo: 1, QueueID: 7, MinRate: 500, MaxRate: QueueRateUnset},
	}
	for _, v := range []Version{V10, V11, V12, V13} {
		for _, m := range []Message{&QueueGetConfigRequest{PortNo: 3}, &QueueGetConfigReply{PortNo: 1, Queues: qs}} {
			b, err := Encode(m, uint8(v), 9)
			if err != nil {
				t.Fatalf("%T v%d: %v", m, v, err)
			}
			got, _, err := Decode(b)
			if err != nil {
				t.Fatalf("%T v%d decode: %v (%x)", m, v, err, b)
			}
			again, err := Encode(got, uint8(v), 9)
			if err != nil || !bytes.Equal(again, b) {
				t.Errorf("%T v%d: re-encode %x, want %x (%v)", m, v, again, b, err)
			}
		}
	}
	if _, err := Encode(&QueueGetConfigRequest{}, uint8(V14), 1); err == nil {
		t.Error("queue_get_config encoded in 1.4, which replaced it with OFPMP_QUEUE_DESC")
	}
}

func TestQueueGetConfigText(t *testing.T) {
	for _, c := range []struct{ hex, want string }{
		{"0115002800000001000100000000000000000007001800000001001000000000" + "01f4000000000000",
			"OFPT_QUEUE_GET_CONFIG_REPLY (xid=0x1): port=1\nqueue 7: min_rate:50.0%\n"},
		{"01150010000000010001000000000000", "OFPT_QUEUE_GET_CONFIG_REPLY (xid=0x1):\n"},
		{"041600100000000100000000000000000"[:32], "OFPT_QUEUE_GET_CONFIG_REQUEST (OF1.3) (xid=0x1): port=0\n"},
		{"0114000c00000001ffff0000", "OFPT_QUEUE_GET_CONFIG_REQUEST (xid=0x1): ***decode error: OFPQOFC_BAD_PORT***\n"},
	} {
		b, _ := hex.DecodeString(c.hex)
		if got := Print(b); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.hex, got, c.want)
		}
	}
}

func FuzzDecodeQueueConfig(f *testing.F) {
	for _, h := range []string{
		"0115002800000001000100000000000000000007001800000001001000000000" + "01f4000000000000",
		"031700400000000100000001000000000000000700000001003000000000000000010010000000000064000000000000" + "00020010000000000ffff000000000000"[:32],
		"0114000c0000000100010000", "04160010000000010000000100000000",
		"0513001000000001000f000000000000",
	} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < HeaderLen {
			return
		}
		// Force a queue-config type and a consistent length so the
		// fuzzer spends its time in the bodies.
		b = append([]byte(nil), b...)
		if b[0] == uint8(V10) {
			b[1] = 20 + b[1]&1
		} else {
			b[1] = 22 + b[1]&1
		}
		if len(b) > MaxMessageLen {
			b = b[:MaxMessageLen]
		}
		b[2], b[3] = byte(len(b)>>8), byte(len(b))
		m, h, err := Decode(b)
		_ = Print(b)
		if err != nil {
			return
		}
		enc, err := Encode(m, h.Version, h.Xid)
		if err != nil {
			return
		}
		m2, _, err := Decode(enc)
		if err != nil {
			t.Fatalf("re-encoded %T does not decode: %v\n%x", m, err, enc)
		}
		if a, b := Print(enc), Print(mustReencode(t, m2, h)); a != b {
			t.Fatalf("unstable text:\n%s\n%s", a, b)
		}
	})
}

func mustReencode(t *testing.T, m Message, h Header) []byte {
	b, err := Encode(m, h.Version, h.Xid)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestColorPalette(t *testing.T) {
	p := DefaultPalette()
	p.ParsePaletteEnv("sp=4:pm=abc:bogus:vl=")
	if p.Special != "4" || p.Param != "36" || p.Value != "32" {
		t.Errorf("palette %+v", p)
	}
	got := string(ColorFlowStats(nil, " cookie=0x0, table=0, priority=5,ip actions=drop", &p))
	want := " \x1b[36m\x1b[Kcookie=\x1b[m\x1b[K0x0, \x1b[4m\x1b[Ktable=\x1b[m\x1b[K0, \x1b[4m\x1b[Kpriority=\x1b[m\x1b[K5," +
		"\x1b[32m\x1b[Kip\x1b[m\x1b[K \x1b[1;31m\x1b[Kactions=\x1b[m\x1b[K\x1b[34m\x1b[Kdrop\x1b[m\x1b[K"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func FuzzColorFlow(f *testing.F) {
	f.Add(" cookie=0x0, table=0, priority=5,ip actions=ct(commit,exec(load:1->NXM_NX_CT_MARK[]),nat(src=1.2.3.4)),learn(table=1,A[]=B[])")
	f.Add("table:1 priority=5 cookie:0x5 actions=dec_ttl(1,2),output(port=1)")
	f.Fuzz(func(t *testing.T, s string) {
		p := DefaultPalette()
		plain := strings.NewReplacer("\x1b[36m\x1b[K", "", "\x1b[m\x1b[K", "", "\x1b[1;31m\x1b[K", "",
			"\x1b[34m\x1b[K", "", "\x1b[31m\x1b[K", "", "\x1b[35m\x1b[K", "", "\x1b[33m\x1b[K", "", "\x1b[32m\x1b[K", "")
		if strings.Contains(s, "\x1b") {
			return
		}
		// Colour only adds escape sequences (and, like OVS, a comma
		// after a ct exec(...)).
		for _, out := range []string{string(ColorFlowStats(nil, s, &p)), string(ColorFlowMod(nil, s, &p))} {
			if got := plain.Replace(out); len(got) < len(s) {
				t.Fatalf("colour lost text: %q -> %q", s, got)
			}
		}
	})
}
