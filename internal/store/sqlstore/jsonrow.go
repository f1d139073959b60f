package sqlstore

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// decodeRow decodes a flat JSON array of scalars — what the dialect's
// json_array function returns — into driver-like values: string, float64,
// bool or nil. Strings without escapes are sliced straight out of the text;
// anything unusual falls back to encoding/json, so the result is always
// what json.Unmarshal would give.
func decodeRow(s string) ([]any, error) {
	vals, ok := fastRow(s)
	if ok {
		return vals, nil
	}
	vals = nil
	err := json.Unmarshal([]byte(s), &vals)
	return vals, err
}

func fastRow(s string) ([]any, bool) {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '[' {
		return nil, false
	}
	vals := make([]any, 0, 16)
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == ']' {
		return vals, skipSpace(s, i+1) == len(s)
	}
	for {
		v, j, ok := fastScalar(s, i)
		if !ok {
			return nil, false
		}
		vals = append(vals, v)
		i = skipSpace(s, j)
		if i >= len(s) {
			return nil, false
		}
		if s[i] == ']' {
			return vals, skipSpace(s, i+1) == len(s)
		}
		if s[i] != ',' {
			return nil, false
		}
		i = skipSpace(s, i+1)
	}
}

// fastScalar decodes the JSON scalar at s[i:] and returns it with the index
// just past it; ok is false for anything the slow path must handle.
func fastScalar(s string, i int) (v any, next int, ok bool) {
	if i >= len(s) {
		return nil, i, false
	}
	switch c := s[i]; {
	case c == '"':
		j := i + 1
		for j < len(s) && s[j] != '"' && s[j] != '\\' && s[j] >= 0x20 {
			j++
		}
		if j >= len(s) || s[j] != '"' || !utf8.ValidString(s[i+1:j]) {
			return nil, i, false // escapes, control characters or bad UTF-8: the slow path
		}
		return s[i+1 : j], j + 1, true
	case c == 'n' && len(s) >= i+4 && s[i:i+4] == "null":
		return nil, i + 4, true
	case c == 't' && len(s) >= i+4 && s[i:i+4] == "true":
		return true, i + 4, true
	case c == 'f' && len(s) >= i+5 && s[i:i+5] == "false":
		return false, i + 5, true
	case c == '-' || (c >= '0' && c <= '9'):
		j, ok := jsonNumber(s, i)
		if !ok {
			return nil, i, false
		}
		f, err := strconv.ParseFloat(s[i:j], 64)
		if err != nil {
			return nil, i, false
		}
		return f, j, true
	default:
		return nil, i, false
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// jsonNumber returns the end of the JSON number at s[i:]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func jsonNumber(s string, i int) (int, bool) {
	digits := func(j int) int {
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(i + 1)
	default:
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return i, false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return i, false
		}
		i = j
	}
	return i, true
}
