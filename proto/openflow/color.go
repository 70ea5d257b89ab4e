package openflow

import "strings"

// Colour for flow text (ovs-ofctl --color). It is a pass over the text the
// printers already produced, run only when colour is on: the printers stay
// free of colour tables and cost nothing more without colour. The pass
// knows the shape of a flow's text (statistics and match as key=value
// tokens, then actions= and the action list) and which colour OVS gives
// each word; words it does not know stay uncoloured, as OVS leaves most
// values.

// Palette holds the SGR parameters of each colour class.
type Palette struct {
	Actions, Drop, Learn, Param, Paren, Special, Value string
}

// DefaultPalette is OVS's palette.
func DefaultPalette() Palette {
	return Palette{Actions: "1;31", Drop: "34", Learn: "31", Param: "36", Paren: "35", Special: "33", Value: "32"}
}

// ParsePaletteEnv applies an OVS_COLORS value ("ac=1;31:pm=36:..."):
// ac actions=, dr drop, le learn, pm parameters, pr parentheses, sp
// special words, vl values. Entries that are not key=digits-and-semicolons
// are ignored.
func (p *Palette) ParsePaletteEnv(s string) {
	for _, e := range strings.Split(s, ":") {
		k, v, ok := strings.Cut(e, "=")
		if !ok || v == "" || strings.Trim(v, "0123456789;") != "" {
			continue
		}
		switch k {
		case "ac":
			p.Actions = v
		case "dr":
			p.Drop = v
		case "le":
			p.Learn = v
		case "pm":
			p.Param = v
		case "pr":
			p.Paren = v
		case "sp":
			p.Special = v
		case "vl":
			p.Value = v
		}
	}
}

func appendColored(b []byte, sgr, s string) []byte {
	if sgr == "" {
		return append(b, s...)
	}
	b = append(b, "\x1b["...)
	b = append(b, sgr...)
	b = append(b, "m\x1b[K"...)
	b = append(b, s...)
	return append(b, "\x1b[m\x1b[K"...)
}

// isFlowFlagWord reports the flag words of flow text, never coloured. (This
// and actionWordClass are switches, not map literals, so that no tool
// builds them at start-up.)
func isFlowFlagWord(s string) bool {
	switch s {
	case "send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts":
		return true
	}
	return false
}

// ColorFlowStats colours one dump-flows line: statistics, match and
// actions.
func ColorFlowStats(dst []byte, line string, p *Palette) []byte {
	head, acts, ok := strings.Cut(line, " actions=")
	dst = p.colorFields(dst, head)
	if !ok {
		return dst
	}
	dst = appendColored(append(dst, ' '), p.Actions, "actions=")
	return p.colorActions(dst, acts)
}

// ColorFlowMod colours the text of a flow_mod message after its command
// word ("table:1 priority=5,ip cookie:0x5 idle:5 actions=drop"): the match
// and the actions, but not "actions=" itself, as OVS prints it.
func ColorFlowMod(dst []byte, text string, p *Palette) []byte {
	head, acts, ok := strings.Cut(text, "actions=")
	for first := true; head != ""; {
		tok, rest, _ := strings.Cut(head, " ")
		head = rest
		eq, colon := strings.IndexByte(tok, '='), strings.IndexByte(tok, ':')
		isMatch := first && !strings.HasPrefix(tok, "table:") && tok != "" && !isFlowFlagWord(tok) &&
			(eq >= 0 && (colon < 0 || eq < colon) || colon < 0)
		if isMatch {
			dst = p.colorFields(dst, tok)
			first = false
		} else {
			if !strings.HasPrefix(tok, "table:") {
				first = false
			}
			dst = append(dst, tok...)
		}
		dst = append(dst, ' ')
	}
	if !ok {
		if len(dst) > 0 && dst[len(dst)-1] == ' ' && !strings.HasSuffix(text, " ") {
			dst = dst[:len(dst)-1]
		}
		return dst
	}
	dst = append(dst, "actions="...)
	return p.colorActions(dst, acts)
}

