// Package table prints tables the way ovsdb-client and ovs-vsctl print them:
// --format=table|list|html|csv|json, --data=string|bare|json, --no-headings,
// --pretty, --bare, --max-column-width and (ovsdb-client) --timestamp.
// Scripts parse this output, so every byte follows what OVS 3.1 prints; the
// golden files under testdata were produced by the real tools and the tests
// compare against them byte for byte.
//
// The package knows nothing of OVSDB types. A Cell renders itself in the three
// data forms and the printer only lays the strings out, so the database model
// and the tools can evolve on their own. Two cells are not data and are
// special-cased by type rather than by method, because OVS treats them
// differently from every datum in every format: Text (a row UUID in a monitor
// table, a table name in list-tables) prints as is whatever --data says, and
// a nil Cell (a column an update did not touch) prints as nothing, or as null
// in JSON.
//
// Facts about the output that the code encodes, all checked against OVS:
//
//   - Widths and truncation count bytes, not characters or display columns:
//     "brü" pads as 4 wide, and --max-column-width may cut a UTF-8 sequence.
//   - Table format separates columns with one space, pads every column to its
//     widest cell (and heading, when headings are shown), then strips trailing
//     spaces (only spaces, not tabs or newlines) from each whole line. Values
//     with newlines are printed raw and count every byte towards the width.
//   - --max-column-width applies to table format only; a value <= 0 means no
//     limit; headings are never truncated and widen their column.
//   - List format prints "%-20s: " headings, a blank line between rows, and
//     with --no-headings just the values, one per line.
//   - CSV quotes a field only when it holds a comma, a double quote or a
//     newline (a carriage return alone does not count); lines end in "\n".
//   - HTML escapes only & < > and ". In a column headed "_uuid" each cell
//     becomes <a name="TEXT">first 8 bytes</a>; in every other cell each
//     substring that parses as a UUID becomes <a href="#UUID">first 8</a>.
//   - JSON format always prints cells as JSON whatever --data says, always
//     includes headings (even with --no-headings), sorts members (caption,
//     data, headings, time) and puts each table on its own line; --pretty
//     affects only this format.
//   - Captions print on their own line above the table (table, list and CSV),
//     as an indented <caption> in HTML, as a member in JSON.
//   - Once a table has been printed, every later table in table, list and CSV
//     formats starts with a blank line, even when other output came between:
//     OVS keeps that state for the whole process, which is why Print takes a
//     *Style that remembers it.
//   - --timestamp adds "YYYY-MM-DD HH:MM:SS.mmm" (UTC, milliseconds truncated)
//     on its own line above the caption, or a "time" member in JSON (OVS 3.1
//     crashes on --timestamp --format=json, so that member follows the manual
//     and holds the same text).
package table
