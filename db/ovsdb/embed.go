package ovsdb

import _ "embed"

//go:embed schemas/vswitch.ovsschema
var vswitchSchemaText []byte

// VswitchSchemaText returns the text of OVS 3.1's Open_vSwitch schema
// (vswitch.ovsschema). The caller must not modify it.
func VswitchSchemaText() []byte { return vswitchSchemaText }
