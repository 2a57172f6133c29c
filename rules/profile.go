package rules

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Profile describes one organisation's Порядок: the form's captions, the
// touchpoint and needs vocabularies with their paragraph numbers, the kind
// labels and the clause numbers rules cite.
type Profile struct {
	Name        string            `yaml:"name" json:"name"`
	Description string            `yaml:"description" json:"description"`
	Document    string            `yaml:"document" json:"document"`
	ClientWord  string            `yaml:"client_word" json:"client_word"`
	FormTitle   string            `yaml:"form_title" json:"form_title"`
	Columns     []Column          `yaml:"columns" json:"columns"`
	Kinds       []Kind            `yaml:"kinds" json:"kinds"`
	Touchpoints []VocabItem       `yaml:"touchpoints" json:"touchpoints"`
	Needs       []VocabItem       `yaml:"needs" json:"needs"`
	NeedOther   string            `yaml:"need_other" json:"need_other"`
	NeedStarts  []string          `yaml:"need_starts" json:"need_starts"`
	Paragraphs  map[string]string `yaml:"paragraphs" json:"paragraphs"` // rule ID → clause where this Порядок numbers differently
	Clauses     Actualize         `yaml:"actualization" json:"actualization"`
	Publication Publication       `yaml:"publication" json:"publication"`
	Placeholder []string          `yaml:"placeholders" json:"placeholders"`
	// StandIn is the word the Порядок defines for the organisation (seed
	// 000 п. 1.1 «далее – ОИВ»): in a touchpoint's wording it is a slot
	// any mention of the organisation fills.
	StandIn string `yaml:"stand_in" json:"stand_in"`
	// Severities override a rule's severity under this Порядок: error,
	// warning, notice or off (the rule does not apply).
	Severities map[string]string `yaml:"severities" json:"severities,omitempty"`
	// Explanations add a sentence to a rule's message under this Порядок.
	Explanations map[string]string `yaml:"explanations" json:"explanations,omitempty"`
	// FillSlot: choices offered to staff (setup-sheet, template) name the
	// organisation in the slot instead of the stand-in, when its name is
	// known and can be put in the genitive.
	FillSlot bool `yaml:"fill_slot" json:"fill_slot,omitempty"`
	// Examples are touchpoints a suggestion names, by kind id.
	Examples map[string][]string `yaml:"examples" json:"examples,omitempty"`
	// Organisation holds the organisation's own names (full or short), set
	// by WithOrganisation from the configuration; the registry's title
	// rows add theirs at each lint.
	Organisation []string    `yaml:"-" json:"organisation,omitempty"`
	index        *vocabIndex `yaml:"-"`
}

// WithOrganisation is the profile with the organisation's own names known
// (the source's `organisation`, `perechen lint --organisation`): they fill
// the organisation slot of touchpoints like the stand-in does. The
// profile itself is not changed; the copy shares its index.
func (p *Profile) WithOrganisation(names ...string) *Profile {
	c := *p
	c.Organisation = nil
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			c.Organisation = append(c.Organisation, n)
		}
	}
	c.index = p.idx()
	return &c
}

// severity is the severity a rule has under this profile; false when the
// profile turns the rule off.
func (p *Profile) severity(r *Rule, def Severity) (Severity, bool) {
	name, ok := p.Severities[r.ID]
	if !ok {
		return def, true
	}
	if name == "off" {
		return 0, false
	}
	s, err := ParseSeverity(name)
	if err != nil {
		return def, true // validate refuses such profiles
	}
	return s, true
}

// Column is one column of the official form: its caption, the keys that
// find it in a header row, and other captions that say the same («№ п/п»
// for «№»).
type Column struct {
	Caption string   `yaml:"caption" json:"caption"`
	Keys    []string `yaml:"keys" json:"keys"`
	Accept  []string `yaml:"accept,omitempty" json:"accept,omitempty"`
}

// Kind is one touchpoint kind (column 5): its label and the vocabulary
// section whose items it may label.
type Kind struct {
	ID        string   `yaml:"id" json:"id"`
	Label     string   `yaml:"label" json:"label"`
	Paragraph string   `yaml:"paragraph" json:"paragraph"`
	Title     string   `yaml:"title" json:"title"` // genitive plural: "в перечне офлайн-точек"
	Variants  []string `yaml:"variants" json:"variants"`
}

// VocabItem is one entry of a vocabulary: the canonical wording, its
// paragraph, wordings accepted as equal (abbreviations, the form's own
// wording) and synonyms understood but to be replaced by the canonical text.
type VocabItem struct {
	Text      string   `yaml:"text" json:"text"`
	Paragraph string   `yaml:"paragraph" json:"paragraph"`
	Kind      string   `yaml:"kind,omitempty" json:"kind,omitempty"`
	Accept    []string `yaml:"accept,omitempty" json:"accept,omitempty"`
	Synonyms  []string `yaml:"synonyms,omitempty" json:"synonyms,omitempty"`
	// Parts are needs the item lists together, each correct on its own
	// (2.6.5 «Получение ответа»): distinct from each other for duplicates.
	Parts []string `yaml:"parts,omitempty" json:"parts,omitempty"`
}

