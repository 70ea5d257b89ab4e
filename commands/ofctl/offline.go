package ofctl

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/openflow"
	"github.com/govs/ovs/proto/openflow/vconn"
)

// The commands that need no switch: they parse text or hex and print what
// it means, which is how OVS's own tests exercise the codecs.

var (
	logTable      = vlog.NewModule("ofp_table")
	logOfpActions = vlog.NewModule("ofp_actions")
	logMetaFlow   = vlog.NewModule("meta_flow")
)

// prereqLog is the module OVS logs a prerequisite failure under.
func prereqLog(module string) *vlog.Module {
	if module == "ofp_actions" {
		return logOfpActions
	}
	return logMetaFlow
}

// parseHex reads hex digit pairs separated by optional white space, as
// OVS's ofpbuf_put_hex does.
func parseHex(s string) ([]byte, bool) {
	var out []byte
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return out, true
		}
		if i+1 >= len(s) || !isHexDigit(s[i]) || !isHexDigit(s[i+1]) {
			return out, false
		}
		v, _ := strconv.ParseUint(s[i:i+2], 16, 8)
		out = append(out, byte(v))
		i += 2
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func ofpPrint(c *ctx, args []string) {
	text := args[0]
	if text == "-" {
		line, err := bufio.NewReader(c.stdin).ReadString('\n')
		if err != nil && line == "" {
			fatal("failed to read stdin")
		}
		text = line
	}
	b, ok := parseHex(text)
	if !ok {
		fatal("trailing garbage following hex bytes")
	}
	c.print(b)
}

func encodeHello(c *ctx, args []string) {
	n, err := strconv.ParseUint(args[0], 0, 32)
	if err != nil {
		fatal("%s: invalid version bitmap", args[0])
	}
	bm := openflow.VersionBitmap(n)
	v := bm.Highest()
	if v == 0 {
		fatal("no OpenFlow version to send hello with")
	}
	// Encoded by hand: the tool also shows hellos of versions the codec
	// does not speak. The bitmap element is left out when the header
	// version says it all (bit 0, which names no version, aside).
	b := []byte{byte(v), 0, 0, 8, 0, 0, 0, 1}
	if implied := openflow.VersionBitmap(1)<<(v+1) - 2; bm&^1 != implied {
		b = append(b, 0, 1, 0, 8)
		b = binary.BigEndian.AppendUint32(b, uint32(bm))
		b[3] = byte(len(b))
	}
	c.out.Write(openflow.AppendHexDump(nil, b, 0, false))
	c.print(b)
}

func printError(c *ctx, args []string) {
	code, ok := openflow.ErrorByName(args[0])
	if !ok {
		fatal("unknown error \"%s\"", args[0])
	}
	for v := openflow.V10; v <= openflow.V15; v++ {
		b, err := openflow.Encode(&openflow.ErrorMsg{Code: code}, uint8(v), 0)
		if err != nil || len(b) < 12 {
			fmt.Fprintf(c.out, "OpenFlow 1.%d: ***encoding not defined***\n", v-1)
			continue
		}
		typ := binary.BigEndian.Uint16(b[8:])
		cd := binary.BigEndian.Uint16(b[10:])
		var vendor uint32
		switch {
		case typ == 0xb0c2 && len(b) >= 20:
			// Nicira's 1.0/1.1 vendor error: the real vendor, type
			// and code follow.
			vendor = binary.BigEndian.Uint32(b[12:])
			typ = binary.BigEndian.Uint16(b[16:])
			cd = binary.BigEndian.Uint16(b[18:])
		case typ == 0xffff && len(b) >= 16:
			// 1.2+ experimenter error: the code field is the
			// experimenter's error type.
			vendor = binary.BigEndian.Uint32(b[12:])
			typ, cd = cd, 0
		}
		vs := "0"
		if vendor != 0 {
			vs = fmt.Sprintf("%#x", vendor)
		}
		fmt.Fprintf(c.out, "OpenFlow 1.%d: vendor %s, type %d, code %d\n", v-1, vs, typ, cd)
	}
}

func encodeErrorReply(c *ctx, args []string) {
	code, ok := openflow.ErrorByName(args[0])
	if !ok {
		fatal("unknown error \"%s\"", args[0])
	}
	req, ok := parseHex(args[1])
	if !ok {
		fatal("trailing garbage following hex bytes")
	}
	if _, ok := openflow.ParseHeader(req); !ok {
		fatal("%s: message too short", args[1])
	}
	b, err := openflow.EncodeErrorReply(code, req)
	if err != nil {
		fatal("%s", err)
	}
	c.out.Write(openflow.AppendHexDump(nil, b, 0, false))
}

