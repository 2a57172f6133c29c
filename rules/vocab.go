package rules

import (
	"sort"
	"strings"
)

// matchKind says how a text matched a vocabulary item.
type matchKind int

const (
	matchNone      matchKind = iota
	matchCanonical           // the Порядок's own wording
	matchAccepted            // an abbreviation or wording the profile accepts as equal
	matchSynonym             // understood, but the canonical wording is preferred
)

// vocabMatch is the result of looking a text up in a vocabulary.
type vocabMatch struct {
	Item *VocabItem
	How  matchKind
}

// phrase is one wording of an item, tokenized for splitting.
type phrase struct {
	words []string
	match vocabMatch
}

// vocab indexes one vocabulary (touchpoints or needs) by normalized wording.
type vocab struct {
	items   []VocabItem
	exact   map[string]vocabMatch
	phrases phraseSet
}

// vocabIndex holds every lookup structure a profile needs.
type vocabIndex struct {
	touchpoints *vocab
	needs       *vocab
	kinds       map[string]kindMatch
	kindPhrases phraseSet
	starts      map[string]bool
	captionKeys [][]string // normalized keys of each form column
}

type kindMatch struct {
	Kind    *Kind
	Variant bool
}

func buildIndex(p *Profile) *vocabIndex {
	idx := &vocabIndex{
		touchpoints: newVocab(p.Touchpoints),
		needs:       newVocab(p.Needs),
		kinds:       map[string]kindMatch{},
		starts:      map[string]bool{},
		kindPhrases: phraseSet{},
	}
	for i := range p.Kinds {
		k := &p.Kinds[i]
		idx.kinds[Normalize(k.Label)] = kindMatch{Kind: k}
		idx.kindPhrases.add(phrase{words: tokens(k.Label)})
		for _, v := range k.Variants {
			idx.kinds[Normalize(v)] = kindMatch{Kind: k, Variant: true}
			idx.kindPhrases.add(phrase{words: tokens(v)})
		}
	}
	for _, c := range p.Columns {
		var keys []string
		for _, k := range c.Keys {
			keys = append(keys, Normalize(k))
		}
		idx.captionKeys = append(idx.captionKeys, keys)
	}
	for _, w := range p.NeedStarts {
		idx.starts[Normalize(w)] = true
	}
	return idx
}

func newVocab(items []VocabItem) *vocab {
	v := &vocab{items: items, exact: map[string]vocabMatch{}, phrases: phraseSet{}}
	for i := range items {
		it := &items[i]
		v.add(it.Text, vocabMatch{it, matchCanonical})
		for _, a := range it.Accept {
			v.add(a, vocabMatch{it, matchAccepted})
		}
		for _, s := range it.Synonyms {
			v.add(s, vocabMatch{it, matchSynonym})
		}
	}
	return v
}

func (v *vocab) add(text string, m vocabMatch) {
	key := Normalize(text)
	if _, dup := v.exact[key]; dup {
		return // the first (stronger) meaning wins
	}
	v.exact[key] = m
	v.phrases.add(phrase{words: tokens(text), match: m})
}

// phraseSet indexes phrases by their first word, longest first, so the
// splitter tries only the few that can match at a position.
type phraseSet map[string][]phrase

func (s phraseSet) add(ph phrase) {
	if len(ph.words) == 0 {
		return
	}
	list := append(s[ph.words[0]], ph)
	sort.SliceStable(list, func(i, j int) bool { return len(list[i].words) > len(list[j].words) })
	s[ph.words[0]] = list
}

// lookup finds the exact (normalized) wording.
func (v *vocab) lookup(text string) vocabMatch {
	return v.exact[Normalize(text)]
}

// closest returns the canonical wording nearest to text, if near enough to
// be a useful suggestion.
func (v *vocab) closest(text string) (*VocabItem, bool) {
	n := Normalize(text)
	if n == "" {
		return nil, false
	}
	best, bestD := (*VocabItem)(nil), 1.0
	for key, m := range v.exact {
		if d := distance(n, key); d < bestD {
			best, bestD = m.Item, d
		}
	}
	return best, best != nil && bestD <= 0.45
}

// tokens splits text into normalized words with edge punctuation trimmed,
// the unit the splitter compares.
func tokens(s string) []string {
	f := strings.Fields(foldSpaces(s))
	out := make([]string, 0, len(f))
	for _, w := range f {
		if t := tokenKey(w); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func tokenKey(w string) string {
	return strings.Trim(normalizeWord(w), ".,;:")
}
