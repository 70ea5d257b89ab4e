package ovsdbtool

import (
	"fmt"

	"github.com/govs/ovs/proto/ovsjson"
)

// parseTopLevel parses JSON text given on the command line. OVS's parser
// takes only an object or an array at the top level, and it says so as
// soon as a first scalar token is complete, at that token's end (the
// closing quote of a string); a general parser accepts the scalar, so
// that case is found here first.
func parseTopLevel(text string) (ovsjson.Value, error) {
	if msg, ok := scalarAtTop(text); ok {
		return ovsjson.Value{}, scalarError(msg)
	}
	return ovsjson.ParseString(text)
}

type scalarError string

func (e scalarError) Error() string { return string(e) }

func scalarAtTop(s string) (string, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	if i == len(s) || s[i] == '{' || s[i] == '[' {
		return "", false
	}
	var end int // where OVS's lexer stands when the token is complete
	switch c := s[i]; {
	case c == '"':
		j := i + 1
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(s) {
			return "", false
		}
		if _, err := ovsjson.ParseString(s[i : j+1]); err != nil {
			return "", false
		}
		end = j
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		j := i
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
			j++
		}
		if _, err := ovsjson.ParseString(s[i:j]); err != nil {
			return "", false
		}
		end = j
	default:
		j := i
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '-' || s[j] == '+' || s[j] == '.' || s[j] == 'e' || s[j] == 'E') {
			j++
		}
		if j == i {
			return "", false
		}
		if _, err := ovsjson.ParseString(s[i:j]); err != nil {
			return "", false
		}
		end = j
	}
	line, col := 0, 0
	for k := 0; k < end; k++ {
		if s[k] == '\n' {
			line++
			col = 0
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d, byte %d: syntax error at beginning of input", line, col, end), true
}
