package ovsjson

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParseNumbers(t *testing.T) {
	cases := []struct {
		in   string
		kind Kind
		i    int64
		f    float64
	}{
		{"0", Integer, 0, 0},
		{"-0", Integer, 0, 0},
		{"1.0", Integer, 1, 0},
		{"1.5e3", Integer, 1500, 0},
		{"10e-1", Integer, 1, 0},
		{"1E2", Integer, 100, 0},
		{"0.5e1", Integer, 5, 0},
		{"9223372036854775807", Integer, 9223372036854775807, 0},
		{"-9223372036854775808", Integer, -9223372036854775808, 0},
		{"9223372036854775808", Real, 0, 9223372036854775808},
		{"1.5", Real, 0, 1.5},
		{"1e30", Real, 0, 1e30},
		{"1e-7", Real, 0, 1e-7},
	}
	for _, c := range cases {
		v, err := ParseString("[" + c.in + "]")
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		got := v.A[0]
		if got.Kind != c.kind || (c.kind == Integer && got.I != c.i) || (c.kind == Real && got.F != c.f) {
			t.Errorf("%s: got %+v", c.in, got)
		}
	}
}

// The texts and positions below are what OVS 3.1's parser reports.
func TestParseErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"[1,", "line 0, column 3, byte 3: unexpected end of input"},
		{`{"a" 1}`, "line 0, column 6, byte 6: syntax error parsing object expecting ':'"},
		{"[1 2]", "line 0, column 4, byte 4: syntax error expecting ']' or ','"},
		{"tru", "line 0, column 3, byte 3: invalid keyword 'tru'"},
		{`"abc`, "line 0, column 4, byte 4: unexpected end of input in quoted string"},
		{"[01]", "line 0, column 3, byte 3: leading zeros not allowed"},
		{`["\u0000"]`, "line 0, column 8, byte 8: null bytes not supported in quoted strings"},
		{"[1.]", "line 0, column 3, byte 3: decimal point must be followed by digit"},
		{"[-]", "line 0, column 2, byte 2: '-' must be followed by digit"},
		{`["\x"]`, "line 0, column 4, byte 4: bad escape \\x"},
		{`{"a":1,}`, "line 0, column 7, byte 7: syntax error parsing object expecting string"},
		{"[1]]", "line 0, column 3, byte 3: trailing garbage at end of input"},
		{"[\"a\tb\"]", "line 0, column 3, byte 3: U+0009 must be escaped in quoted string"},
		{"[1e999]", "line 0, column 6, byte 6: number outside valid range"},
		{"[", "line 0, column 1, byte 1: unexpected end of input"},
		{"", "line 0, column 0, byte 0: empty input stream"},
	}
	for _, c := range cases {
		_, err := ParseString(c.in)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
}

