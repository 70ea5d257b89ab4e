package tty

import (
	"bytes"
	"os"
	"testing"
)

// /dev/null is a character device but not a terminal; neither is a pipe
// or something that is not a file at all.
func TestIsTerminal(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, wr := range map[string]any{"/dev/null": null, "pipe": w, "buffer": &bytes.Buffer{}} {
		if IsTerminal(wr.(interface{ Write([]byte) (int, error) })) {
			t.Errorf("%s is a terminal", name)
		}
	}
}
