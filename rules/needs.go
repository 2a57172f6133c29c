package rules

import "strings"

// needClass is what the needs rules agree a need's text is.
type needClass int

const (
	needKnown    needClass = iota // wording of 2.6.1–2.6.8 or accepted as equal
	needSynonym                   // understood; the Порядок's wording is preferred
	needTypo                      // a near miss of a known wording
	needFragment                  // a piece of a need split over rows
	needOther                     // another need (2.6.9)
)

// classifyNeed sorts one need, remembering the answer for the pass; the item
// is the matched or suggested wording.
func classifyNeed(p *Pass, text string) (needClass, *VocabItem) {
	if p.memo != nil {
		if r, ok := p.memo.needs[text]; ok {
			return r.class, r.item
		}
	}
	class, item := classifyNeedText(p.Profile, text)
	if p.memo != nil {
		p.memo.needs[text] = needResult{class, item}
	}
	return class, item
}

func classifyNeedText(pr *Profile, text string) (needClass, *VocabItem) {
	idx := pr.idx()
	m := idx.needs.lookup(text)
	if m.Item == nil && isFragment(idx, text) {
		return needFragment, nil
	}
	switch m.How {
	case matchCanonical, matchAccepted:
		return needKnown, m.Item
	case matchSynonym:
		return needSynonym, m.Item
	}
	if item, ok := idx.needs.closest(text); ok && distance(Normalize(text), Normalize(item.Text)) <= 0.2 {
		return needTypo, item
	}
	return needOther, nil
}

// isFragment: a lone need-starting word ("Получение") or text starting in
// lower case ("материальных ценностей") is half of a need split over rows.
func isFragment(idx *vocabIndex, text string) bool {
	words := strings.Fields(text)
	if len(words) == 1 && idx.starts[tokenKey(words[0])] {
		return true
	}
	return startsLower(text)
}

// eachNeed calls fn for every need with its neighbours in the touchpoint.
func eachNeed(reg *Registry, fn func(t *Touchpoint, i int)) {
	eachTouchpoint(reg, func(_ *Process, t *Touchpoint) {
		for i := range t.Needs {
			fn(t, i)
		}
	})
}

// eachTouchpoint calls fn for every touchpoint with its process.
func eachTouchpoint(reg *Registry, fn func(pr *Process, t *Touchpoint)) {
	for pi := range reg.Processes {
		pr := &reg.Processes[pi]
		for ti := range pr.Touchpoints {
			fn(pr, &pr.Touchpoints[ti])
		}
	}
}
