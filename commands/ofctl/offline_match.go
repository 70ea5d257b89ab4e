package ofctl

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/openflow"
)

var logPort = vlog.NewModule("ofp_port")

// parseOFP11Match is parse-ofp11-match: hex lines from stdin, each a whole
// ofp11_match, decoded, printed and re-encoded, with the bytes that come
// back different listed (what the layout cannot say, or says twice, shows
// up there). The type and length words are not checked, as OVS does not.
func parseOFP11Match(c *ctx, _ []string) {
	sc := bufio.NewScanner(c.stdin)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		b, ok := parseHex(text)
		if !ok {
			fatal("Trailing garbage in hex data")
		}
		if len(b) != openflow.Match11Len {
			fatal("Input is %d bytes, expected %d", len(b), openflow.Match11Len)
		}
		if p := binary.BigEndian.Uint32(b[4:]); binary.BigEndian.Uint32(b[8:])&1 == 0 && p > 0xfeff && p < 0xffffff00 {
			logPort.Warn("port %d is outside the supported range 0 through 65279 or 0xffffff00 through 0xffffffff", p)
		}
		m, err := openflow.DecodeMatch11Body(b)
		if err != nil {
			fmt.Fprintf(c.out, "bad ofp11_match: %s\n\n", errorName(err))
			continue
		}
		c.out.Write(append(m.AppendText(nil, nil), '\n'))
		printDifferences(c, b, openflow.AppendMatch11(nil, m))
		c.out.WriteByte('\n')
	}
}

// errorName is an error as OVS names it: the OpenFlow error's name when
// it is one.
func errorName(err error) string {
	if e, ok := err.(openflow.ErrorCode); ok {
		return e.Name()
	}
	return err.Error()
}
