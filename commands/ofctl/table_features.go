package ofctl

import "github.com/govs/ovs/proto/openflow"

// dumpTableFeatures is "dump-table-features SWITCH". Unlike the other
// dumps it does not print each reply on its own: a switch's tables span
// many reply parts, and OVS compares every table with the one before it
// ("tables 1...252: ditto") across those parts, without a title line.
func dumpTableFeatures(c *ctx, args []string) {
	conn := c.open(args[0])
	defer conn.Close()
	if conn.Version() < openflow.V13 {
		fatal("dump-table-features needs OpenFlow 1.3 or later ('-O OpenFlow13')")
	}
	var tables []openflow.TableFeatures
	c.transactEach(conn, args[0], &openflow.TableFeaturesRequest{}, func(reply []byte) {
		m, _, err := openflow.Decode(reply)
		if r, ok := m.(*openflow.TableFeaturesReply); ok && err == nil {
			tables = append(tables, r.Tables...)
			return
		}
		c.print(reply)
	})
	out := openflow.AppendTableFeaturesText(nil, tables, conn.Version())
	if len(out) > 0 {
		// Each table block starts a new line, which the first one does
		// not need here; OVS ends the list with a blank line instead.
		out = append(out[1:], '\n')
	}
	c.out.Write(out)
}
