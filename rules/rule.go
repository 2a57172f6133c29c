package rules

import (
	"fmt"
	"regexp"
)

// Rule is one check of the Порядок, in the manner of go/analysis: a value
// with a stable ID, the clause it enforces, its severity and documentation.
// Rules with neither Check nor CheckCell are reported by the parser while it
// reads the form.
type Rule struct {
	ID        string   // stable kebab-case identifier
	Paragraph string   // clause of the Порядок (profile may renumber by ID)
	Severity  Severity // default severity of its findings
	Doc       string   // one paragraph for docs/rules.md, English
	Check     func(*Pass)
	// CheckCell, for text rules, looks at the raw text of every non-empty
	// cell of the table as the sheet has it (before spaces are folded).
	CheckCell func(p *Pass, at Ref, raw string)
}

// All is the rule set, in the order the documentation lists it. One explicit
// list: a rule not named here does not run.
func All() []*Rule {
	return []*Rule{
		// form and layout, reported by the parser
		FormHeader, HeaderClient, FormColumns, MisplacedText, BlankRow, OneTouchpointPerRow,
		// required cells and numbering
		ProcessNumber, ProcessNameRequired, TouchpointRequired, NeedRequired, KindRequired,
		// vocabularies
		TouchpointVocabulary, KindLabel, KindCategory, NeedVocabulary, NeedOther, NeedFragment, NeedMisplaced,
		// duplicates and channel mix
		DuplicateTouchpoint, DuplicateNeed, DuplicateProcess, NoDigitalTouchpoint, NoOfflineAlternative,
		// text hygiene
		LatinLookalike, Spacing, InvisibleCharacters, OfflineSpelling, Placeholder,
	}
}

// RuleByID finds a rule of All by its ID.
func RuleByID(id string) *Rule {
	for _, r := range All() {
		if r.ID == id {
			return r
		}
	}
	return nil
}

var kebab = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate checks the rule set itself: unique kebab-case IDs, a paragraph
// and documentation for every rule.
func Validate(rs []*Rule) error {
	seen := map[string]bool{}
	for _, r := range rs {
		switch {
		case !kebab.MatchString(r.ID):
			return fmt.Errorf("rule %q: ID is not kebab-case", r.ID)
		case seen[r.ID]:
			return fmt.Errorf("rule %q: duplicate ID", r.ID)
		case r.Paragraph == "":
			return fmt.Errorf("rule %q: no paragraph", r.ID)
		case len(r.Doc) < 20:
			return fmt.Errorf("rule %q: no documentation", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}

// Pass is what a rule's Check sees: the registry, the profile and a way to
// report findings.
type Pass struct {
	Registry *Registry
	Profile  *Profile
	rule     *Rule
	out      *[]Diagnostic
	memo     *memo
}

// memo caches per-text work shared by the rules of one Check: registries
// repeat the same needs thousands of times.
type memo struct {
	needs       map[string]needResult
	norm        map[string]string
	touchpoints map[string]vocabMatch
	org         *orgMatcher
}

func newMemo(p *Profile, reg *Registry) *memo {
	title := ""
	if reg != nil {
		title = reg.Title
	}
	return &memo{needs: map[string]needResult{}, norm: map[string]string{},
		touchpoints: map[string]vocabMatch{}, org: newOrgMatcher(p, title)}
}

// normalize is Normalize remembered for the pass.
func (p *Pass) normalize(s string) string {
	if p.memo == nil {
		return Normalize(s)
	}
	if n, ok := p.memo.norm[s]; ok {
		return n
	}
	n := Normalize(s)
	p.memo.norm[s] = n
	return n
}

// touchpoint is what a touchpoint's name means in the profile's lists:
// its item and how it was written (resolve, remembered for the pass).
func (p *Pass) touchpoint(name string) vocabMatch {
	if p.memo == nil {
		p.memo = newMemo(p.Profile, p.Registry)
	}
	if m, ok := p.memo.touchpoints[name]; ok {
		return m
	}
	m := p.Profile.idx().touchpoints.resolve(name, p.memo.org, true)
	p.memo.touchpoints[name] = m
	return m
}

type needResult struct {
	class needClass
	match vocabMatch
}

// Report records a finding with the rule's severity and paragraph.
func (p *Pass) Report(ref Ref, message, suggestion string) {
	p.ReportWith(p.rule.Severity, "", ref, message, suggestion)
}

// ReportWith records a finding with its own severity and, when paragraph is
// not empty, its own clause (e.g. the vocabulary item's "4.2.2").
func (p *Pass) ReportWith(sev Severity, paragraph string, ref Ref, message, suggestion string) {
	p.emit(sev, paragraph, ref, message, suggestion, Fix{})
}

// ReportFix is Report with a fix a program can apply.
func (p *Pass) ReportFix(sev Severity, paragraph string, ref Ref, message, suggestion string, fix Fix) {
	p.emit(sev, paragraph, ref, message, suggestion, fix)
}

func (p *Pass) emit(sev Severity, paragraph string, ref Ref, message, suggestion string, fix Fix) {
	if d, ok := newDiagnostic(p.Profile, p.rule, sev, paragraph, ref, message, suggestion); ok {
		d.Fix = fix
		*p.out = append(*p.out, d)
	}
}

// newDiagnostic makes a finding as the profile has it: its severity
// override (false when the profile turns the rule off), its clause and its
// explanation.
func newDiagnostic(pr *Profile, r *Rule, sev Severity, paragraph string, ref Ref, message, suggestion string) (Diagnostic, bool) {
	if _, overridden := pr.Severities[r.ID]; overridden {
		s, on := pr.severity(r, sev)
		if !on {
			return Diagnostic{}, false
		}
		sev = s
	}
	if paragraph == "" {
		paragraph = pr.paragraph(r)
	}
	if e := pr.Explanations[r.ID]; e != "" {
		message += " " + e
	}
	return Diagnostic{Rule: r.ID, Severity: sev, Paragraph: paragraph, Ref: ref, Message: message, Suggestion: suggestion}, true
}

// paragraph is the clause a rule cites under this profile.
func (p *Profile) paragraph(r *Rule) string {
	if n, ok := p.Paragraphs[r.ID]; ok && n != "" {
		return n
	}
	return r.Paragraph
}

// Check runs every rule of All with a Check on a parsed registry.
func Check(reg *Registry, p *Profile) []Diagnostic {
	var out []Diagnostic
	m := newMemo(p, reg)
	for _, r := range All() {
		if r.Check != nil {
			r.Check(&Pass{Registry: reg, Profile: p, rule: r, out: &out, memo: m})
		}
	}
	return out
}

// Lint parses a grid and checks the registry: the whole linter in one call.
// Findings are sorted by cell.
func Lint(g Grid, p *Profile) (*Registry, []Diagnostic) {
	reg, diags := Parse(g, p)
	diags = append(diags, Check(reg, p)...)
	SortDiagnostics(diags)
	return reg, diags
}
