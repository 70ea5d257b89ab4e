package vsctl

// ovs-vsctl runs on one processor (see Main); internal/oneshot makes that
// so before the binary's package initialisers run, where it is cheap.
import _ "github.com/govs/ovs/internal/oneshot"
