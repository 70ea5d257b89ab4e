// Package version holds the product name and version stamped into the binary
// at build time. Every tool prints them in OVS's "--version" form because
// scripts parse that line.
package version

import "fmt"

// Product is printed where OVS prints "Open vSwitch".
const Product = "GoVS"

// These are overridden at build time with -ldflags "-X ...".
var (
	Version = "0.1.0"
	Commit  = "unknown"
)

// SchemaVersion is the version of the vswitch.ovsschema the project ships.
const SchemaVersion = "8.3.1"

// Line is the first line of every tool's --version output, in OVS's form:
// "ovs-vsctl (GoVS) 0.1.0".
func Line(program string) string {
	return fmt.Sprintf("%s (%s) %s", program, Product, Version)
}
