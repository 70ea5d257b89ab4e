package vlog

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// CommandRegistrar is the part of a unixctl server that packages need to
// register their ovs-appctl commands. It is an interface so that vlog (and
// coverage, memory) need not import the unixctl implementation. fn's result
// is the reply body; a non-nil error becomes an error reply with its text.
type CommandRegistrar interface {
	Register(name, usage string, minArgs, maxArgs int, fn func(args []string) (string, error))
}

// RegisterCommands registers the vlog/* commands with OVS's usages and
// argument counts.
func RegisterCommands(r CommandRegistrar) {
	r.Register("vlog/set", "{spec | PATTERN:destination:pattern}", 0, math.MaxInt32,
		func(args []string) (string, error) {
			if len(args) == 0 {
				return "", Set("")
			}
			for _, a := range args {
				if err := Set(a); err != nil {
					return "", err
				}
			}
			return "", nil
		})
	r.Register("vlog/list", "", 0, 0, func([]string) (string, error) {
		return List(), nil
	})
	r.Register("vlog/list-pattern", "", 0, 0, func([]string) (string, error) {
		return ListPattern(), nil
	})
	r.Register("vlog/enable-rate-limit", "[module]...", 0, math.MaxInt32,
		func(args []string) (string, error) { return "", setRateLimit(args, true) })
	r.Register("vlog/disable-rate-limit", "[module]...", 0, math.MaxInt32,
		func(args []string) (string, error) { return "", setRateLimit(args, false) })
	r.Register("vlog/reopen", "", 0, 0, func([]string) (string, error) {
		if LogFilePath() == "" {
			return "", errors.New("Logging to file not configured")
		}
		if err := Reopen(); err != nil {
			// OVS replies with just the system error text.
			var lerr *LogFileError
			if errors.As(err, &lerr) {
				return "", errors.New(errnoText(lerr.Err))
			}
			return "", err
		}
		return "", nil
	})
	r.Register("vlog/close", "", 0, 0, func([]string) (string, error) {
		return "", Close()
	})
}

func setRateLimit(names []string, honor bool) error {
	cfgMu.Lock()
	defer cfgMu.Unlock()
	if len(names) == 0 {
		for _, m := range sorted {
			m.honorRateLimit.Store(honor)
		}
		return nil
	}
	for _, n := range names {
		m := lookupModule(n)
		if m == nil {
			return errors.New("unknown module")
		}
		m.honorRateLimit.Store(honor)
	}
	return nil
}

// List renders the module levels table, as vlog/list prints it.
func List() string {
	var b strings.Builder
	b.WriteString("                 console    syslog    file\n")
	b.WriteString("                 -------    ------    ------\n")
	cfgMu.Lock()
	defer cfgMu.Unlock()
	for _, m := range sorted {
		fmt.Fprintf(&b, "%-16s  %4s       %4s       %4s\n", m.name,
			Level(m.levels[Console].Load()), Level(m.levels[Syslog].Load()),
			Level(m.levels[File].Load()))
	}
	return b.String()
}

// ListPattern renders the patterns table, as vlog/list-pattern prints it.
func ListPattern() string {
	mu.Lock()
	defer mu.Unlock()
	var b strings.Builder
	b.WriteString("         prefix                            format\n")
	b.WriteString("         ------                            ------\n")
	fmt.Fprintf(&b, "%-9s%-34s%s\n", "SYSLOG", syslogPrefixPattern, patternLocked(Syslog).src)
	fmt.Fprintf(&b, "%-9s%-34s%s\n", "CONSOLE", "none", patternLocked(Console).src)
	fmt.Fprintf(&b, "%-9s%-34s%s\n", "FILE", "none", patternLocked(File).src)
	return b.String()
}
