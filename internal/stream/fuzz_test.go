package stream

import (
	"io"
	"testing"

	"github.com/govs/ovs/internal/vlog"
)

// FuzzVerify checks that connection names from users and databases never
// crash the parser and that what it accepts is usable.
func FuzzVerify(f *testing.F) {
	vlog.SetConsoleWriter(io.Discard)
	for _, s := range []string{
		"unix:/a", "tcp:127.0.0.1:6640", "tcp:[::1]:1", "tcp:::1:1", "ptcp:0:[::1", "ptcp:6640:127.0.0.1",
		"punix:x", "tcp:127.0.0.1: +1", "ssl:1.2.3.4:5", "tcp:[", "ptcp::", "foo",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		tg, err := parse(name)
		if err == nil {
			switch tg.method {
			case methodTCP, methodPTCP:
				if tg.port < 0 || tg.port > 65535 {
					t.Fatalf("%q: port %d", name, tg.port)
				}
			case methodUnix, methodPUnix:
				if tg.path == "" {
					t.Fatalf("%q: empty path", name)
				}
			default:
				t.Fatalf("%q accepted with unknown method", name)
			}
			if IsActive(name) == IsPassive(name) {
				t.Fatalf("%q: active %v passive %v", name, IsActive(name), IsPassive(name))
			}
		}
		WithDefaultPort(name, OVSDBPort)
	})
}
