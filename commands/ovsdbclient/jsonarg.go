package ovsdbclient

import (
	"fmt"

	"github.com/govs/ovs/proto/ovsjson"
)

// parseJSONArg parses a JSON command-line argument the way OVS's
// json_from_string does, whose texts scripts see. The error reads
// `"<text>": line L, column C, byte B: <problem>`.
func parseJSONArg(text string) (ovsjson.Value, error) {
	v, errText := parseJSONText(text)
	if errText != "" {
		return v, fatalf("\"%s\": %s", text, errText)
	}
	return v, nil
}

// parseJSONText is json_from_string: the value must be an array or an
// object; a lone scalar is "syntax error at beginning of input", reported
// where the scalar's token ends. On failure it returns the error text.
func parseJSONText(text string) (ovsjson.Value, string) {
	i := 0
	for i < len(text) && isJSONSpace(text[i]) {
		i++
	}
	if i < len(text) && text[i] != '[' && text[i] != '{' {
		end, pos := scalarEnd(text, i)
		if _, err := ovsjson.ParseString(text[:end]); err != nil {
			return ovsjson.Value{}, err.Error()
		}
		line, col := lineColumn(text, pos)
		return ovsjson.Value{}, fmt.Sprintf("line %d, column %d, byte %d: syntax error at beginning of input",
			line, col, pos)
	}
	v, err := ovsjson.ParseString(text)
	if err != nil {
		return ovsjson.Value{}, err.Error()
	}
	return v, ""
}

// scalarEnd finds the end of the scalar token starting at i, and the
// position at which a lexer recognises it as complete: the closing quote
// of a string, the first byte after any other token.
func scalarEnd(text string, i int) (end, pos int) {
	if text[i] == '"' {
		for j := i + 1; j < len(text); j++ {
			switch text[j] {
			case '\\':
				j++
			case '"':
				return j + 1, j
			}
		}
		return len(text), len(text)
	}
	j := i
	for j < len(text) && isTokenByte(text[j]) {
		j++
	}
	if j == i {
		j++
	}
	return j, j
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '+' || c == '.'
}

func lineColumn(text string, pos int) (line, col int) {
	for i := 0; i < pos && i < len(text); i++ {
		if text[i] == '\n' {
			line++
			col = 0
		} else {
			col++
		}
	}
	return line, col
}
