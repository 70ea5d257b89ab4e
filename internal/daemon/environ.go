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
func init() {
	for i := range os.Args {
		os.Args[i] = strings.Clone(os.Args[i])
	}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			os.Setenv(k, v)
		}
	}
}