// readLines returns the lines of FILE ("-" is stdin) with comments (from
// '#') and surrounding white space removed, blank lines dropped, as
// OVS's ds_get_preprocessed_line does.
// line is one significant line of an input file and its number.
type line struct {
	text string
	n    int
}

func (c *ctx) readLines(name string) []line { return c.readLinesWording(name, "open failed") }

// readLinesWording is readLines with the words OVS's command puts before
// an open error: most say "open failed", replace-flows says "open".
func (c *ctx) readLinesWording(name, failed string) []line {
	var r io.Reader
	if name == "-" {
		r = c.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			fatal("%s: %s (%s)", name, failed, strerror(err))
		}
		defer f.Close()
		r = f
	}
	var lines []line
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		l = strings.TrimSpace(l)
		if l != "" {
			lines = append(lines, line{l, n})
		}
	}
	return lines
}

func (c *ctx) parseFlowOrDie(s string, cmd openflow.FlowModCommand, ports openflow.PortLookup) *openflow.FlowMod {
	return c.parseFlowAt("", 0, s, cmd, ports)
}

// parseFlowAt parses a flow; errors in a file name the file and line, as
// OVS's do.
func (c *ctx) parseFlowAt(file string, n int, s string, cmd openflow.FlowModCommand, ports openflow.PortLookup) *openflow.FlowMod {
	fm, err := openflow.ParseFlow(s, cmd, ports)
	if err == nil {
		err = checkFlow(fm)
		if pe, ok := err.(*openflow.PrereqError); ok {
			prereqLog(pe.Module).Warn("%s", pe.Text)
			err = pe.ErrorCode()
		}
	}
	if err != nil && file != "" {
		if e, ok := err.(openflow.ErrorCode); ok {
			fatal("%s:%d: actions are invalid with specified match (%s)", file, n, e.Name())
		}
		fatal("%s:%d: %s", file, n, err)
	}
	if err != nil {
		if e, ok := err.(openflow.ErrorCode); ok {
			fatal("actions are invalid with specified match (%s)", e.Name())
		}
		if v, ok := strings.CutPrefix(err.Error(), "unknown table \""); ok {
			if n, err := strconv.ParseUint(strings.TrimSuffix(v, "\""), 0, 32); err == nil && n > 255 {
				logTable.Warn("table %d is outside the supported range 0 through 255", n)
			}
		}
		fatal("%s", err)
	}
	return fm
}

// printFlowMods is parse-flow(s): the usable and chosen protocols, then
// each flow_mod as it would be sent.
func (c *ctx) printFlowMods(fms []*openflow.FlowMod) {
	usable := pAny
	for _, fm := range fms {
		usable &= usableProtocols(fm)
	}
	if usable == 0 {
		fatal("no usable protocol")
	}
	fmt.Fprintf(c.out, "usable protocols: %s\n", usable)
	var chosen protocols
	for i := range protocolNames {
		if f := protocols(1) << i; f&usable&c.allowed() != 0 {
			chosen = f
			break
		}
	}
	if chosen == 0 {
		fatal("no usable protocol")
	}
	fmt.Fprintf(c.out, "chosen protocol: %s\n", protocolNames[bitIndex(chosen)])
	for _, fm := range fms {
		c.print(flowModBytes(fm, chosen, vconn.NextXid()))
	}
}

// checkFlow makes the checks OVS makes of a flow's actions once parsed:
// goto_table, and the fields the actions use. Not strict: OpenFlow
// 1.1+'s header checks narrow the usable protocols (usableProtocols)
// rather than refuse the flow.
func checkFlow(fm *openflow.FlowMod) error {
	if err := checkGotoTables(fm); err != nil {
		return err
	}
	return openflow.CheckActionPrereqs(fm.Actions, &fm.Match, false, nil)
}

// checkGotoTables applies OVS's rule that goto_table only goes forward.
func checkGotoTables(fm *openflow.FlowMod) error {
	table := fm.TableID
	if table == openflow.TableAll {
		table = 0
	}
	for _, a := range fm.Actions {
		if g, ok := a.(*openflow.GotoTable); ok && g.Table <= table {
			return openflow.OFPBIC_BAD_TABLE_ID
		}
	}
	return nil
}

