package flow

import (
	"testing"
	"unsafe"
)

func TestLayout(t *testing.T) {
	if unsafe.Sizeof(Key{})%8 != 0 || unsafe.Sizeof(Flow{})%8 != 0 {
		t.Fatalf("Key %d bytes, Flow %d bytes: not whole words", unsafe.Sizeof(Key{}), unsafe.Sizeof(Flow{}))
	}
	if unsafe.Offsetof(Flow{}.OFInPort) != unsafe.Sizeof(Key{}) {
		t.Fatal("Flow does not start with Key")
	}
}

func TestMaskedHash(t *testing.T) {
	var a, b, mask Key
	a.EthSrc = [6]byte{1, 2, 3, 4, 5, 6}
	b = a
	b.TpSrc = 80 // outside the mask
	mask.EthSrc = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	words := mask.MaskWords()
	if a.HashMasked(&mask, words) != b.HashMasked(&mask, words) {
		t.Fatal("bits outside the mask changed the hash")
	}
	m := a.Masked(&mask)
	if !b.MatchesMasked(&mask, &m) {
		t.Fatal("b should match a's masked key")
	}
	b.EthSrc[0] = 9
	if b.MatchesMasked(&mask, &m) {
		t.Fatal("b should not match after changing a masked byte")
	}
	if a.Hash() == b.Hash() {
		t.Fatal("different keys, same full hash (possible but not for these)")
	}
}
