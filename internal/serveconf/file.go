package serveconf

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// entry is one setting of the file: its values (one for a scalar, any
// number for a sequence) and the line it is on.
type entry struct {
	values []string
	seq    bool // written as a YAML sequence
	line   int
}

// yamlLine finds the line number in the YAML library's syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseFile parses the flat YAML of a configuration file named name: a
// mapping whose keys are setting names and whose values are scalars or
// sequences of scalars. It checks the shape only, not the names.
func parseFile(name string, data []byte) (map[string]entry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			return nil, &FileError{File: name, Line: n, Err: errors.New(m[2])}
		}
		return nil, &FileError{File: name, Err: err}
	}
	out := map[string]entry{}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return out, nil // empty, or comments only
	}
	top := doc.Content[0]
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return out, nil // "---" alone
	}
	if top.Kind != yaml.MappingNode {
		return nil, &FileError{File: name, Line: top.Line, Err: ErrNotMapping}
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, &FileError{File: name, Line: k.Line, Err: ErrNotMapping}
		}
		if prev, ok := out[k.Value]; ok {
			return nil, &FileError{File: name, Line: k.Line, Err: fmt.Errorf("%q %w (first on line %d)", k.Value, ErrDuplicate, prev.line)}
		}
		e, err := valueOf(v)
		if err != nil {
			return nil, &FileError{File: name, Line: v.Line, Err: fmt.Errorf("%s: %w", k.Value, err)}
		}
		e.line = k.Line
		out[k.Value] = e
	}
	return out, nil
}

// valueOf reads a setting's value: a scalar (null is ""), or a sequence
// of scalars.
func valueOf(v *yaml.Node) (entry, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return entry{values: []string{""}}, nil
		}
		return entry{values: []string{v.Value}}, nil
	case yaml.SequenceNode:
		e := entry{values: []string{}, seq: true}
		for _, it := range v.Content {
			if it.Kind != yaml.ScalarNode {
				return entry{}, ErrNested
			}
			e.values = append(e.values, it.Value)
		}
		return e, nil
	case yaml.AliasNode:
		if v.Alias != nil {
			return valueOf(v.Alias)
		}
	}
	return entry{}, ErrNested
}
