// Command ovs is every Open vSwitch tool in one binary. The tool is chosen by
// the name the binary is started under (a symlink such as ovs-vsctl) or by
// its first argument (ovs vsctl ...).
package main

import (
	"os"

	"github.com/govs/ovs/commands"
)

func main() {
	os.Exit(commands.Main(os.Args))
}
