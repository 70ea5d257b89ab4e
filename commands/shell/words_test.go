package shell

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		line string
		want []string
		err  error
	}{
		{"", nil, nil},
		{"   \t ", nil, nil},
		{"vsctl add-br br0", []string{"vsctl", "add-br", "br0"}, nil},
		{`vsctl set bridge br0 external_ids:x="a b"`, []string{"vsctl", "set", "bridge", "br0", "external_ids:x=a b"}, nil},
		{`a 'b  c' "d\"e" f\ g`, []string{"a", "b  c", `d"e`, "f g"}, nil},
		{`'it'\''s'`, []string{"it's"}, nil},
		{`"a\nb" "\$x" '\n'`, []string{`a\nb`, "$x", `\n`}, nil},
		{`x""y ''`, []string{"xy", ""}, nil},
		{"vsctl add-br br0 -- set bridge br0 fail_mode=secure",
			[]string{"vsctl", "add-br", "br0", "--", "set", "bridge", "br0", "fail_mode=secure"}, nil},
		{"show # a comment", []string{"show"}, nil},
		{"# only a comment", nil, nil},
		{"a#b", []string{"a#b"}, nil},
		{"a \\\nb", []string{"a", "b"}, nil},
		{"a \\\n  b", []string{"a", "b"}, nil},
		{"a\\\nb", []string{"ab"}, nil},
		{"\"a\\\nb\"", []string{"ab"}, nil},
		{"'a\nb'", []string{"a\nb"}, nil},
		{`say 'unfinished`, []string{"say"}, errIncomplete},
		{`say "unfinished`, []string{"say"}, errIncomplete},
		{`say trailing\`, []string{"say"}, errIncomplete},
		{`say "trailing\`, []string{"say"}, errIncomplete},
	}
	for _, tt := range tests {
		got, err := splitWords(tt.line)
		if err != tt.err {
			t.Errorf("splitWords(%q) error = %v, want %v", tt.line, err, tt.err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("splitWords(%q) (-want +got):\n%s", tt.line, diff)
		}
	}
}

func TestQuoteWordRoundTrip(t *testing.T) {
	for _, w := range []string{"", "br0", "a b", "it's", `x"y`, "#x", `back\slash`, "tab\there", "$HOME"} {
		got, err := splitWords(quoteWord(w))
		if err != nil || len(got) != 1 || got[0] != w {
			t.Errorf("quoteWord(%q) = %q reads back as %q, %v", w, quoteWord(w), got, err)
		}
	}
	if q := quoteWord("br0"); q != "br0" {
		t.Errorf("quoteWord(br0) = %q, want it unquoted", q)
	}
}

// FuzzSplitWords checks that splitting never panics and that words written
// back with quoteWord split into the same words.
func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{
		`vsctl set bridge br0 external_ids:x="a b"`, `'a'\''b'`, `"\\\"\$"`, "a\\\nb",
		"# c", `"open`, `x\`, "a\tb\nc",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := splitWords(line)
		if err != nil && err != errIncomplete {
			t.Fatalf("unexpected error %v", err)
		}
		if err != nil {
			return
		}
		var again string
		for i, w := range words {
			if i > 0 {
				again += " "
			}
			again += quoteWord(w)
		}
		back, err := splitWords(again)
		if err != nil {
			t.Fatalf("%q -> %q: %v", line, again, err)
		}
		if !cmp.Equal(words, back, cmp.Comparer(func(a, b string) bool { return a == b })) &&
			!(len(words) == 0 && len(back) == 0) {
			t.Fatalf("%q: words %q, requoted %q, read back %q", line, words, again, back)
		}
		// Completion must cope with the cursor anywhere.
		v := testVocabulary()
		for i := 0; i <= len(line); i++ {
			head, _, tail := v.complete(line, i)
			if !strings.HasPrefix(line, head) || !strings.HasSuffix(line, tail) || len(head)+len(tail) > len(line) {
				t.Fatalf("complete(%q, %d): head %q, tail %q", line, i, head, tail)
			}
		}
	})
}
