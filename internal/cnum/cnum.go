// Package cnum reads numbers the way OVS's C code does with glibc's
// strtol and atoi. OVS parses many arguments (time/warp, netdev-dummy
// queue numbers, multipath and learn parameters, ofp-parse-pcap ports)
// with atoi, which never fails: leading white space and a sign are
// skipped, digits are read up to the first non-digit, no digits give 0,
// strtol saturates at the 64-bit long's limits and atoi then keeps the
// low 32 bits of that. Tools that must answer like OVS for any input need
// exactly that, overflow included, and one copy of it.
package cnum

// Strtol is strtol(s, NULL, 10) on a 64-bit glibc system.
func Strtol(s string) int64 {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var v uint64
	over := false
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if over || v > (1<<63)/10+1 {
			over = true
			continue
		}
		v = v*10 + uint64(s[i]-'0')
		over = v > 1<<63
	}
	switch {
	case neg && over:
		return -1 << 63
	case neg:
		return int64(-v) // -2^63 itself wraps onto the right value
	case over || v > 1<<63-1:
		return 1<<63 - 1
	}
	return int64(v)
}

// Atoi is atoi(s): Strtol cut to a 32-bit int.
func Atoi(s string) int32 { return int32(Strtol(s)) }