// colorFields colours key=value tokens (separated by commas or spaces):
// table and priority as special, other keys as parameters, bare match
// words (ip, tcp, ...) as values.
func (p *Palette) colorFields(dst []byte, s string) []byte {
	for s != "" {
		i := strings.IndexAny(s, ", ")
		if i == 0 {
			dst = append(dst, s[0])
			s = s[1:]
			continue
		}
		tok := s
		if i > 0 {
			tok, s = s[:i], s[i:]
		} else {
			s = ""
		}
		k, v, ok := strings.Cut(tok, "=")
		switch {
		case ok && (k == "table" || k == "priority"):
			dst = append(appendColored(dst, p.Special, k+"="), v...)
		case ok:
			dst = append(appendColored(dst, p.Param, k+"="), v...)
		case isFlowFlagWord(tok):
			dst = append(dst, tok...)
		default:
			dst = appendColored(dst, p.Value, tok)
		}
	}
	return dst
}

// Colour classes of action words.
const (
	clsNone = iota
	clsDrop
	clsParam
	clsParen
	clsSpecial
	clsValue
	clsLearn
)

// actionWordClass gives the colour of "name:" (or a bare name) in an
// action list; names not listed stay uncoloured.
func actionWordClass(name string) (int, bool) {
	switch name {
	case "drop":
		return clsDrop, true
	case "output", "load", "move", "set_field", "group", "resubmit", "exit", "goto_table":
		return clsSpecial, true
	case "enqueue", "mod_vlan_vid", "mod_vlan_pcp", "set_vlan_vid", "set_vlan_pcp",
		"mod_dl_src", "mod_dl_dst", "mod_nw_src", "mod_nw_dst", "mod_nw_tos", "mod_nw_ecn",
		"mod_tp_src", "mod_tp_dst", "set_queue", "note", "set_tunnel", "set_tunnel64",
		"push_mpls", "pop_mpls", "push_vlan", "write_metadata", "meter", "mod_nw_ttl",
		"set_mpls_label", "set_mpls_tc":
		return clsParam, true
	case "write_actions", "dec_ttl":
		return clsParen, true
	case "clear_actions", "strip_vlan", "pop_vlan", "pop_queue", "ct_clear", "dec_mpls_ttl",
		"dec_nsh_ttl":
		return clsValue, true
	}
	return 0, false
}

func (p *Palette) class(c int) string {
	switch c {
	case clsDrop:
		return p.Drop
	case clsParam:
		return p.Param
	case clsParen:
		return p.Paren
	case clsSpecial:
		return p.Special
	case clsValue:
		return p.Value
	case clsLearn:
		return p.Learn
	}
	return ""
}

// splitTop splits s at commas outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func (p *Palette) colorActions(dst []byte, s string) []byte {
	for i, a := range splitTop(s) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = p.colorAction(dst, a)
	}
	return dst
}

// colorAction colours one action: "name(args)", "name:arg" or a bare
// name, with "->" in moves and loads.
func (p *Palette) colorAction(dst []byte, a string) []byte {
	paren, colon := strings.IndexByte(a, '('), strings.IndexByte(a, ':')
	if paren > 0 && (colon < 0 || paren < colon) {
		// A few actions colour their parenthesised form their own way.
		switch name := a[:paren]; name {
		case "check_pkt_larger":
			return append(appendColored(dst, p.Param, a[:paren+1]), a[paren+1:]...)
		case "output":
			return append(appendColored(dst, p.Special, name), a[paren:]...)
		case "dec_ttl":
			if strings.HasSuffix(a, ")") {
				dst = appendColored(appendColored(dst, p.Paren, name), p.Paren, "(")
				return appendColored(append(dst, a[paren+1:len(a)-1]...), p.Paren, ")")
			}
		}
	}
	if paren > 0 && (colon < 0 || paren < colon) && strings.HasSuffix(a, ")") {
		name, inner := a[:paren], a[paren+1:len(a)-1]
		cls := p.Paren
		if name == "learn" {
			cls = p.Learn
		}
		dst = appendColored(dst, cls, name+"(")
		dst = p.colorInner(dst, name, inner)
		return appendColored(dst, cls, ")")
	}
	if colon > 0 {
		name, arg := a[:colon], a[colon+1:]
		c, ok := actionWordClass(name)
		if !ok || c == clsNone {
			return append(dst, a...)
		}
		dst = appendColored(dst, p.class(c), name+":")
		if name == "load" || name == "move" || name == "set_field" {
			if l, r, ok := strings.Cut(arg, "->"); ok {
				dst = append(dst, l...)
				dst = appendColored(dst, p.Special, "->")
				return append(dst, r...)
			}
		}
		return append(dst, arg...)
	}
	if c, ok := actionWordClass(a); ok {
		return appendColored(dst, p.class(c), a)
	}
	return append(dst, a...)
}

