package daemon

import (
	"os"
	"strings"
)

// Go's runtime keeps the argument and environment strings where the kernel
// put them. The --monitor process writes its title over that memory (as
// OVS's monitor does), which would corrupt every string still pointing
// there: an option value such as the log file name, or an environment
// variable, and with them the next re-execution ("environment variable
// contains NUL"). Copying them to the Go heap before any option is parsed
// keeps the title writer from touching live data.
//
// Only a process that may become the monitor copies: the copy (a Setenv
// per variable) is a measurable part of the start-up of a short-lived tool
// such as ovs-vsctl, which every tool of the binary would otherwise pay.
func init() {
	if !mayMonitor(os.Args) {
		return
	}
	for i := range os.Args {
		os.Args[i] = strings.Clone(os.Args[i])
	}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			os.Setenv(k, v)
		}
	}
}

// mayMonitor reports whether a process started with args may become a
// --monitor process: only one that has --monitor, or an abbreviation of it
// (getopt accepts any unambiguous prefix, so anything from "--m" on is
// counted), or that a daemon re-executed for one of its stages. Strings
// after "--" count too: a false yes only costs the copy.
func mayMonitor(args []string) bool {
	if _, ok := os.LookupEnv(envStage); ok {
		return true
	}
	for _, a := range args[min(1, len(args)):] {
		if strings.HasPrefix(a, "--m") {
			return true
		}
	}
	return false
}
