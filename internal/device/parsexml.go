package device

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxXMLDepth bounds how deep a file the device reads may nest.
const maxXMLDepth = 64

// walkXML reads a whole XML document and calls end at the end of every
// element with the element's path from the root and its text. The
// document must be well-formed and have exactly one root element. It
// returns the root's name.
func walkXML(b []byte, end func(path []string, text []byte) error) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	var (
		path  []string
		text  []byte
		root  string
		roots int
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(path) == 0 {
				if roots++; roots > 1 {
					return "", fmt.Errorf("more than one root element (<%s> and <%s>)", root, t.Name.Local)
				}
				root = t.Name.Local
			}
			if len(path) >= maxXMLDepth {
				return "", fmt.Errorf("elements nested deeper than %d", maxXMLDepth)
			}
			path, text = append(path, t.Name.Local), text[:0]
		case xml.EndElement:
			if err := end(path, bytes.TrimSpace(text)); err != nil {
				return "", err
			}
			path, text = path[:len(path)-1], text[:0]
		case xml.CharData:
			if len(path) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return "", errors.New("text outside the root element")
			}
			text = append(text, t...)
		}
	}
	if roots == 0 {
		return "", errors.New("no root element")
	}
	return root, nil
}

// xmlSummary is what the device takes from an XML configuration
// (SEP<MAC>.cnf.xml, XMLDefault.cnf.xml, a gateway's file): the
// call-control list in its order, the load for its model, the files and
// locales it names.
type xmlSummary struct {
	root          string
	callManagers  []CallManager
	cur           CallManager
	load          string
	dialTemplate  string
	softKeyFile   string
	userLocale    string
	networkLocale string
	// encrConfig and partial are a stub's <encrConfig>true</encrConfig>
	// and <fullConfig>false</fullConfig> (spec §11.3).
	encrConfig, partial bool
}

// encryptedStub reports whether the configuration is the stub of an
// encrypted one: the device must fetch SEP<MAC>.cnf.xml.enc.sgn.
func (s xmlSummary) encryptedStub() bool { return s.encrConfig && s.partial }

// parseXMLConfig reads an XML configuration; typeID picks the
// loadInformation<TypeID> element of an XMLDefault.cnf.xml.
func parseXMLConfig(b []byte, typeID int) (xmlSummary, error) {
	var s xmlSummary
	loadDefault := "loadInformation" + strconv.Itoa(typeID)
	root, err := walkXML(b, func(path []string, text []byte) error {
		return s.take(path, text, typeID > 0, loadDefault)
	})
	s.root = root
	return s, err
}

// take reads one element of an XML configuration: path from the root,
// its text; withDefault says loadDefault names the model's load element.
func (s *xmlSummary) take(path []string, text []byte, withDefault bool, loadDefault string) error {
	n := len(path)
	name := path[n-1]
	if k := lastIndex(path[:n-1], "callManager"); k >= 0 {
		return s.callManagerField(path[k+1:], text)
	}
	switch {
	case name == "callManager":
		return s.endCallManager()
	case n == 2 && (name == "loadInformation" || withDefault && name == loadDefault):
		s.load = string(text)
	case n >= 2 && name == "dialTemplate":
		s.dialTemplate = string(text)
	case n >= 2 && name == "softKeyFile":
		s.softKeyFile = string(text)
	case n == 3 && name == "name" && path[1] == "userLocale":
		s.userLocale = string(text)
	case n == 3 && name == "name" && path[1] == "networkLocaleInfo":
		s.networkLocale = string(text)
	case n == 2 && name == "encrConfig":
		s.encrConfig = strings.EqualFold(string(text), "true")
	case n == 2 && name == "fullConfig":
		s.partial = strings.EqualFold(string(text), "false")
	case n == 2 && name == "networkLocale" && s.networkLocale == "":
		s.networkLocale = string(text)
	}
	return nil
}

func lastIndex(path []string, name string) int {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == name {
			return i
		}
	}
	return -1
}

// callManagerField takes one element inside a <callManager>; rel is its
// path below it.
func (s *xmlSummary) callManagerField(rel []string, text []byte) error {
	var port *int
	switch strings.Join(rel, "/") {
	case "name":
		s.cur.Name = string(text)
	case "processNodeName":
		s.cur.Host = string(text)
	case "ports/ethernetPhonePort":
		port = &s.cur.SCCPPort
	case "ports/sipPort":
		port = &s.cur.SIPPort
	case "ports/securedSipPort":
		port = &s.cur.SIPSPort
	case "ports/mgcpPorts/listen":
		port = &s.cur.MGCPPort
	}
	if port == nil {
		return nil
	}
	p, err := parsePort(string(text))
	if err != nil {
		return fmt.Errorf("callManager %q: <%s>: %w", s.cur.Name, rel[len(rel)-1], err)
	}
	*port = p
	return nil
}

// endCallManager closes a <callManager>: one entry of the list, which the
// device must be able to reach.
func (s *xmlSummary) endCallManager() error {
	cm := s.cur
	s.cur = CallManager{}
	if cm.Host == "" {
		cm.Host = cm.Name
	}
	if cm.Host == "" {
		return errors.New("a <callManager> with neither <processNodeName> nor <name>")
	}
	s.callManagers = append(s.callManagers, cm)
	return nil
}

// parsePort reads a port number; "" is no port (0).
func parsePort(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 0 || p > 65535 {
		return 0, fmt.Errorf("%q is not a port", s)
	}
	return p, nil
}

// readXMLCounting returns a reader of XML files whose root must be one of
// roots (case-insensitive), counting the elements named elem for its note.
func readXMLCounting(elem, unit string, roots ...string) func([]byte) (string, error) {
	return func(b []byte) (string, error) {
		n := 0
		root, err := walkXML(b, func(path []string, _ []byte) error {
			if path[len(path)-1] == elem {
				n++
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		for _, r := range roots {
			if strings.EqualFold(root, r) {
				return plural(n, unit), nil
			}
		}
		return "", fmt.Errorf("root element <%s>, want <%s>", root, roots[0])
	}
}

// The readers of the XML files a configuration names.
var (
	readDialTemplate = readXMLCounting("TEMPLATE", "rule", "dialTemplate", "DIALTEMPLATE")
	readSoftkeys     = readXMLCounting("softKeyDef", "softkey", "softKeyCfg")
	readRingList     = readXMLCounting("Ring", "ring", "CiscoIPPhoneRingList")
)

// readLocaleFile reads a locale file: an XML one (tones, dictionaries)
// must be well-formed; an archive (.jar) is taken as it comes.
func readLocaleFile(name string) func([]byte) (string, error) {
	return func(b []byte) (string, error) {
		if !strings.HasSuffix(strings.ToLower(name), ".xml") {
			return fmt.Sprintf("%d bytes", len(b)), nil
		}
		root, err := walkXML(b, func([]string, []byte) error { return nil })
		if err != nil {
			return "", err
		}
		return "<" + root + ">", nil
	}
}
