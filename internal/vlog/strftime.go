package vlog

import "time"

var (
	shortDays   = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	longDays    = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	shortMonths = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	longMonths  = [12]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// appendStrftime formats t per the C library's strftime(3) in the C locale,
// plus OVS's extension: each run of '#' becomes that many digits of the
// fractional second (milliseconds, then zeros: OVS keeps only millisecond
// resolution). Go's time.Format cannot express strftime patterns, and log
// patterns are user-supplied strftime strings, hence this small interpreter.
func appendStrftime(dst []byte, f string, t time.Time) []byte {
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c == '#' {
			ms := t.Nanosecond() / 1e6
			digits := [3]byte{byte('0' + ms/100), byte('0' + ms/10%10), byte('0' + ms%10)}
			k := 0
			for ; i < len(f) && f[i] == '#'; i++ {
				if k < 3 {
					dst = append(dst, digits[k])
				} else {
					dst = append(dst, '0')
				}
				k++
			}
			i--
			continue
		}
		if c != '%' || i+1 >= len(f) {
			dst = append(dst, c)
			continue
		}
		i++
		c = f[i]
		// E and O modifiers select alternative representations that the C
		// locale does not have.
		if (c == 'E' || c == 'O') && i+1 < len(f) {
			i++
			c = f[i]
		}
		dst = appendConv(dst, c, t)
	}
	return dst
}

func appendConv(dst []byte, c byte, t time.Time) []byte {
	switch c {
	case 'a':
		return append(dst, shortDays[t.Weekday()]...)
	case 'A':
		return append(dst, longDays[t.Weekday()]...)
	case 'b', 'h':
		return append(dst, shortMonths[t.Month()-1]...)
	case 'B':
		return append(dst, longMonths[t.Month()-1]...)
	case 'c':
		return appendStrftime(dst, "%a %b %e %H:%M:%S %Y", t)
	case 'C':
		return append2(dst, t.Year()/100, '0')
	case 'd':
		return append2(dst, t.Day(), '0')
	case 'D', 'x':
		return appendStrftime(dst, "%m/%d/%y", t)
	case 'e':
		return append2(dst, t.Day(), ' ')
	case 'F':
		return appendStrftime(dst, "%Y-%m-%d", t)
	case 'G':
		y, _ := t.ISOWeek()
		return appendInt(dst, y)
	case 'g':
		y, _ := t.ISOWeek()
		return append2(dst, ((y%100)+100)%100, '0')
	case 'H':
		return append2(dst, t.Hour(), '0')
	case 'I':
		return append2(dst, hour12(t), '0')
	case 'j':
		d := t.YearDay()
		return append(dst, byte('0'+d/100), byte('0'+d/10%10), byte('0'+d%10))
	case 'k':
		return append2(dst, t.Hour(), ' ')
	case 'l':
		return append2(dst, hour12(t), ' ')
	case 'm':
		return append2(dst, int(t.Month()), '0')
	case 'M':
		return append2(dst, t.Minute(), '0')
	case 'n':
		return append(dst, '\n')
	case 'p':
		if t.Hour() < 12 {
			return append(dst, "AM"...)
		}
		return append(dst, "PM"...)
	case 'P':
		if t.Hour() < 12 {
			return append(dst, "am"...)
		}
		return append(dst, "pm"...)
	case 'r':
		return appendStrftime(dst, "%I:%M:%S %p", t)
	case 'R':
		return appendStrftime(dst, "%H:%M", t)
	case 's':
		return appendInt(dst, int(t.Unix()))
	case 'S':
		return append2(dst, t.Second(), '0')
	case 't':
		return append(dst, '\t')
	case 'T', 'X':
		return appendStrftime(dst, "%H:%M:%S", t)
	case 'u':
		wd := int(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		return appendInt(dst, wd)
	case 'U':
		return append2(dst, (t.YearDay()+6-int(t.Weekday()))/7, '0')
	case 'V':
		_, w := t.ISOWeek()
		return append2(dst, w, '0')
	case 'w':
		return appendInt(dst, int(t.Weekday()))
	case 'W':
		return append2(dst, (t.YearDay()+6-(int(t.Weekday())+6)%7)/7, '0')
	case 'y':
		return append2(dst, ((t.Year()%100)+100)%100, '0')
	case 'Y':
		return appendInt(dst, t.Year())
	case 'z':
		_, off := t.Zone()
		sign := byte('+')
		if off < 0 {
			sign = '-'
			off = -off
		}
		dst = append(dst, sign)
		dst = append2(dst, off/3600, '0')
		return append2(dst, off/60%60, '0')
	case 'Z':
		name, _ := t.Zone()
		if t.Location() == time.UTC {
			// gmtime(3) names UTC "GMT".
			name = "GMT"
		}
		return append(dst, name...)
	case '%':
		return append(dst, '%')
	default:
		// glibc copies unknown conversions through unchanged.
		return append(dst, '%', c)
	}
}

func hour12(t time.Time) int {
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return h
}

func append2(dst []byte, v int, padc byte) []byte {
	if v < 10 {
		return append(dst, padc, byte('0'+v))
	}
	if v < 100 {
		return append(dst, byte('0'+v/10), byte('0'+v%10))
	}
	return appendInt(dst, v)
}

func appendInt(dst []byte, v int) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(dst, b[i:]...)
}
