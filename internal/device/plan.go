package device

import (
	"bytes"
	"slices"
	"strings"

	"cmtftp/internal/domain"
	"cmtftp/internal/trust"
)

// family is which boot sequence a device plays (the catalogue's file
// families of its model and protocol, spec §1.2).
type family int

const (
	familyXML     family = iota + 1 // cnf.xml: SEP<MAC>.cnf.xml, XMLDefault.cnf.xml
	familySIP79                     // sip.cnf: SIPDefault.cnf, SIP<MAC>.cnf (7940/7960 SIP)
	familyProfile                   // ld / gk: ld<mac>, lddefault.cfg (7905/7912 SIP)
	familyLegacy                    // cnf: SEP<MAC>.cnf, SEPDefault.cnf (no XML load)
	familyGateway                   // a gateway: gwFamily's files, or <hostname>.cnf.xml without a model
)

// plan is what a Config resolves to once, before any MAC: the family and
// the names that depend only on the model. Storm shares one.
type plan struct {
	cfg     Config
	model   domain.Model
	family  family
	profile string // "ld" or "gk" for familyProfile
	// gwFamily is a gateway's file family (domain.FamilySKIGW …); "" for
	// a phone, and for a gateway without a model.
	gwFamily string
	// trust is how the device names its trust lists: "" none, "file"
	// (CTLFile.tlv, ITLFile.tlv), "ctl" (CTLFile.tlv only), "sep"
	// (CTLSEP<MAC>.tlv, ITLSEP<MAC>.tlv).
	trust string
	// localeFile is the user-locale file the model reads from its locale
	// directory ("" when unknown).
	localeFile string
	// installed is Config.TrustList's records, read once (a storm's
	// devices share them).
	installed []trust.Record
}

// newPlan checks cfg and resolves its model.
func newPlan(cfg Config) (*plan, error) {
	if err := cfg.checkNumbers(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	p := &plan{cfg: cfg}
	if cfg.Kind == Gateway {
		if err := p.gatewayPlan(); err != nil {
			return nil, err
		}
		return p, nil
	}
	i := slices.IndexFunc(domain.Catalogue(), func(m domain.Model) bool { return strings.EqualFold(m.Name, cfg.Model) })
	if i < 0 {
		return nil, badConfig("model %q is not in the catalogue", cfg.Model)
	}
	p.model = domain.Catalogue()[i]
	if p.model.Class == "gateway" {
		return nil, badConfig("model %s is a gateway: play it as one (kind gateway)", p.model.Name)
	}
	if p.cfg.Protocol == "" {
		p.cfg.Protocol = p.model.Protocols[0]
	}
	if !p.model.Supports(p.cfg.Protocol) {
		return nil, badConfig("model %s does not run %q (it runs %s)", p.model.Name, cfg.Protocol, strings.Join(p.model.Protocols, ", "))
	}
	fams := p.model.Files(p.cfg.Protocol)
	switch {
	case slices.Contains(fams, domain.FamilyCnfXML):
		p.family = familyXML
	case slices.Contains(fams, domain.FamilySIPCnf):
		p.family = familySIP79
	case slices.Contains(fams, domain.FamilyLD), slices.Contains(fams, domain.FamilyGK):
		p.family, p.profile = familyProfile, fams[0]
	default:
		p.family = familyLegacy
	}
	p.trust = trustStyle(p.model.Name, p.family)
	p.localeFile = localeFile(p.model.Name, p.cfg.Protocol)
	if err := p.secure(); err != nil {
		return nil, err
	}
	return p, nil
}

// secure checks that a secure device is one that holds trust lists, and
// reads the list it has installed.
func (p *plan) secure() error {
	if !p.cfg.Secure {
		return nil
	}
	if p.trust == "" {
		return badConfig("model %s on %s asks for no trust list: only phones with XML loads can be secure", p.model.Name, p.cfg.Protocol)
	}
	if p.cfg.TrustList == nil {
		return nil
	}
	_, recs, err := trust.ParseTrustList(bytes.Clone(p.cfg.TrustList))
	if err != nil {
		return badConfig("installed trust list: %v", err)
	}
	p.installed = recs
	return nil
}

// trustStyle is how a model names its trust lists (spec §1.2, §11.2).
// Phones of the 78xx/88xx/89xx/99xx generation ask for per-device lists
// (CTLSEP<MAC>.tlv, ITLSEP<MAC>.tlv, as captures of them show); the
// 79xx/69xx generation for the shared CTLFile.tlv and ITLFile.tlv; the
// 7940/7960 SCCP load for CTLFile.tlv alone (its loads predate the ITL).
// The 7905/7912 and the loads without XML have no trust lists.
func trustStyle(model string, f family) string {
	switch {
	case f != familyXML || model == "7905" || model == "7912":
		return ""
	case model == "7940" || model == "7960":
		return "ctl"
	case strings.HasPrefix(model, "78"), strings.HasPrefix(model, "88"), strings.HasPrefix(model, "89"), strings.HasPrefix(model, "99"):
		return "sep"
	}
	return "file"
}

// trustLists returns the trust-list names a device asks for first.
func (p *plan) trustLists(mac string) []string {
	switch p.trust {
	case "file":
		return []string{"CTLFile.tlv", "ITLFile.tlv"}
	case "ctl":
		return []string{"CTLFile.tlv"}
	case "sep":
		return []string{"CTLSEP" + mac + ".tlv", "ITLSEP" + mac + ".tlv"}
	}
	return nil
}

// trustListGroups returns the trust lists a secure device asks for, in
// order: each group is one list, its names tried in turn until one is
// found (spec §1.2: the CTL first, then the ITL; a 78xx/88xx asks for its
// own ITLSEP<MAC>.tlv, then the cluster's ITLFile.tlv).
func (p *plan) trustListGroups(mac string) [][]string {
	switch p.trust {
	case "file":
		return [][]string{{"CTLFile.tlv"}, {"ITLFile.tlv"}}
	case "ctl":
		return [][]string{{"CTLFile.tlv"}}
	case "sep":
		return [][]string{{"CTLSEP" + mac + ".tlv"}, {"ITLSEP" + mac + ".tlv", "ITLFile.tlv"}}
	}
	return nil
}

// localePrefixes are the model families' user-locale archives
// (<prefix>-sip.jar or <prefix>-sccp.jar, spec §9.4).
var localePrefixes = map[string]string{
	"7906": "tc", "7911": "tc", "7941": "mk", "7942": "mk", "7961": "mk", "7962": "mk",
	"7945": "be", "7965": "be", "7970": "td", "7971": "td", "7975": "td",
	"6921": "rtl", "6941": "rtl", "6961": "rtl", "7821": "sp", "7841": "sp", "7861": "sp",
	"8841": "sl-be", "8851": "sl-be",
}

// localeFile is the file a model reads from its user-locale directory:
// the model family's .jar, or the dictionary of the older XML loads; ""
// for a model the spec names none for.
func localeFile(model, protocol string) string {
	if p, ok := localePrefixes[model]; ok {
		return p + "-" + strings.ToLower(protocol) + ".jar"
	}
	switch model {
	case "7940", "7960":
		return "7960-dictionary.xml"
	case "7905", "7912", "7921":
		return model + "-dictionary.xml"
	}
	return ""
}