func TestEncode(t *testing.T) {
	v, err := ParseString(`{"b":[1,2.5,"x\u0001/é\"\\",true,false,null],"a":{},"c":[]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(Marshal(v)), `{"b":[1,2.5,"x\u0001/é\"\\",true,false,null],"a":{},"c":[]}`; got != want {
		t.Errorf("compact: %s", got)
	}
	if got, want := v.String(), `{"a":{},"b":[1,2.5,"x\u0001/é\"\\",true,false,null],"c":[]}`; got != want {
		t.Errorf("sorted: %s", got)
	}
	// OVS's --pretty layout.
	want := "{\n  \"a\": {\n    },\n  \"b\": [\n    1,\n    2.5,\n    \"x\\u0001/é\\\"\\\\\",\n    true,\n    false,\n    null],\n  \"c\": []}"
	if got := string(Append(nil, v, Sort|Pretty)); got != want {
		t.Errorf("pretty:\n%s\nwant:\n%s", got, want)
	}
}

func TestRealFormat(t *testing.T) {
	cases := map[float64]string{1e30: "1e+30", 1.5: "1.5", 1: "1", 0.1: "0.1", 12345678901234567890: "1.23456789012346e+19", 1e-7: "1e-07"}
	for f, want := range cases {
		if got := string(AppendReal(nil, f)); got != want {
			t.Errorf("%v: got %s want %s", f, got, want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	in := `[{"a":["map",[["k","v"]]],"n":-12,"r":0.25,"s":"\t\n\ud83d\ude00"},[],{}]`
	v, err := ParseString(in)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := Parse(Marshal(v))
	if err != nil || !Equal(v, v2) {
		t.Fatalf("round trip: %v %s", err, Marshal(v2))
	}
	if s := v.A[0].O[3].Value.S; s != "\t\n😀" {
		t.Errorf("surrogate pair: %q", s)
	}
}

func TestDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	if _, err := ParseString(deep); err == nil || !strings.Contains(err.Error(), "maximum nesting depth") {
		t.Errorf("got %v", err)
	}
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if _, err := ParseString(ok); err != nil {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
}

func TestDecoderStream(t *testing.T) {
	stream := ` {"id":1,"s":"a]}\"b"}[1,[2]]
{"x":{}}  `
	d := NewDecoder(iotest.OneByteReader(strings.NewReader(stream)))
	var got []string
	for {
		v, err := d.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(Marshal(v)))
	}
	want := []string{`{"id":1,"s":"a]}\"b"}`, `[1,[2]]`, `{"x":{}}`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q", got)
	}
}

func TestDecoderErrors(t *testing.T) {
	d := NewDecoder(strings.NewReader(`{"a":`))
	if _, err := d.Decode(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated: %v", err)
	}
	d = NewDecoder(strings.NewReader(`5`))
	if _, err := d.Decode(); err == nil {
		t.Errorf("scalar at top level accepted")
	}
	d = NewDecoder(bytes.NewReader(append([]byte("["), bytes.Repeat([]byte("1,"), 10000)...)))
	d.MaxSize = 1000
	if _, err := d.Decode(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x"]}`, `[true,false,null]`, `"\ud83d\ude00"`, `[1e999]`, `{"a" 1}`, `[-0.0e-0]`, `[1000000000000000.1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		if err != nil {
			return
		}
		// The slabs were sized by countSlots, which must never count
		// short (duplicate member names may make it count long).
		p := &parser{buf: data}
		if _, err := p.parse(false); err != nil || p.nvals < 0 || p.nmems < 0 {
			t.Fatalf("countSlots short by %d values, %d members (err %v)", -p.nvals, -p.nmems, err)
		}
		// A Decoder, with its string cache and reused stacks, reads
		// the same value twice in a row.
		if data[0] == '[' || data[0] == '{' {
			d := NewDecoder(bytes.NewReader(append(append(slices.Clip(data), ' '), data...)))
			for range 2 {
				dv, err := d.Decode()
				if err != nil || !Equal(dv, v) {
					t.Fatalf("Decoder read %s (%v), Parse %s", dv.String(), err, v.String())
				}
			}
		}
		// Whatever parses must re-encode to text that parses again and
		// settles: reals print with 15 digits, as in OVS, so the first
		// round may round them, and a rounded real whose value is now
		// integral (1000000000000000.1 prints as 1e+15) reads back as an
		// integer, again as in OVS. From the second round on the text
		// must not change.
		text := Marshal(v)
		for round := 0; round < 2; round++ {
			v2, err := Parse(text)
			if err != nil {
				t.Fatalf("re-parse of %s: %v", text, err)
			}
			text2 := Marshal(v2)
			if round == 1 && !bytes.Equal(text, text2) {
				t.Fatalf("round trip changed %s -> %s", text, text2)
			}
			text = text2
		}
	})
}

func FuzzDecoder(f *testing.F) {
	f.Add([]byte(`{"id":1}[2] {"s":"}"}`))
	f.Add([]byte(`[[[[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data))
		d.MaxSize = 1 << 16
		for i := 0; i < 1000; i++ {
			if _, err := d.Decode(); err == io.EOF || err == io.ErrUnexpectedEOF {
				return
			} else if err != nil {
				var se *SyntaxError
				if !errors.As(err, &se) && err != ErrTooLarge {
					t.Fatalf("unexpected error type %T: %v", err, err)
				}
				if err == ErrTooLarge || strings.Contains(err.Error(), "beginning of input") {
					return
				}
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	text := []byte(`["Open_vSwitch",{"op":"insert","table":"Interface","row":{"name":"p1","type":"","external_ids":["map",[["attached-mac","00:11:22:33:44:55"],["iface-id","abc"]]]},"uuid-name":"row1"},{"op":"mutate","table":"Bridge","where":[["_uuid","==",["uuid","590f7323-1088-472c-ba65-eac3d9e0877b"]]],"mutations":[["ports","insert",["set",[["named-uuid","row1"]]]]]}]`)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	v, _ := ParseString(`["Open_vSwitch",{"op":"insert","table":"Interface","row":{"name":"p1","type":"","external_ids":["map",[["attached-mac","00:11:22:33:44:55"],["iface-id","abc"]]]},"uuid-name":"row1"}]`)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = Append(buf[:0], v, 0)
	}
}

func TestTrailingTokens(t *testing.T) {
	cases := []struct{ in, want string }{
		{"{}x", "line 0, column 3, byte 3: invalid keyword 'x'"},
		{"{} 5", "line 0, column 4, byte 4: trailing garbage at end of input"},
		{"[1] 5", "line 0, column 5, byte 5: trailing garbage at end of input"},
		{`{"a":"\ud800"}`, "line 0, column 12, byte 12: malformed escaped surrogate pair"},
	}
	for _, c := range cases {
		_, err := ParseString(c.in)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
}

func TestDuplicateMembers(t *testing.T) {
	v, err := ParseString(`{"a":1,"b":2,"a":3}`)
	if err != nil || len(v.O) != 2 || v.O[0].Value.I != 3 {
		t.Fatalf("got %v %v", v, err)
	}
	var sb strings.Builder
	sb.WriteString("{")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&sb, `"k%d":%d,`, i%30, i)
	}
	sb.WriteString(`"z":0}`)
	v, err = ParseString(sb.String())
	if err != nil || len(v.O) != 31 {
		t.Fatalf("large: %d members, %v", len(v.O), err)
	}
	if x, _ := v.Get("k5"); x.I != 35 {
		t.Errorf("k5 = %v", x)
	}
}

// More positions and texts captured from the real OVS 3.1 parser.
func TestParseErrorsOVS(t *testing.T) {
	cases := []struct{ in, want string }{
		{"[tRue]", "line 0, column 5, byte 5: invalid keyword 'tRue'"},
		{"[Nul]", "line 0, column 1, byte 1: invalid character 'N'"},
		{"5", "line 0, column 1, byte 1: syntax error at beginning of input"},
		{`"x"`, "line 0, column 2, byte 2: syntax error at beginning of input"},
		{"true", "line 0, column 4, byte 4: syntax error at beginning of input"},
		{"[1,2", "line 0, column 5, byte 5: unexpected end of input"},
		{"[1,tru", "line 0, column 6, byte 6: invalid keyword 'tru'"},
		{"[@]", "line 0, column 1, byte 1: invalid character '@'"},
		{"[1 @]", "line 0, column 3, byte 3: invalid character '@'"},
		{`{"a":1 "b":2}`, "line 0, column 9, byte 9: syntax error expecting '}' or ','"},
		{`{"a" "b"}`, "line 0, column 7, byte 7: syntax error parsing object expecting ':'"},
		{"[1:2]", "line 0, column 2, byte 2: syntax error expecting ']' or ','"},
		{`{"a":1]`, "line 0, column 6, byte 6: syntax error expecting '}' or ','"},
		{`["a" 1]`, "line 0, column 6, byte 6: syntax error expecting ']' or ','"},
		{`{"a":}`, "line 0, column 5, byte 5: syntax error expecting value"},
		{"[,]", "line 0, column 1, byte 1: syntax error expecting value"},
		{"{,}", "line 0, column 1, byte 1: syntax error parsing object expecting string"},
		{"]", "line 0, column 0, byte 0: syntax error at beginning of input"},
		{"[1,]", "line 0, column 3, byte 3: syntax error expecting value"},
		{`{"a":1,"b"}`, "line 0, column 10, byte 10: syntax error parsing object expecting ':'"},
		{"[-a]", "line 0, column 2, byte 2: '-' must be followed by digit"},
		{"[1e]", "line 0, column 3, byte 3: exponent must contain at least one digit"},
		{"[1e+]", "line 0, column 4, byte 4: exponent must contain at least one digit"},
		{"{bad", "line 0, column 4, byte 4: invalid keyword 'bad'"},
		{"{1:2}", "line 0, column 2, byte 2: syntax error parsing object expecting string"},
		{"[.5]", "line 0, column 1, byte 1: invalid character '.'"},
		{"[0x5]", "line 0, column 3, byte 3: invalid keyword 'x'"},
		{"[NaN]", "line 0, column 1, byte 1: invalid character 'N'"},
		{`["\u12"]`, "line 0, column 6, byte 6: quoted string ends within \\u escape"},
	}
	for _, c := range cases {
		_, err := ParseDocument([]byte(c.in))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
	if v, err := ParseString("5"); err != nil || v.I != 5 {
		t.Errorf("Parse of a scalar: %v %v", v, err)
	}
	if v, err := ParseString(`["\uDC00"]`); err != nil || v.A[0].S != "\ufffd" {
		t.Errorf("lone low surrogate: %v %v", v, err)
	}
}

// BenchmarkDecodeTransact decodes a stream of the small transactions that
// ovs-vsctl and the bench's throughput load send, as a server reads them.
func BenchmarkDecodeTransact(b *testing.B) {
	msg := []byte(`{"id":12345,"method":"transact","params":["Open_vSwitch",{"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["next_cfg","+=",1]]}]}`)
	var r repeatReader
	r.msg = msg
	d := NewDecoder(&r)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := d.Decode(); err != nil {
			b.Fatal(err)
		}
	}
}

// repeatReader returns msg over and over.
type repeatReader struct {
	msg []byte
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.msg[r.off:])
		n += c
		r.off = (r.off + c) % len(r.msg)
	}
	return n, nil
}

// TestDecodeAllocs pins the parser's allocation count: a message costs
// one slab of array elements and one of object members, and the names it
// repeats come from the decoder's string cache.
func TestDecodeAllocs(t *testing.T) {
	r := &repeatReader{msg: []byte(`{"id":12345,"method":"transact","params":["Open_vSwitch",{"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["next_cfg","+=",1]]}]}`)}
	d := NewDecoder(r)
	d.Decode() // fills the cache
	if n := testing.AllocsPerRun(100, func() {
		if _, err := d.Decode(); err != nil {
			t.Fatal(err)
		}
	}); n > 2 {
		t.Errorf("Decode allocates %v times per message, want 2", n)
	}
}

// BenchmarkDecodeBigTransact decodes one transaction of 10,000 inserts
// (ovs-vsctl adding 5,000 ports in one call), where the growth of scratch
// space for wide arrays used to dominate.
func BenchmarkDecodeBigTransact(b *testing.B) {
	msg := []byte(`{"id":2,"method":"transact","params":["Open_vSwitch"`)
	for i := 0; i < 5000; i++ {
		msg = fmt.Appendf(msg, `,{"op":"insert","table":"Interface","uuid-name":"i%d","row":{"name":"p%d"}}`, i, i)
		msg = fmt.Appendf(msg, `,{"op":"insert","table":"Port","uuid-name":"p%d","row":{"name":"p%d","interfaces":["named-uuid","i%d"]}}`, i, i, i)
	}
	msg = append(msg, "]}"...)
	r := &repeatReader{msg: msg}
	d := NewDecoder(r)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if v, err := d.Decode(); err != nil || len(v.O) != 3 {
			b.Fatal(err)
		}
	}
}

// TestParseWide checks containers wider than any scratch space, nested
// in each other, and objects with repeated names among many members.
func TestParseWide(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`[`)
	for i := 0; i < 3000; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"a":%d,"b":[%d,[],{}],"a":%d}`, i, i, -i)
	}
	sb.WriteString(`]`)
	v, err := ParseString(sb.String())
	if err != nil || len(v.A) != 3000 {
		t.Fatalf("%v, %d elements", err, len(v.A))
	}
	for i, e := range v.A {
		a, _ := e.Get("a")
		b, _ := e.Get("b")
		if len(e.O) != 2 || a.I != int64(-i) || len(b.A) != 3 || b.A[0].I != int64(i) || cap(e.O) != 2 || cap(b.A) != 3 {
			t.Fatalf("element %d: %s", i, e.String())
		}
	}
	if got := Marshal(v); !bytes.Equal(got, Marshal(mustReparse(t, got))) {
		t.Errorf("round trip differs")
	}
}

func mustReparse(t *testing.T, text []byte) Value {
	v, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