func bitIndex(p protocols) int {
	for i := range protocolNames {
		if p == 1<<i {
			return i
		}
	}
	return 0
}

func parseFlowCmd(c *ctx, args []string) {
	c.printFlowMods([]*openflow.FlowMod{c.parseFlowOrDie(args[0], openflow.FlowAdd, nil)})
}

func parseFlowsCmd(c *ctx, args []string) {
	var fms []*openflow.FlowMod
	for _, l := range c.readLines(args[0]) {
		cmd, rest := flowCommandPrefix(l.text)
		fms = append(fms, c.parseFlowAt(args[0], l.n, rest, cmd, nil))
	}
	c.printFlowMods(fms)
}

// flowCommandPrefix splits the optional "add", "modify", "delete" ...
// word that add-flows files may start a line with.
func flowCommandPrefix(l string) (openflow.FlowModCommand, string) {
	word, rest, _ := strings.Cut(l, " ")
	switch word {
	case "add":
		return openflow.FlowAdd, strings.TrimSpace(rest)
	case "modify":
		return openflow.FlowModify, strings.TrimSpace(rest)
	case "modify_strict":
		return openflow.FlowModifyStrict, strings.TrimSpace(rest)
	case "delete":
		return openflow.FlowDelete, strings.TrimSpace(rest)
	case "delete_strict":
		return openflow.FlowDeleteStrict, strings.TrimSpace(rest)
	}
	return openflow.FlowAdd, l
}

// parseNXMCmd is parse-nxm (parse-nx-match): nx_match text from stdin,
// one per line, each decoded into a match (loosely, as a switch reading
// a flow dump would) and encoded back, or the decoding error.
func parseNXMCmd(c *ctx, _ []string) { c.parseMatchLines(0) }

// parseOXMCmd is parse-oxm VERSION: the same with OXM for VERSION.
func parseOXMCmd(c *ctx, args []string) {
	v, ok := openflow.ParseVersion(args[0])
	if !ok || v < openflow.V12 {
		fatal("%s: not a valid version for OXM", args[0])
	}
	c.parseMatchLines(v)
}

func (c *ctx) parseMatchLines(oxm openflow.Version) {
	sc := bufio.NewScanner(c.stdin)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			// Blank lines and comments are copied, as OVS does.
			fmt.Fprintln(c.out, text)
			continue
		}
		b, err := openflow.ParseNXM(text)
		if err != nil {
			fatal("%s", err)
		}
		var m *openflow.Match
		if oxm != 0 {
			m, err = openflow.DecodeOXM(b, oxm, false)
		} else {
			m, err = openflow.DecodeNXM(b, false)
		}
		if err != nil {
			name := err.Error()
			if e, ok := err.(openflow.ErrorCode); ok {
				name = e.Name()
			}
			fmt.Fprintf(c.out, "nx_pull_match() returned error %s\n", name)
			continue
		}
		var out []byte
		if oxm != 0 {
			out = openflow.AppendOXM(nil, m, oxm)
		} else {
			out = openflow.AppendNXM(nil, m)
		}
		s, err := openflow.FormatNXM(out)
		if err != nil {
			fatal("%s", err)
		}
		if s == "" {
			s = "<any>"
		}
		fmt.Fprintln(c.out, s)
	}
}

// parseWireActions is parse-actions and parse-instructions: hex lines
// from stdin decoded for VERSION, printed, and re-encoded, with the bytes
// that come back different listed as OVS lists them.
func parseWireActions(instructions bool) func(c *ctx, args []string) {
	return func(c *ctx, args []string) {
		v, ok := openflow.ParseVersion(args[0])
		if !ok {
			fatal("%s: not a valid OpenFlow version", args[0])
		}
		what := "actions"
		if instructions {
			what = "instructions"
		}
		for _, l := range c.readLines("-") {
			b, ok := parseHex(l.text)
			if !ok {
				fatal("Trailing garbage in hex data")
			}
			var acts []openflow.Action
			var err error
			if instructions {
				acts, err = openflow.DecodeInstructions(b, v)
			} else {
				acts, err = openflow.DecodeActions(b, v)
			}
			if err != nil {
				name := err.Error()
				if e, ok := err.(openflow.ErrorCode); ok {
					name = e.Name()
				}
				fmt.Fprintf(c.out, "bad %s %s: %s\n\n", v, what, name)
				continue
			}
			out := openflow.AppendActions([]byte("actions="), acts, nil)
			if len(acts) == 0 {
				out = append(out, "drop"...)
			}
			c.out.Write(append(out, '\n'))
			var re []byte
			if instructions {
				re, err = openflow.AppendInstructions(nil, acts, v)
			} else {
				re, err = openflow.AppendActionsWire(nil, acts, v)
			}
			if err == nil {
				printDifferences(c, b, re)
			}
			c.out.WriteByte('\n')
		}
	}
}

