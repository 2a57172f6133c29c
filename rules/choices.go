package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Choices are what a form offers staff to pick from (perechen template,
// perechen setup-sheet): every value lints clean in its graph under the
// profile it came from.
type Choices struct {
	Touchpoints []string // graph 3: п. 4.1, then п. 4.2, in the Порядок's order
	Needs       []string // graph 4: п. 2.6.1–2.6.8, one need each (п. 2.6.9 allows others)
	Kinds       []string // graph 5: the kind labels
}

// Choices lists the values of the three graphs. The organisation's slot
// keeps the Порядок's stand-in («Электронная почта ОИВ»), or, when the
// profile sets fill_slot and the organisation's name is known, that name in
// the genitive («Электронная почта Министерства экономического развития …»).
func (p *Profile) Choices() Choices {
	var c Choices
	org := ""
	if p.FillSlot && len(p.Organisation) > 0 {
		org = genitiveName(p.Organisation[0])
	}
	for _, t := range p.Touchpoints {
		name := t.Text
		if org != "" && p.StandIn != "" && strings.Contains(name, p.StandIn) {
			name = strings.Replace(name, p.StandIn, org, 1)
		}
		c.Touchpoints = append(c.Touchpoints, name)
	}
	for _, n := range p.Needs {
		switch {
		case len(n.Parts) > 0: // п. 2.6.5 names three needs at once: each is a choice
			c.Needs = append(c.Needs, n.Parts...)
		case !strings.Contains(n.Text, ", обращения, запроса"): // the combined wordings are for reading, not choosing
			c.Needs = append(c.Needs, n.Text)
		}
	}
	c.Kinds = p.KindLabels()
	return c
}

// genitiveHeads inflect the word a body's name begins with; the rest of
// such a name is already in the genitive («Министерство экономического
// развития» → «Министерства экономического развития»).
var genitiveHeads = map[string]string{
	"министерство": "министерства", "комитет": "комитета", "департамент": "департамента", "управление": "управления",
	"агентство": "агентства", "служба": "службы", "инспекция": "инспекции", "администрация": "администрации",
	"дирекция": "дирекции", "учреждение": "учреждения", "центр": "центра", "фонд": "фонда", "правительство": "правительства",
	"главное": "главного", "государственное": "государственного", "государственная": "государственной",
}

// genitiveName is an organisation's name as it follows «Электронная почта»:
// the head word inflected, or, for a name that does not begin with a
// known head (an abbreviation, «Мособлимущество»), "" — the stand-in is
// kept then, since a wrong case would be worse than the Порядок's word.
func genitiveName(name string) string {
	words := strings.Fields(name)
	if len(words) == 0 {
		return ""
	}
	out := make([]string, len(words))
	copy(out, words)
	changed := false
	for i := 0; i < len(words) && i < 2; i++ {
		g, ok := genitiveHeads[strings.ToLower(words[i])]
		if !ok {
			break
		}
		out[i] = matchCase(words[i], g)
		changed = true
		if !strings.HasPrefix(g, "главн") && !strings.HasPrefix(g, "государств") {
			break // the noun: what follows is already genitive
		}
	}
	if !changed {
		return ""
	}
	return strings.Join(out, " ")
}

// matchCase gives w's capitalisation to lower.
func matchCase(w, lower string) string {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		return lower
	}
	l, size := utf8.DecodeRuneInString(lower)
	return string(unicode.ToUpper(l)) + lower[size:]
}
