package ofctl

import (
	"fmt"
	"strings"

	"github.com/govs/ovs/internal/vlog"
)

// check-vlan is OVS's self-test of the VLAN TCI translations: it takes a
// raw TCI value and mask (not normalised: value bits outside the mask are
// kept, which is what makes the NXM and OXM encodings invalid for some
// inputs) and shows each encoding and what decoding it gives back. The
// translations are spelled out here on the 16-bit TCI rather than run
// through the codecs, because OVS's own command works on its internal
// match (where such un-normalised values exist), which ours never holds.

var logNXMatch = vlog.NewModule("nx_match")

const (
	tciVID = 0x0fff
	tciCFI = 0x1000
	tciPCP = 0xe000
)

// parseHexUlong reads s as C's strtoul(s, NULL, 16) does, truncated to 16
// bits as OVS's htons does.
func parseHexUlong(s string) uint16 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isHexDigit(s[2]) {
		s = s[2:]
	}
	var v uint64
	overflow := false
	for i := 0; i < len(s) && isHexDigit(s[i]); i++ {
		d := uint64(strings.IndexByte("0123456789abcdef", s[i]|0x20))
		if v > (^uint64(0)-d)/16 {
			overflow = true
		}
		v = v*16 + d
	}
	if overflow {
		return 0xffff
	}
	if neg {
		v = -v
	}
	return uint16(v)
}

// vlanText is the VLAN part of a match in ovs-ofctl's syntax.
func vlanText(tci, mask uint16) string {
	if mask == 0 {
		return ""
	}
	vidMask, pcpMask := mask&tciVID, mask&tciPCP
	if mask&tciCFI != 0 && tci&tciCFI != 0 && (vidMask == 0 || vidMask == tciVID) &&
		(pcpMask == 0 || pcpMask == tciPCP) && (vidMask != 0 || pcpMask != 0) {
		var parts []string
		if vidMask != 0 {
			parts = append(parts, fmt.Sprintf("dl_vlan=%d", tci&tciVID))
		}
		if pcpMask != 0 {
			parts = append(parts, fmt.Sprintf("dl_vlan_pcp=%d", tci>>13))
		}
		return strings.Join(parts, ",")
	}
	if mask == 0xffff {
		return fmt.Sprintf("vlan_tci=0x%04x", tci)
	}
	return fmt.Sprintf("vlan_tci=0x%04x/0x%04x", tci, mask)
}

// vlanParsed is what parsing vlanText gives back: dl_vlan and dl_vlan_pcp
// each set their bits and CFI, vlan_tci is stored masked.
func vlanParsed(tci, mask uint16) (uint16, uint16) {
	if mask == 0 {
		return 0, 0
	}
	vidMask, pcpMask := mask&tciVID, mask&tciPCP
	if mask&tciCFI != 0 && tci&tciCFI != 0 && (vidMask == 0 || vidMask == tciVID) &&
		(pcpMask == 0 || pcpMask == tciPCP) && (vidMask != 0 || pcpMask != 0) {
		var t, m uint16
		if vidMask != 0 {
			t, m = t&^tciVID|tci&tciVID|tciCFI, m|tciVID|tciCFI
		}
		if pcpMask != 0 {
			t, m = t&^tciPCP|tci&tciPCP|tciCFI, m|tciPCP|tciCFI
		}
		return t, m
	}
	return tci & mask, mask
}