// printDifferences lists the bytes where b differs from a.
func printDifferences(c *ctx, a, b []byte) {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			fmt.Fprintf(c.out, "%2d: %02x -> %02x\n", i, a[i], b[i])
		}
	}
	for i := len(a); i < len(b); i++ {
		fmt.Fprintf(c.out, "%2d: (none) -> %02x\n", i, b[i])
	}
	for i := len(b); i < len(a); i++ {
		fmt.Fprintf(c.out, "%2d: %02x -> (none)\n", i, a[i])
	}
}

// parseGroupCmd is parse-group: the group_mod as it would be sent in the
// lowest allowed version.
func parseGroupCmd(c *ctx, args []string) {
	gm := c.parseGroupOrDie(args[0], openflow.GroupAdd, nil)
	v := c.versions.Lowest()
	if v == 0 {
		fatal("no usable protocol")
	}
	fmt.Fprintf(c.out, "usable protocols: any\nchosen version: %s\n", v)
	b, err := openflow.Encode(gm, uint8(v), vconn.NextXid())
	if err != nil {
		fatal("%s", err)
	}
	c.print(b)
}

// parseKeyValue is parse-key-value: each argument split into OVS's
// key=value pairs, printed one argument a line.
func parseKeyValue(c *ctx, args []string) {
	for _, a := range args {
		first := true
		for s := a; ; {
			var k, v string
			var ok bool
			k, v, s, ok = nextKeyValue(s)
			if !ok {
				break
			}
			if !first {
				c.out.WriteString(", ")
			}
			first = false
			c.out.WriteString(k)
			if v != "" {
				c.out.WriteString("=" + v)
			}
		}
		c.out.WriteByte('\n')
	}
}

// nextKeyValue takes the next "key", "key=value", "key:value" or
// "key(value)" off s; values may hold balanced parentheses.
func nextKeyValue(s string) (key, value, rest string, ok bool) {
	s = strings.TrimLeft(s, ", \t\r\n")
	if s == "" {
		return "", "", "", false
	}
	i := strings.IndexAny(s, "=:(, \t\r\n")
	if i < 0 {
		return s, "", "", true
	}
	key = s[:i]
	switch s[i] {
	case '(':
		depth, j := 1, i+1
		for ; j < len(s) && depth > 0; j++ {
			switch s[j] {
			case '(':
				depth++
			case ')':
				depth--
			}
		}
		if depth > 0 {
			return key, s[i+1:], "", true
		}
		return key, s[i+1 : j-1], s[j:], true
	case '=', ':':
		depth, j := 0, i+1
		for ; j < len(s); j++ {
			c := s[j]
			if c == '(' {
				depth++
			} else if c == ')' && depth > 0 {
				depth--
			} else if depth == 0 && strings.IndexByte(", \t\r\n", c) >= 0 {
				break
			}
		}
		return key, s[i+1 : j], s[j:], true
	}
	return key, "", s[i:], true
}

// ofpParse is ofp-parse: a file ("-": stdin) of raw OpenFlow messages,
// each printed in turn.
func ofpParse(c *ctx, args []string) {
	name := args[0]
	var r io.Reader = c.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fatal("%s: open (%s)", name, strerror(err))
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReader(r)
	hdr := make([]byte, openflow.HeaderLen)
	for {
		n, err := io.ReadFull(br, hdr)
		if n == 0 && err == io.EOF {
			return
		}
		if err != nil {
			fatal("%s: unexpected end of file mid-message", name)
		}
		length := int(binary.BigEndian.Uint16(hdr[2:]))
		if length < openflow.HeaderLen {
			fatal("%s: %d-byte message is too short for OpenFlow", name, length)
		}
		msg := make([]byte, length)
		copy(msg, hdr)
		if _, err := io.ReadFull(br, msg[openflow.HeaderLen:]); err != nil {
			fatal("%s: unexpected end of file mid-message", name)
		}
		c.print(msg)
	}
}
