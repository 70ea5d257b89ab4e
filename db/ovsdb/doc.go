// Package ovsdb is the OVSDB data model: UUIDs, atoms, types, datums,
// schemas, rows and OVSDB error objects, with their RFC 7047 JSON forms and
// the ovs-vsctl text syntax. The transaction engine, the server, the
// on-disk log and the client tools are all built on it.
//
// Hard choices, and why:
//
//   - Atom is a small value type (a string plus two words) rather than an
//     interface: datums are copied, compared and sorted in every
//     transaction, and boxing each scalar would put every element on the
//     heap. An Atom does not know its own type; the column's Type does, as
//     in OVS.
//   - Datums are always kept sorted in OVS's order (numbers numerically,
//     false < true, strings by bytes, UUIDs by their text) with unique
//     keys. That makes output byte-identical to OVS's, equality a linear
//     scan and set algebra a merge.
//   - Error texts are OVS's, captured by running OVS 3.1's own tools,
//     because scripts and tests compare them. *Error is the OVSDB error
//     object ({"error", "details", "syntax"}); StringError carries the
//     ovs-vsctl text-syntax messages, which OVS reports as plain strings.
//   - A schema's "cksum" is copied, not computed, when parsed, as OVS does;
//     SchemaCksum reproduces how OVS's build derives it from the file.
package ovsdb