func checkVLAN(c *ctx, args []string) {
	tci, mask := parseHexUlong(args[0]), parseHexUlong(args[1])
	w := c.out

	t, m := vlanParsed(tci, mask)
	fmt.Fprintf(w, "%s -> %04x/%04x\n", vlanText(tci, mask), t, m)

	// NXM carries the TCI as it is. Decoding rejects value bits outside
	// the mask; OVS logs that when printing the entry and again when
	// decoding it, and its rate limit swallows the same complaint about
	// the OXM entry that follows.
	nxmBad := mask != 0 && tci&^mask != 0
	var nxm string
	switch {
	case mask == 0:
		nxm = "<any>"
	case nxmBad:
		const why = "Rejecting NXM/OXM entry 0:0:4:1:4 with 1-bits in value for bits wildcarded by the mask."
		logNXMatch.Warn(why)
		logNXMatch.Warn(why)
	case mask == 0xffff:
		nxm = fmt.Sprintf("NXM_OF_VLAN_TCI(%04x)", tci)
	default:
		nxm = fmt.Sprintf("NXM_OF_VLAN_TCI_W(%04x/%04x)", tci, mask)
	}
	if nxmBad {
		fmt.Fprintf(w, "NXM: %s -> OFPBMC_BAD_WILDCARDS\n", nxm)
	} else {
		fmt.Fprintf(w, "NXM: %s -> %04x/%04x\n", nxm, tci&mask, mask)
	}

	checkVLANOXM(c, tci, mask)

	// OpenFlow 1.0: dl_vlan (0xffff: no tag) and dl_vlan_pcp, each with a
	// wildcard bit.
	var vid10 uint16
	var pcp uint8
	vidWild, pcpWild := false, false
	switch {
	case mask == 0:
		vidWild, pcpWild = true, true
	case mask&tciCFI != 0 && tci&tciCFI == 0:
		vid10 = 0xffff
	default:
		if mask&tciVID == 0 {
			vidWild = true
		} else {
			vid10 = tci & tciVID
		}
		if mask&tciPCP == 0 {
			pcpWild = true
		} else {
			pcp = uint8(tci >> 13)
		}
	}
	var t10, m10 uint16
	if !vidWild && vid10 == 0xffff {
		t10, m10 = 0, 0xffff
	} else {
		if !pcpWild {
			m10 |= tciPCP | tciCFI
		}
		if !vidWild {
			m10 |= tciVID | tciCFI
		}
		t10 = (vid10&tciVID | uint16(pcp)<<13 | tciCFI) & m10
	}
	fmt.Fprintf(w, "OF1.0: %04x/%d,%02x/%d -> %04x/%04x\n", vid10, b2i(vidWild), pcp, b2i(pcpWild), t10, m10)

	// OpenFlow 1.1: dl_vlan 0xffff is no tag, 0xfffe any tag; only an
	// all-wildcard TCI wildcards dl_vlan itself.
	var vid11 uint16
	var pcp11 uint8
	vidWild, pcpWild = false, false
	switch {
	case mask == 0:
		vidWild, pcpWild = true, true
	case mask&tciCFI != 0 && tci&tciCFI == 0:
		vid11, pcpWild = 0xffff, true
	default:
		if mask&tciVID == 0 {
			vid11 = 0xfffe
		} else {
			vid11 = tci & tciVID
		}
		if mask&tciPCP == 0 {
			pcpWild = true
		} else {
			pcp11 = uint8(tci >> 13)
		}
	}
	var t11, m11 uint16
	if !vidWild {
		switch vid11 {
		case 0xffff:
			t11, m11 = 0, 0xffff
		case 0xfffe:
			t11, m11 = tciCFI, tciCFI
		default:
			t11, m11 = tciCFI|vid11, tciCFI|tciVID
		}
		if vid11 != 0xffff && !pcpWild {
			t11 |= uint16(pcp11) << 13
			m11 |= tciPCP
		}
	}
	fmt.Fprintf(w, "OF1.1: %04x/%d,%02x/%d -> %04x/%04x\n", vid11, b2i(vidWild), pcp11, b2i(pcpWild), t11, m11)
}

// checkVLANOXM prints the OXM line: the TCI split into VLAN_VID (CFI and
// VID) and VLAN_PCP, the latter only with a non-zero VID and a PCP mask.
func checkVLANOXM(c *ctx, tci, mask uint16) {
	vid, vidMask := tci&(tciVID|tciCFI), mask&(tciVID|tciCFI)
	withPCP := vid != 0 && mask&tciPCP != 0
	pcp := uint8(tci >> 13)
	var entries []string
	bad := false // the VID entry has value bits outside its mask
	switch {
	case vidMask == tciVID|tciCFI:
		entries = append(entries, fmt.Sprintf("OXM_OF_VLAN_VID(%04x)", vid))
	case vidMask != 0:
		bad = vid&^vidMask != 0
		entries = append(entries, fmt.Sprintf("OXM_OF_VLAN_VID_W(%04x/%04x)", vid, vidMask))
	}
	if withPCP {
		entries = append(entries, fmt.Sprintf("OXM_OF_VLAN_PCP(%02x)", pcp))
	}
	var text string
	switch {
	case len(entries) == 0:
		text = "<any>"
	case bad && withPCP:
		// Printing stops at the bad entry; the PCP entry after it is
		// left over.
		text = "<5 invalid bytes>"
	case bad:
		text = ""
	default:
		text = strings.Join(entries, ", ")
	}
	if bad {
		fmt.Fprintf(c.out, "OXM: %s -> OFPBMC_BAD_WILDCARDS\n", text)
		return
	}
	// Decode: VLAN_VID sets CFI and VID under its mask, VLAN_PCP needs a
	// tag (CFI matched as 1) before it.
	var t, m uint16
	if vidMask != 0 {
		t, m = vid&vidMask, vidMask
	}
	if withPCP {
		if t&tciCFI == 0 || m&tciCFI == 0 {
			fmt.Fprintf(c.out, "OXM: %s -> OFPBMC_BAD_PREREQ\n", text)
			return
		}
		t = t&^tciPCP | uint16(pcp)<<13 | tciCFI
		m |= tciCFI | tciPCP
	}
	fmt.Fprintf(c.out, "OXM: %s -> %04x/%04x,", text, t&(tciVID|tciCFI), m&(tciVID|tciCFI))
	if t&(tciVID|tciCFI) != 0 && m&tciPCP != 0 {
		fmt.Fprintf(c.out, "%02d\n", t>>13)
	} else {
		c.out.WriteString("--\n")
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
