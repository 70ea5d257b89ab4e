package vlog

import (
	"errors"
	"fmt"
	"strings"
)

const specDelims = " ,:\t"

func isSpecDelim(c byte) bool { return strings.IndexByte(specDelims, c) >= 0 }

// nextWord returns the next word of s at or after pos and the position just
// past the delimiter that ended it, like strtok_r. That position matters for
// PATTERN specs, whose pattern is "the rest of the string" and may itself
// contain delimiters.
func nextWord(s string, pos int) (word string, next int) {
	for pos < len(s) && isSpecDelim(s[pos]) {
		pos++
	}
	start := pos
	for pos < len(s) && !isSpecDelim(s[pos]) {
		pos++
	}
	word = s[start:pos]
	if pos < len(s) {
		pos++ // skip the one delimiter that ended the word
	}
	return word, pos
}

// Set applies one logging spec, as given to -v or vlog/set:
//
//   - words separated by spaces, commas or colons, at most one each of a
//     module name, a destination (console, syslog, file) and a level (off,
//     emer, err, warn, info, dbg), in any order and any case; a missing
//     module means all modules, a missing destination all destinations, a
//     missing level dbg ("" sets everything to dbg); "any" is ignored;
//   - "PATTERN:DEST:PATTERN" sets DEST's pattern;
//   - "FACILITY:NAME" sets the syslog facility.
//
// Errors carry OVS's texts, e.g. `no destination, level, or module "foo"`.
func Set(spec string) error {
	first, rest := nextWord(spec, 0)
	switch {
	case strings.EqualFold(first, "PATTERN"):
		destWord, pat := nextWord(spec, rest)
		if destWord == "" {
			return errors.New("missing destination")
		}
		if strings.EqualFold(destWord, "any") {
			for d := range nDest {
				SetPattern(Destination(d), spec[pat:])
			}
			return nil
		}
		d, ok := parseDestination(destWord)
		if !ok {
			return fmt.Errorf("unknown destination \"%s\"", destWord)
		}
		SetPattern(d, spec[pat:])
		return nil
	case strings.EqualFold(first, "FACILITY"):
		// Like a pattern, the facility is the whole rest of the spec:
		// "FACILITY:local1:x" is invalid, not local1.
		f, ok := facilityCode(strings.ToLower(spec[rest:]))
		if !ok {
			return errors.New("invalid facility")
		}
		mu.Lock()
		facility = f
		mu.Unlock()
		return nil
	}

	var (
		mod   *Module
		dest  = Destination(-1)
		level = Level(-1)
	)
	cfgMu.Lock()
	for pos := 0; ; {
		var w string
		w, pos = nextWord(spec, pos)
		if w == "" {
			break
		}
		if strings.EqualFold(w, "any") {
			continue
		}
		if d, ok := parseDestination(w); ok {
			if dest >= 0 {
				cfgMu.Unlock()
				return errors.New("cannot specify multiple destinations")
			}
			dest = d
		} else if l, ok := ParseLevel(w); ok {
			if level >= 0 {
				cfgMu.Unlock()
				return errors.New("cannot specify multiple levels")
			}
			level = l
		} else if m := lookupModule(w); m != nil {
			if mod != nil {
				cfgMu.Unlock()
				return errors.New("cannot specify multiple modules")
			}
			mod = m
		} else {
			cfgMu.Unlock()
			return fmt.Errorf("no destination, level, or module \"%s\"", w)
		}
	}
	if level < 0 {
		level = Dbg
	}
	setLevelsLocked(mod, dest, level)
	cfgMu.Unlock()
	return nil
}

// SetLevel sets module m's level for destination d; a nil m means all
// modules and a negative d all destinations.
func SetLevel(m *Module, d Destination, level Level) {
	if level < Off || level > Dbg {
		return
	}
	cfgMu.Lock()
	setLevelsLocked(m, d, level)
	cfgMu.Unlock()
}

func setLevelsLocked(m *Module, d Destination, level Level) {
	for dd := range nDest {
		if d >= 0 && Destination(dd) != d {
			continue
		}
		if m == nil {
			defaultLevels[dd] = level
			for _, mm := range sorted {
				mm.levels[dd].Store(int32(level))
			}
		} else {
			m.levels[dd].Store(int32(level))
		}
	}
	if m == nil {
		for _, mm := range sorted {
			mm.updateMaxLocked()
		}
	} else {
		m.updateMaxLocked()
	}
}

// SetPattern sets the pattern used to format messages for destination d.
func SetPattern(d Destination, p string) {
	if d < 0 || int(d) >= nDest {
		return
	}
	cp := compilePattern(p)
	mu.Lock()
	patterns[d] = cp
	mu.Unlock()
}

// Pattern returns destination d's pattern source.
func Pattern(d Destination) string {
	mu.Lock()
	defer mu.Unlock()
	return patternLocked(d).src
}
