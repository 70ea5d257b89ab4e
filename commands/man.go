package commands

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The man pages of "ovs man DIR" are written here rather than by
// cobra/doc: that package renders through a Markdown library whose package
// initialisation (dozens of regular expressions and tables) ran at the
// start of every process, ovs-vsctl's included, for the benefit of this
// one rarely used command. The pages keep cobra/doc's layout: one per
// command, named after its path with dashes, NAME, SYNOPSIS, DESCRIPTION,
// OPTIONS and SEE ALSO. Descriptions are cobra's light Markdown:
// paragraphs, indented code blocks and "####" headings.

// genManTree writes a page for cmd and every available subcommand into
// dir.
func genManTree(cmd *cobra.Command, dir, source string) error {
	date := time.Now()
	if epoch := os.Getenv("SOURCE_DATE_EPOCH"); epoch != "" {
		n, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return fmt.Errorf("invalid SOURCE_DATE_EPOCH: %v", err)
		}
		date = time.Unix(n, 0)
	}
	return genManPages(cmd, dir, source, date.Format("Jan 2006"))
}

func genManPages(cmd *cobra.Command, dir, source, date string) error {
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			continue
		}
		if err := genManPages(c, dir, source, date); err != nil {
			return err
		}
	}
	name := strings.ReplaceAll(cmd.CommandPath(), " ", "-")
	return os.WriteFile(filepath.Join(dir, name+".1"), manPage(cmd, name, source, date), 0o644)
}

func manPage(cmd *cobra.Command, name, source, date string) []byte {
	cmd.InitDefaultHelpCmd()
	cmd.InitDefaultHelpFlag()
	var b strings.Builder
	fmt.Fprintf(&b, ".nh\n.TH \"OVS\" \"1\" \"%s\" \"%s\" \"\"\n\n", date, source)
	fmt.Fprintf(&b, ".SH NAME\n%s - %s\n\n\n", name, roffText(cmd.Short))
	fmt.Fprintf(&b, ".SH SYNOPSIS\n\\fB%s\\fP\n\n\n", roffText(cmd.UseLine()))
	desc := cmd.Long
	if desc == "" {
		desc = cmd.Short
	}
	b.WriteString(".SH DESCRIPTION\n")
	manMarkdown(&b, desc)
	b.WriteString("\n\n")
	manFlags(&b, "OPTIONS", cmd.NonInheritedFlags())
	manFlags(&b, "OPTIONS INHERITED FROM PARENT COMMANDS", cmd.InheritedFlags())
	var also []string
	if cmd.HasParent() {
		also = append(also, `\fB`+strings.ReplaceAll(cmd.Parent().CommandPath(), " ", "-")+`(1)\fP`)
	}
	children := slices.Clone(cmd.Commands())
	slices.SortFunc(children, func(a, b *cobra.Command) int { return strings.Compare(a.Name(), b.Name()) })
	for _, c := range children {
		if c.IsAvailableCommand() && !c.IsAdditionalHelpTopicCommand() {
			also = append(also, `\fB`+name+"-"+c.Name()+`(1)\fP`)
		}
	}
	if len(also) > 0 {
		b.WriteString(".SH SEE ALSO\n" + strings.Join(also, ", ") + "\n")
	}
	return []byte(b.String())
}

func manFlags(b *strings.Builder, title string, flags *pflag.FlagSet) {
	if !flags.HasAvailableFlags() {
		return
	}
	b.WriteString(".SH " + title + "\n")
	first := true
	flags.VisitAll(func(f *pflag.Flag) {
		if f.Deprecated != "" || f.Hidden {
			return
		}
		if !first {
			b.WriteString(".PP\n")
		}
		first = false
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			fmt.Fprintf(b, `\fB-%s\fP, \fB--%s\fP`, f.Shorthand, f.Name)
		} else {
			fmt.Fprintf(b, `\fB--%s\fP`, f.Name)
		}
		def := f.DefValue
		if f.Value.Type() == "string" {
			def = strconv.Quote(def)
		}
		if f.NoOptDefVal != "" {
			fmt.Fprintf(b, "[=%s]", roffText(def))
		} else {
			fmt.Fprintf(b, "=%s", roffText(def))
		}
		fmt.Fprintf(b, "\n\t%s\n\n", roffText(f.Usage))
	})
	b.WriteString("\n")
}

// manMarkdown renders cobra's Markdown subset: blank lines separate
// paragraphs, lines indented by a tab or four spaces are code, "#"
// lines are subheadings.
func manMarkdown(b *strings.Builder, text string) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	para := false // inside a paragraph's text
	code := false
	heading := false // the last thing written is a subheading
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		indented := strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "    ")
		switch {
		case code && (indented || l == "" && i+1 < len(lines) && isIndented(lines[i+1])):
			b.WriteString(roffLine(strings.TrimPrefix(strings.TrimPrefix(l, "\t"), "    ")) + "\n")
			continue
		case code:
			b.WriteString(".EE\n")
			code = false
		}
		switch {
		case l == "":
			para = false
		case indented:
			if !heading {
				b.WriteString("\n")
			}
			b.WriteString(".EX\n" + roffLine(strings.TrimPrefix(strings.TrimPrefix(l, "\t"), "    ")) + "\n")
			code, para = true, false
		case strings.HasPrefix(l, "#"):
			b.WriteString("\n.SS " + roffText(strings.TrimSpace(strings.TrimLeft(l, "#"))) + "\n")
			para, heading = true, true
			continue
		default:
			if !para && b.Len() > 0 && !strings.HasSuffix(b.String(), ".SH DESCRIPTION\n") {
				b.WriteString("\n.PP\n")
			}
			b.WriteString(roffLine(l) + "\n")
			para = true
		}
		if l != "" {
			heading = false
		}
	}
	if code {
		b.WriteString(".EE\n")
	}
	s := b.String()
	if !strings.HasSuffix(s, "\n") {
		b.WriteString("\n")
	}
}

func isIndented(l string) bool { return strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "    ") }

// roffText escapes backslashes for roff.
func roffText(s string) string { return strings.ReplaceAll(s, `\`, `\e`) }

// roffLine escapes a line of text, including a leading control character.
func roffLine(s string) string {
	s = roffText(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