// Actualize holds the actualization clause and its four cases.
type Actualize struct {
	Clause        string `yaml:"clause" json:"clause"`
	NewTouchpoint string `yaml:"new_touchpoint" json:"new_touchpoint"`
	KindChanged   string `yaml:"kind_changed" json:"kind_changed"`
	NeedsChanged  string `yaml:"needs_changed" json:"needs_changed"`
	Excluded      string `yaml:"excluded" json:"excluded"`
}

// Publication holds the publication clauses.
type Publication struct {
	Clause      string `yaml:"clause" json:"clause"`
	Deadline    string `yaml:"deadline" json:"deadline"`
	WorkingDays int    `yaml:"working_days" json:"working_days"`
}

//go:embed profiles/*.yaml
var profileFS embed.FS

// DefaultProfile is the profile used when none is named.
const DefaultProfile = "oiv"

// ProfileNames lists the embedded profiles.
func ProfileNames() []string {
	entries, _ := profileFS.ReadDir("profiles")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// LoadProfile returns an embedded profile by name, or reads a profile file
// when nameOrPath contains a path separator or ends in .yaml/.yml.
func LoadProfile(nameOrPath string) (*Profile, error) {
	if nameOrPath == "" {
		nameOrPath = DefaultProfile
	}
	if strings.ContainsAny(nameOrPath, `/\`) || strings.HasSuffix(nameOrPath, ".yaml") || strings.HasSuffix(nameOrPath, ".yml") {
		data, err := os.ReadFile(nameOrPath)
		if err != nil {
			return nil, fmt.Errorf("профиль %q не прочитан: %w", nameOrPath, err)
		}
		return ParseProfile(data)
	}
	data, err := profileFS.ReadFile("profiles/" + nameOrPath + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("неизвестный профиль %q; встроенные профили: %s, или укажите путь к файлу YAML",
			nameOrPath, strings.Join(ProfileNames(), ", "))
	}
	return ParseProfile(data)
}

// ParseProfile decodes and validates a profile; unknown keys are errors.
func ParseProfile(data []byte) (*Profile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("профиль: %w", err)
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("профиль %q: %w", p.Name, err)
	}
	p.index = buildIndex(&p)
	return &p, nil
}

func (p *Profile) validate() error {
	switch {
	case p.Name == "":
		return fmt.Errorf("нет ключа name")
	case len(p.Columns) != 5:
		return fmt.Errorf("columns: нужно 5 граф формы, указано %d", len(p.Columns))
	case len(p.Kinds) == 0:
		return fmt.Errorf("kinds: не указаны виды точек")
	case len(p.Touchpoints) == 0:
		return fmt.Errorf("touchpoints: пустой перечень точек")
	case len(p.Needs) == 0:
		return fmt.Errorf("needs: пустой перечень потребностей")
	}
	for i, c := range p.Columns {
		if c.Caption == "" || len(c.Keys) == 0 {
			return fmt.Errorf("columns[%d]: нужны caption и keys", i)
		}
	}
	kinds := map[string]bool{}
	for _, k := range p.Kinds {
		if k.ID == "" || k.Label == "" || k.Paragraph == "" {
			return fmt.Errorf("kinds: у каждого вида нужны id, label и paragraph")
		}
		kinds[k.ID] = true
	}
	for _, t := range p.Touchpoints {
		if t.Text == "" || t.Paragraph == "" || !kinds[t.Kind] {
			return fmt.Errorf("touchpoints: %q: нужны text, paragraph и kind из kinds", t.Text)
		}
	}
	for _, n := range p.Needs {
		if n.Text == "" || n.Paragraph == "" {
			return fmt.Errorf("needs: %q: нужны text и paragraph", n.Text)
		}
	}
	for id, sev := range p.Severities {
		if RuleByID(id) == nil {
			return fmt.Errorf("severities: нет правила %q", id)
		}
		if _, err := ParseSeverity(sev); err != nil && sev != "off" {
			return fmt.Errorf("severities: %s: %q — допустимы error, warning, notice или off", id, sev)
		}
	}
	for _, m := range []map[string]string{p.Paragraphs, p.Explanations} {
		for id := range m {
			if RuleByID(id) == nil {
				return fmt.Errorf("нет правила %q (см. perechen rules)", id)
			}
		}
	}
	for id := range p.Examples {
		if !kinds[id] {
			return fmt.Errorf("examples: нет вида точек %q", id)
		}
	}
	return nil
}

// KindByID returns the kind with the given id.
func (p *Profile) KindByID(id string) (Kind, bool) {
	for _, k := range p.Kinds {
		if k.ID == id {
			return k, true
		}
	}
	return Kind{}, false
}

// KindLabels are the labels of all kinds, in profile order.
func (p *Profile) KindLabels() []string {
	var out []string
	for _, k := range p.Kinds {
		out = append(out, k.Label)
	}
	return out
}

// Captions are the five expected header captions.
func (p *Profile) Captions() []string {
	var out []string
	for _, c := range p.Columns {
		out = append(out, c.Caption)
	}
	return out
}

// idx returns the lookup index; a profile not made by ParseProfile gets a
// fresh one each time (the profile itself is never mutated, so it can be
// shared between goroutines).
func (p *Profile) idx() *vocabIndex {
	if p.index != nil {
		return p.index
	}
	return buildIndex(p)
}
