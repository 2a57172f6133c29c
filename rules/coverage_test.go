package rules

import (
	"strings"
	"testing"
)

// coverage lists every paragraph of both seeds (000: the generic Порядок,
// 003: приказ МИМП МО № 27П-39) with the rules that check it, or why no
// machine can. Both seeds number sections 1–4 alike; section 5 differs and
// is listed per seed.
var coverage = []struct {
	para  string
	rules []string
	why   string
}{
	{"1.1–1.2.2", nil, "purpose and tasks of the Порядок: nothing in the registry to check"},
	{"1.3.1, 1.3.3–1.3.7", nil, "definitions"},
	{"1.3.2", []string{"header-client"}, "the internal client the registry is about"},
	{"2.1", []string{"form-header", "form-columns", "misplaced-text", "blank-row", "process-number", "process-name-required", "duplicate-process", "one-touchpoint-per-row"}, "the form of the Перечень: one row group per process, one touchpoint per row"},
	{"2.2, 2.2.1, 2.2.3", nil, "who keeps the registry: organisational"},
	{"2.2.2", []string{"placeholder", "latin-lookalike", "spacing", "invisible-characters"}, "completeness and compliance check; the daemon's publish gate enforces it too"},
	{"2.3", []string{"touchpoint-required"}, "key touchpoints per activity; which ones are key is a judgment"},
	{"2.4–2.5", nil, "sources of touchpoints (acts, orders): outside the registry"},
	{"2.6", []string{"need-required", "need-vocabulary", "need-fragment", "need-misplaced"}, "needs for each touchpoint"},
	{"2.6.1–2.6.8", []string{"need-vocabulary"}, "needs vocabulary"},
	{"2.6.9", []string{"need-other"}, "other needs"},
	{"2.7–2.7.2", nil, "avoid a formal approach: a judgment"},
	{"2.8", []string{"duplicate-touchpoint", "duplicate-need"}, "no duplicated touchpoints; one touchpoint with its needs disclosed"},
	{"2.9, 2.9.1", nil, "simplicity of interaction: a judgment"},
	{"2.9.2", []string{"no-digital-touchpoint"}, "digital channels preferred"},
	{"2.9.3", []string{"no-offline-alternative"}, "alternative channels kept: 003 says «в офлайн-каналах» (its profile cites 2.9.3); 000 says «в онлайн-каналах», so the rule cites 2.9.4 there"},
	{"2.9.4", []string{"no-offline-alternative"}, "clients with low digital skills: an offline alternative (a notice: п. 2.9 is a principle)"},
	{"2.9.5", nil, "history of interaction available to the client: a property of the systems"},
	{"3.1", []string{"kind-required", "kind-label", "offline-spelling"}, "digital and offline kinds"},
	{"3.2–3.2.6", nil, "requirements to portals, apps, chats, phone and mail service quality: not in the registry"},
	{"4.1, 4.1.x", []string{"touchpoint-vocabulary", "kind-category"}, "digital touchpoints (000: 4.1.1–4.1.13, 003: 4.1.1–4.1.6)"},
	{"4.2, 4.2.x", []string{"touchpoint-vocabulary", "kind-category"}, "offline touchpoints (000: 4.2.1–4.2.7, 003: 4.2.1–4.2.3)"},
	{"000 4.3, template", []string{"form-header", "placeholder", "one-touchpoint-per-row"}, "the example and the template form"},
	{"000 5.1, 5.4; 003 5.2", nil, "approval document and duties of heads of units: organisational"},
	{"000 5.2; 003 5.3", nil, "publication in electronic form on the site: done by the daemon (perechen run), not a lint rule"},
	{"000 5.3.1–5.3.4; 003 5.1.1–5.1.4", nil, "actualization cases: the daemon classifies changes between versions by these clauses (history)"},
	{"000 5.5; 003 5.3", nil, "10 working days to publish: the daemon's deadline on the production calendar"},
}

func TestParagraphCoverage(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range coverage {
		if c.why == "" {
			t.Errorf("%s: no explanation", c.para)
		}
		for _, id := range c.rules {
			r := RuleByID(id)
			if r == nil {
				t.Errorf("%s: unknown rule %s", c.para, id)
				continue
			}
			covered[id] = true
			if !paragraphListed(r.Paragraph, c.para) && !ruleCitesElsewhere(r, c.para) {
				t.Errorf("%s: rule %s cites п. %s", c.para, id, r.Paragraph)
			}
		}
	}
	for _, r := range All() {
		if !covered[r.ID] {
			t.Errorf("rule %s (п. %s) is not in the coverage table", r.ID, r.Paragraph)
		}
	}
}

// paragraphListed: the rule's own clause is (a prefix of) the table row.
func paragraphListed(ruleParas, row string) bool {
	for _, p := range strings.Split(ruleParas, ", ") {
		if strings.Contains(row, p) {
			return true
		}
	}
	return false
}

// ruleCitesElsewhere allows rules listed under a clause they support but do
// not cite by default (2.9.3 is cited by the alternative-channel rule under
// the profile whose 2.9.3 supports it; the form rows list the form rules
// that cite 2.1; 2.6.1–2.6.8 are cited per item by need-vocabulary).
func ruleCitesElsewhere(r *Rule, row string) bool {
	return strings.Contains(row, "2.9.3") || strings.Contains(row, "4.3") || strings.Contains(row, "2.6.1")
}
