package vlog

import (
	"os"
	"strconv"
	"strings"
)

// A daemon that detaches or runs under --monitor re-executes itself (Go
// cannot fork), and each process parses the same options again. OVS's
// forked child simply inherits its parent's logging state, so "opened log
// file" appears once and serial numbers keep counting. HandoffEnv and the
// init below give the re-executed process the same continuity.
const envHandoff = "GOVS_VLOG_HANDOFF"

// handoffPath is the log file an ancestor process already announced; the
// next SetLogFile of that path opens it silently.
var handoffPath string

func init() {
	v, ok := os.LookupEnv(envHandoff)
	if !ok {
		return
	}
	os.Unsetenv(envHandoff)
	n, path, _ := strings.Cut(v, ":")
	if s, err := strconv.ParseUint(n, 10, 64); err == nil {
		seq = s
	}
	handoffPath = path
}

// HandoffEnv returns the environment entry that passes this process's
// logging state (serial number, announced log file) to a re-executed copy
// of itself.
func HandoffEnv() string {
	mu.Lock()
	defer mu.Unlock()
	return envHandoff + "=" + strconv.FormatUint(seq, 10) + ":" + logFilePath
}
