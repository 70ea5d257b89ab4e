package table

import "github.com/govs/ovs/internal/getopt"

// Usage is the "Output formatting options" block of ovs-vsctl --help and
// ovsdb-client --help (ovsdb-client adds TimestampUsage after it).
// --max-column-width is accepted but, as in OVS, not listed.
const Usage = `Output formatting options:
  -f, --format=FORMAT         set output formatting to FORMAT
                              ("table", "html", "csv", or "json")
  -d, --data=FORMAT           set table cell output formatting to
                              FORMAT ("string", "bare", or "json")
  --no-headings               omit table heading row
  --pretty                    pretty-print JSON in output
  --bare                      equivalent to "--format=list --data=bare --no-headings"
`

// TimestampUsage is ovsdb-client's help line for --timestamp.
const TimestampUsage = `  --timestamp                 timestamp "monitor" output
`

// Options returns the table options that ovs-vsctl and ovsdb-client share,
// for the tool to add to its option table.
func Options() []getopt.Option {
	return []getopt.Option{
		{Name: "format", Short: 'f', HasArg: getopt.RequiredArgument},
		{Name: "data", Short: 'd', HasArg: getopt.RequiredArgument},
		{Name: "no-headings", HasArg: getopt.NoArgument},
		{Name: "pretty", HasArg: getopt.NoArgument},
		{Name: "bare", HasArg: getopt.NoArgument},
		{Name: "max-column-width", HasArg: getopt.RequiredArgument},
	}
}

// TimestampOption is --timestamp, which only ovsdb-client has.
func TimestampOption() getopt.Option {
	return getopt.Option{Name: "timestamp", HasArg: getopt.NoArgument}
}

// HandleOption applies p to s if it is one of the table options, and reports
// whether it was. The error, for a bad --format or --data, is in OVS's words
// (`unknown output format "xx"`); the tool prints it after its name and exits
// with status 1.
func (s *Style) HandleOption(p getopt.Parsed) (bool, error) {
	name := p.Name
	if p.Opt != nil {
		name = p.Opt.Name
		if name == "" {
			name = string(p.Opt.Short)
		}
	}
	switch name {
	case "format", "f":
		f, err := ParseFormat(p.Arg)
		if err != nil {
			return true, err
		}
		s.Format = f
	case "data", "d":
		d, err := ParseData(p.Arg)
		if err != nil {
			return true, err
		}
		s.Data = d
	case "no-headings":
		s.NoHeadings = true
	case "pretty":
		s.Pretty = true
	case "bare":
		s.Format = FormatList
		s.Data = DataBare
		s.NoHeadings = true
	case "max-column-width":
		s.MaxColumnWidth = atoi(p.Arg)
	case "timestamp":
		s.Timestamp = true
	default:
		return false, nil
	}
	return true, nil
}

// atoi converts like C's atoi, which OVS uses for --max-column-width: leading
// blanks and a sign, then digits up to the first non-digit; no digits gives
// 0. Values too large for an int saturate, which like C's result means no
// useful limit.
func atoi(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || '\t' <= s[i] && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	const limit = int(^uint(0) >> 1)
	n := 0
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		d := int(s[i] - '0')
		if n > (limit-d)/10 {
			n = limit
			continue
		}
		n = n*10 + d
	}
	if neg {
		return -n
	}
	return n
}
