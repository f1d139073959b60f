package admin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"cmtftp/internal/domain"
)

// MaxYAMLNodes is the most nodes a YAML site document may have, aliases
// expanded: 20 for each of DefaultMaxRecords records (a device of a real
// site is about 13, a line 7). A document of anchors and aliases that would
// expand past it ("billion laughs") is refused before it is decoded.
const MaxYAMLNodes = 20 * DefaultMaxRecords

// ReadSite reads a site document, YAML or JSON, of at most lim.Body bytes
// (zero fields of lim are the defaults), refusing unknown fields so a typo
// is an error, not a silent no-op. JSON is read by DecodeSite. YAML is
// parsed once to count its records and its nodes with aliases expanded
// (at most lim.Records and MaxYAMLNodes) and only then decoded; a limit
// passed is a *LimitError.
func ReadSite(r io.Reader, lim Limits) (*domain.Site, error) {
	lim = lim.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.Body+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > lim.Body {
		return nil, &LimitError{What: "site document", Limit: lim.Body}
	}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		return DecodeSite(bytes.NewReader(data), lim)
	}
	if err := checkYAML(data, lim); err != nil {
		return nil, err
	}
	var site domain.Site
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&site); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return &site, nil
}

// checkYAML parses data into nodes and checks its size within lim. A
// document whose nodes could be more than 1.5 × MaxYAMLNodes (estimateNodes)
// is refused before it is parsed: parsing costs ~350 bytes a node.
func checkYAML(data []byte, lim Limits) error {
	if n, max := estimateNodes(data), MaxYAMLNodes*3/2; n > max {
		return &LimitError{What: "YAML nodes", Limit: int64(max), Unit: "nodes"}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return err
	}
	c := &nodeCounter{sizes: map[*yaml.Node]int{}, max: MaxYAMLNodes}
	if _, err := c.count(&root); err != nil {
		return err
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return nil // empty, or not a mapping: the decoder says what is wrong
	}
	records := 0
	for i := 1; i < len(doc.Content); i += 2 {
		list := doc.Content[i]
		if list.Kind == yaml.AliasNode && list.Alias != nil {
			list = list.Alias
		}
		if list.Kind == yaml.SequenceNode {
			records += len(list.Content)
		}
	}
	if records > lim.Records {
		return &LimitError{What: "records", Limit: int64(lim.Records)}
	}
	return nil
}

// nodeCounter counts the nodes of a YAML tree with aliases expanded,
// stopping at max. A subtree is walked once: an alias to it adds its size.
type nodeCounter struct {
	sizes map[*yaml.Node]int // subtrees walked; -1 while being walked
	total int                // nodes so far, aliases expanded
	max   int
}

// count returns the nodes under n, itself included, aliases expanded.
func (c *nodeCounter) count(n *yaml.Node) (int, error) {
	if s, ok := c.sizes[n]; ok {
		if s < 0 {
			return 0, fmt.Errorf("line %d: an alias inside the node it refers to", n.Line)
		}
		return s, c.add(s)
	}
	c.sizes[n] = -1
	if err := c.add(1); err != nil {
		return 0, err
	}
	size := 1
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		s, err := c.count(n.Alias)
		if err != nil {
			return 0, err
		}
		size = s
	}
	for _, k := range n.Content {
		s, err := c.count(k)
		if err != nil {
			return 0, err
		}
		size += s
	}
	c.sizes[n] = size
	return size, nil
}

// add counts s more nodes, or returns the limit error.
func (c *nodeCounter) add(s int) error {
	if c.total += s; c.total > c.max {
		return &LimitError{What: "YAML nodes with aliases expanded", Limit: int64(c.max), Unit: "nodes"}
	}
	return nil
}

// estimateNodes returns an upper bound on the nodes of a YAML document
// without parsing it: a line holds one node, and two more for each
// indicator that can start one ("[", "{", ",", ":" anywhere; "-" and "?"
// before a space, a flow indicator or the end of the line). Block style, as
// export writes it, is estimated at under twice its nodes.
func estimateNodes(data []byte) int {
	n := 2
	for i, c := range data {
		switch c {
		case '\n':
			n++
		case '[', '{', ',', ':':
			n += 2
		case '-', '?':
			if i+1 == len(data) || strings.IndexByte(" \t\r\n,[]{}", data[i+1]) >= 0 {
				n += 2
			}
		}
	}
	return n
}
