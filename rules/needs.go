package rules

import "strings"

// needClass is what the needs rules agree a need's text is.
type needClass int

const (
	needKnown     needClass = iota // wording of 2.6.1–2.6.8 or accepted as equal
	needSynonym                    // understood; the Порядок's wording is preferred
	needTypo                       // a letter or two away from a known wording
	needFragment                   // a piece of a need split over rows
	needMisplaced                  // a touchpoint's name or a kind label, not a need
	needOther                      // another need (2.6.9)
)

// classifyNeed sorts one need, remembering the answer for the pass; the
// match is the item it matched or misses by a typo.
func classifyNeed(p *Pass, text string) (needClass, vocabMatch) {
	if p.memo == nil {
		p.memo = newMemo(p.Profile, p.Registry)
	}
	if r, ok := p.memo.needs[text]; ok {
		return r.class, r.match
	}
	class, m := classifyNeedText(p.Profile, p.memo.org, text)
	p.memo.needs[text] = needResult{class, m}
	return class, m
}

func classifyNeedText(pr *Profile, org *orgMatcher, text string) (needClass, vocabMatch) {
	idx := pr.idx()
	m := idx.needs.resolve(text, nil, false)
	switch m.How {
	case matchCanonical, matchAccepted:
		return needKnown, m
	case matchSynonym:
		return needSynonym, m
	}
	// «консультации» on the row under «Получение» is half a need, not a
	// typo of «Консультация»
	if isFragment(idx, text) {
		return needFragment, vocabMatch{}
	}
	if m.How == matchTypo {
		return needTypo, m
	}
	if _, ok := idx.kinds[Normalize(text)]; ok {
		return needMisplaced, vocabMatch{}
	}
	if t := idx.touchpoints.resolve(text, org, false); t.Item != nil && t.How != matchTypo {
		return needMisplaced, t
	}
	return needOther, vocabMatch{}
}

// isFragment: a lone need-starting word ("Получение") or text starting in
// lower case ("материальных ценностей") is half of a need split over rows —
// unless it begins with a need-starting word, which is a need written in
// lower case.
func isFragment(idx *vocabIndex, text string) bool {
	words := strings.Fields(text)
	if len(words) == 0 {
		return false
	}
	start := idx.starts[tokenKey(words[0])]
	if len(words) == 1 && start {
		return true
	}
	return startsLower(text) && !start
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
