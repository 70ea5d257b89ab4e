package ctl

import (
	"os"
	"strings"

	"github.com/govs/ovs/internal/paths"
)

// settings holds ovs-ctl's settings by their variable name (SYSTEM_ID,
// MLOCKALL, ...). The script's option syntax is defined over variables,
// not over a fixed option list: --system-id=X sets SYSTEM_ID, --mlockall and
// --no-mlockall set MLOCKALL to yes or no, and the bare forms are accepted
// only while the variable currently holds yes or no. Keeping the values as
// strings reproduces that exactly (--mlockall=maybe is taken, after which
// --no-mlockall is not).
type settings map[string]string

// yes reports whether a yes/no setting is "yes".
func (s settings) yes(name string) bool { return s[name] == "yes" }

// defaults returns the settings ovs-ctl starts from, which depend on the
// environment (OVS_* directories) and on the system's identification files.
func defaults() settings {
	s := settings{
		"SYSTEM_ID":              "",
		"FULL_HOSTNAME":          "yes",
		"RECORD_HOSTNAME":        "yes",
		"DELETE_BRIDGES":         "no",
		"DELETE_TRANSIENT_PORTS": "no",
		"DAEMON_CWD":             "/",
		"FORCE_COREFILES":        "yes",
		"DUMP_HUGEPAGES":         "no",
		"MLOCKALL":               "yes",
		"SELF_CONFINEMENT":       "yes",
		"MONITOR":                "yes",
		"OVS_USER":               "",
		"OVSDB_SERVER":           "yes",
		"OVS_VSWITCHD":           "yes",
		"OVSDB_SERVER_PRIORITY":  "-10",
		"OVS_VSWITCHD_PRIORITY":  "-10",
		"OVSDB_SERVER_OPTIONS":   "",
		"OVS_VSWITCHD_OPTIONS":   "",
		"DB_FILE":                paths.DBDir() + "/conf.db",
		"DB_SOCK":                paths.RunDir() + "/db.sock",
		"DB_SCHEMA":              paths.PkgDataDir() + "/vswitch.ovsschema",
		"EXTRA_DBS":              "",
	}
	s["SYSTEM_TYPE"], s["SYSTEM_VERSION"] = systemIdentity()
	return s
}

// systemIdentity finds the default system type and version: the
// system-type.conf and system-version.conf files in $sysconfdir/openvswitch,
// else ID and VERSION_ID from /etc/os-release, else "unknown".
func systemIdentity() (typ, version string) {
	etc := etcDir()
	if _, err := os.Stat(etc + "/system-type.conf"); err == nil {
		return readTrimmed(etc + "/system-type.conf"), readTrimmed(etc + "/system-version.conf")
	}
	if text, err := os.ReadFile("/etc/os-release"); err == nil {
		vars := parseShellAssignments(string(text))
		return vars["ID"], vars["VERSION_ID"]
	}
	return "unknown", "unknown"
}

// etcDir is where the system-id, system-type and system-version files live.
func etcDir() string { return paths.SysConfDir() + "/openvswitch" }

// readTrimmed returns a file's contents without trailing newlines, as a
// shell command substitution would, or "" if it cannot be read.
func readTrimmed(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimRight(string(b), "\n")
}

// parseShellAssignments reads NAME=VALUE lines such as /etc/os-release and
// install_uuid.conf hold, with the single or double quoting those files use.
// It is not a shell: no expansion, no continuation lines.
func parseShellAssignments(text string) map[string]string {
	vars := make(map[string]string)
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, value, ok := strings.Cut(line, "=")
		if !ok || !isShellName(name) {
			continue
		}
		vars[name] = unquoteShell(value)
	}
	return vars
}

func isShellName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// unquoteShell removes the quotes of a simple shell word: 'x', "x" (with
// backslash escapes) or a bare word.
func unquoteShell(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\'':
			j := strings.IndexByte(v[i+1:], '\'')
			if j < 0 {
				b.WriteString(v[i+1:])
				return b.String()
			}
			b.WriteString(v[i+1 : i+1+j])
			i += j + 1
		case '"':
			for i++; i < len(v) && v[i] != '"'; i++ {
				if v[i] == '\\' && i+1 < len(v) && strings.IndexByte("\\\"$`", v[i+1]) >= 0 {
					i++
				}
				b.WriteByte(v[i])
			}
		case '\\':
			if i+1 < len(v) {
				i++
				b.WriteByte(v[i])
			}
		case ' ', '\t':
			return b.String()
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// invocation is a parsed command line.
type invocation struct {
	command  string
	set      settings
	extraIDs []string // "external-ids:KEY=VALUE" arguments for ovs-vsctl
	help     bool     // -h, --help or the help command: print usage, exit 0
	version  bool     // -V, --version: print our version, exit 0
	// warnings are the messages for options that were skipped; fatal, if
	// set, is the message that ends the program with status 1.
	warnings []string
	fatal    string
}

// parseArgs parses ovs-ctl's arguments (without the program name) the way
// the script does: left to right, stopping at --help or --version, warning
// about unknown --options and carrying on, failing on anything else that
// looks like an option and on a second command.
func parseArgs(program string, args []string, set settings) *invocation {
	inv := &invocation{set: set}
	for _, arg := range args {
		switch {
		case arg == "-h" || arg == "--help":
			inv.help = true
			return inv
		case arg == "-V" || arg == "--version":
			inv.version = true
			return inv
		case strings.HasPrefix(arg, "--external-id="):
			value := arg[len("--external-id="):]
			if !strings.Contains(value, "=") {
				inv.fatal = program + ": --external-id argument not in the form \"key=value\""
				return inv
			}
			inv.extraIDs = append(inv.extraIDs, "external-ids:"+value)
		case len(arg) > 2 && arg[:2] == "--" && isLower(arg[2]):
			name, value, hasValue := strings.Cut(arg[2:], "=")
			isBool := !hasValue
			if isBool {
				value = "yes"
				if len(name) > 3 && strings.HasPrefix(name, "no-") && isLower(name[3]) {
					name, value = name[3:], "no"
				}
			}
			v := variableName(name)
			old, known := set[v]
			if !known || isBool && old != "yes" && old != "no" {
				inv.warnings = append(inv.warnings, program+": unknown option \""+arg+"\" (use --help for help)")
				continue
			}
			set[v] = value
		case strings.HasPrefix(arg, "-"):
			inv.fatal = program + ": unknown option \"" + arg + "\" (use --help for help)"
			return inv
		case inv.command == "":
			inv.command = arg
		default:
			inv.fatal = program + ": exactly one non-option argument required (use --help for help)"
			return inv
		}
	}
	return inv
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// variableName maps an option name to its setting: letters upper-cased,
// dashes turned into underscores.
func variableName(option string) string {
	b := []byte(option)
	for i, c := range b {
		switch {
		case isLower(c):
			b[i] = c - 'a' + 'A'
		case c == '-':
			b[i] = '_'
		}
	}
	return string(b)
}
