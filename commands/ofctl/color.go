package ofctl

import (
	"bytes"
	"os"

	"github.com/govs/ovs/proto/openflow"
)

// Colour is applied to the flows OVS colours (flow statistics replies and
// flow_mods) after they are printed, and only under --color, so the
// uncoloured path runs no colour code at all.

func (c *ctx) palette() *openflow.Palette {
	p := openflow.DefaultPalette()
	if env := os.Getenv("OVS_COLORS"); env != "" {
		p.ParsePaletteEnv(env)
	}
	return &p
}

// colorize rewrites text, the ofp-print text of msg, with colour.
func (c *ctx) colorize(text, msg []byte) []byte {
	m, _, err := openflow.Decode(msg)
	if err != nil {
		return text
	}
	switch m.(type) {
	case *openflow.FlowStatsReply:
		nl := bytes.IndexByte(text, '\n')
		if nl < 0 {
			return text
		}
		return c.colorFlowLines(text, nl+1)
	case *openflow.FlowMod:
		return colorFlowModText(text, c.palette())
	}
	return text
}

// colorFlowLines colours the dump-flows lines of text from offset from on.
func (c *ctx) colorFlowLines(text []byte, from int) []byte {
	p := c.palette()
	out := append([]byte(nil), text[:from]...)
	for _, l := range bytes.SplitAfter(text[from:], []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		body := bytes.TrimSuffix(l, []byte("\n"))
		out = openflow.ColorFlowStats(out, string(body), p)
		if len(body) < len(l) {
			out = append(out, '\n')
		}
	}
	return out
}

// colorFlowModText colours a flow_mod's first line after its command word
// ("...: ADD table:1 priority=5,ip actions=drop").
func colorFlowModText(text []byte, p *openflow.Palette) []byte {
	nl := bytes.IndexByte(text, '\n')
	if nl < 0 {
		nl = len(text)
	}
	i := bytes.Index(text[:nl], []byte("): "))
	if i < 0 {
		return text
	}
	i += 3
	sp := bytes.IndexByte(text[i:nl], ' ')
	if sp < 0 {
		return text
	}
	i += sp + 1
	out := append([]byte(nil), text[:i]...)
	out = openflow.ColorFlowMod(out, string(text[i:nl]), p)
	return append(out, text[nl:]...)
}