// colorInner colours the arguments of a parenthesised action: nested
// action lists (clone, exec, write_actions) as actions, key=value
// arguments with the key as a parameter, and ct's bare flags as values.
func (p *Palette) colorInner(dst []byte, name, inner string) []byte {
	switch name {
	case "clone", "write_actions", "exec":
		return p.colorActions(dst, inner)
	case "resubmit", "multipath":
		return append(dst, inner...)
	}
	afterExec := false
	for i, arg := range splitTop(inner) {
		if i > 0 && !afterExec {
			dst = append(dst, ',')
		}
		afterExec = false
		paren := strings.IndexByte(arg, '(')
		if name == "ct" && strings.HasSuffix(arg, ")") && (strings.HasPrefix(arg, "exec(") || strings.HasPrefix(arg, "nat(")) {
			// OVS closes ct's exec with a coloured ")," (its comma
			// is hidden from the trailing-comma trim by the colour
			// codes), and colours nat's name, "(", and each key and
			// "=" apart.
			if arg[0] == 'e' {
				dst = appendColored(dst, p.Paren, "exec(")
				dst = p.colorActions(dst, arg[5:len(arg)-1])
				dst = appendColored(dst, p.Paren, "),")
				afterExec = true
				continue
			}
			dst = appendColored(appendColored(dst, p.Paren, "nat"), p.Paren, "(")
			for j, na := range splitTop(arg[4 : len(arg)-1]) {
				if j > 0 {
					dst = append(dst, ',')
				}
				if k, v, ok := strings.Cut(na, "="); ok {
					dst = append(appendColored(appendColored(dst, p.Param, k), p.Param, "="), v...)
				} else {
					dst = appendColored(dst, p.Value, na)
				}
			}
			dst = appendColored(dst, p.Paren, ")")
			continue
		}
		eq := strings.IndexByte(arg, '=')
		colon := strings.IndexByte(arg, ':')
		switch {
		case paren > 0 && (eq < 0 || paren < eq):
			dst = p.colorAction(dst, arg)
		case name == "learn" && eq > 0 && strings.IndexByte(arg[:eq], '[') >= 0:
			// FIELD[]=FIELD[]: the destination and "=" apart.
			dst = appendColored(appendColored(dst, p.Param, arg[:eq]), p.Param, "=")
			dst = append(dst, arg[eq+1:]...)
		case (name == "learn" || name == "ct") && eq > 0 && arg[:eq] == "table":
			dst = append(appendColored(dst, p.Special, arg[:eq+1]), arg[eq+1:]...)
		case name == "learn" && eq > 0:
			dst = append(appendColored(dst, p.Param, arg[:eq+1]), arg[eq+1:]...)
		case name == "learn" && colon > 0:
			dst = p.colorAction(dst, arg)
		case name == "learn":
			dst = appendColored(dst, p.Param, arg)
		case eq > 0:
			dst = append(appendColored(dst, p.Param, arg[:eq+1]), arg[eq+1:]...)
		case colon > 0 && name == "bundle" || colon > 0 && name == "bundle_load":
			dst = append(appendColored(dst, p.Param, arg[:colon+1]), arg[colon+1:]...)
		case name == "ct" && arg == "nat":
			dst = appendColored(dst, p.Paren, arg)
		case name == "ct" && arg != "":
			dst = appendColored(dst, p.Value, arg)
		default:
			dst = append(dst, arg...)
		}
	}
	return dst
}
