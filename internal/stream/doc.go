// Package stream implements OVS's connection methods: the "unix:PATH",
// "tcp:HOST:PORT", "punix:PATH" and "ptcp:PORT[:IP]" names that every OVS
// tool and daemon accepts, and the reconnect state machine that decides
// when an active connection is retried, probed or given up.
//
// Names are parsed the way OVS 3.1 parses them, including its leniencies
// (a relative unix path is relative to the rundir, "tcp:IP" without a port
// takes a default port with a warning) and its error reporting: a name that
// cannot be opened fails with EAFNOSUPPORT, which tools print as "Address
// family not supported by protocol", after logging the precise complaint
// under the module names OVS uses (socket_util, stream_tcp, stream_unix).
// Errors keep their errno so callers can print them with Strerror exactly
// as OVS prints strerror(3) text.
//
// SSL ("ssl:", "pssl:") is not supported yet; those names are refused like
// any unknown method, as an OVS built without OpenSSL refuses them.
//
// Reconnect is a pure state machine that takes the current time as an
// argument instead of reading a clock or starting goroutines: the session
// layer in proto/jsonrpc drives it with the real clock, and tests drive it
// with virtual time, so backoff and inactivity-probe behaviour is tested
// exactly and without sleeping.
package stream
