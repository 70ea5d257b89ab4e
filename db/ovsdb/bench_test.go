package ovsdb

import (
	"strconv"
	"testing"

	"github.com/govs/ovs/proto/ovsjson"
)

func benchMap(b *testing.B) (Type, ovsjson.Value) {
	t := mapType(TypeString, TypeString)
	pairs := make([]ovsjson.Value, 100)
	for i := range pairs {
		// Reverse order so the parser has to sort.
		k := "key-" + strconv.Itoa(999-i)
		pairs[i] = ovsjson.NewArray(ovsjson.NewString(k), ovsjson.NewString("value "+strconv.Itoa(i)))
	}
	return t, ovsjson.NewArray(ovsjson.NewString("map"), ovsjson.NewArray(pairs...))
}

func BenchmarkDatumFromJSONMap100(b *testing.B) {
	t, v := benchMap(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DatumFromJSON(&t, v, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDatumToJSONMap100(b *testing.B) {
	t, v := benchMap(b)
	d, err := DatumFromJSON(&t, v, nil)
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = ovsjson.Append(buf[:0], d.ToJSON(&t), 0)
	}
}

func BenchmarkDatumAppendJSONMap100(b *testing.B) {
	t, v := benchMap(b)
	d, _ := DatumFromJSON(&t, v, nil)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = d.AppendJSON(buf[:0], &t)
	}
}

func BenchmarkDatumToStringMap100(b *testing.B) {
	t, v := benchMap(b)
	d, _ := DatumFromJSON(&t, v, nil)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = d.AppendString(buf[:0], &t)
	}
}

func BenchmarkDatumFromStringMap100(b *testing.B) {
	t, v := benchMap(b)
	d, _ := DatumFromJSON(&t, v, nil)
	s := d.ToString(&t)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DatumFromString(&t, s, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseVswitchSchema(b *testing.B) {
	v, _ := ovsjson.Parse(VswitchSchemaText())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseSchema(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewUUID(b *testing.B) {
	for b.Loop() {
		_ = NewUUID()
	}
}
