package vlog

import "strings"

// Level is a message severity, ordered from "log nothing" (Off) to the most
// verbose (Dbg). A destination configured at level L shows messages whose
// level is at most L.
type Level int

// The log levels, in OVS's order.
const (
	Off Level = iota
	Emer
	Err
	Warn
	Info
	Dbg
)

// nLevels is the number of levels including Off.
const nLevels = int(Dbg) + 1

var levelNames = [nLevels]string{"OFF", "EMER", "ERR", "WARN", "INFO", "DBG"}

// ParseLevel parses a level name, ignoring case. OVS accepts exactly the six
// names shown by vlog/list ("warning" or "debug" are rejected).
func ParseLevel(s string) (Level, bool) {
	for i, n := range levelNames {
		if strings.EqualFold(s, n) {
			return Level(i), true
		}
	}
	return 0, false
}

// String returns the level as vlog/list and the %p escape show it.
func (l Level) String() string {
	if l >= 0 && int(l) < nLevels {
		return levelNames[l]
	}
	return "INVALID"
}

// syslogSeverity maps a level to an RFC 5424 severity. OVS uses "alert" for
// EMER (the process is about to abort) and "notice" for INFO so that the
// default configuration's messages are not drowned among other daemons'
// informational chatter.
var syslogSeverity = [nLevels]int{
	Off:  0,
	Emer: 1, // LOG_ALERT
	Err:  3, // LOG_ERR
	Warn: 4, // LOG_WARNING
	Info: 5, // LOG_NOTICE
	Dbg:  7, // LOG_DEBUG
}

// Destination is where log messages go.
type Destination int

// The log destinations, in vlog/list column order.
const (
	Console Destination = iota
	Syslog
	File
)

const nDest = int(File) + 1

var destNames = [nDest]string{"console", "syslog", "file"}

// String returns the destination's lower-case name.
func (d Destination) String() string {
	if d >= 0 && int(d) < nDest {
		return destNames[d]
	}
	return "invalid"
}

func parseDestination(s string) (Destination, bool) {
	for i, n := range destNames {
		if strings.EqualFold(s, n) {
			return Destination(i), true
		}
	}
	return 0, false
}
