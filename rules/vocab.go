package rules

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// matchKind says how a text matched a vocabulary item.
type matchKind int

const (
	matchNone        matchKind = iota
	matchCanonical             // the Порядок's own wording
	matchAccepted              // an abbreviation or wording the profile accepts as equal
	matchSynonym               // understood, but the canonical wording is preferred
	matchTypo                  // a letter or two away from a wording of the vocabulary
	matchNear                  // not a wording, but nearest to one (words missing or changed)
	matchSlotUnknown           // a wording with the organisation slot, filled by a name not known as the organisation's
)

// vocabMatch is the result of looking a text up in a vocabulary.
type vocabMatch struct {
	Item *VocabItem
	How  matchKind
	// Wording is the vocabulary's wording the text matched (for a typo, the
	// one it misses): what to write instead.
	Wording string
	// Part: the wording is one of the item's parts.
	Part bool
	// Qualified is the text without the product name or clarification
	// after it that the match ignored ("" when there was none): what a fix
	// replaces.
	Qualified string
}

// phrase is one wording of an item, tokenized for splitting.
type phrase struct {
	words []string
	match vocabMatch
}

// slotPattern is a wording with the organisation slot: the words before
// and after the stand-in («электронная почта» + ОИВ + «»).
type slotPattern struct {
	prefix, suffix []string
	match          vocabMatch
}

// vocab indexes one vocabulary (touchpoints or needs) by vocabKey.
type vocab struct {
	items   []VocabItem
	exact   map[string]vocabMatch
	phrases phraseSet
	slots   []slotPattern
	keys    [][]string // the tokens of every key, for typo search
	keyOf   []vocabMatch
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
		touchpoints: newVocab(p.Touchpoints, tokens(p.StandIn)),
		needs:       newVocab(p.Needs, nil),
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

func newVocab(items []VocabItem, standIn []string) *vocab {
	v := &vocab{items: items, exact: map[string]vocabMatch{}, phrases: phraseSet{}}
	for i := range items {
		it := &items[i]
		v.add(it.Text, vocabMatch{Item: it, How: matchCanonical, Wording: it.Text}, standIn)
		for _, a := range it.Accept {
			v.add(a, vocabMatch{Item: it, How: matchAccepted, Wording: a}, standIn)
		}
		for _, s := range it.Synonyms {
			v.add(s, vocabMatch{Item: it, How: matchSynonym, Wording: s}, standIn)
		}
		for _, s := range it.Parts {
			v.add(s, vocabMatch{Item: it, How: matchAccepted, Wording: s, Part: true}, standIn)
		}
	}
	return v
}

func (v *vocab) add(text string, m vocabMatch, standIn []string) {
	key := vocabKey(text)
	if _, dup := v.exact[key]; dup {
		return // the first (stronger) meaning wins
	}
	v.exact[key] = m
	v.keys = append(v.keys, strings.Fields(key))
	v.keyOf = append(v.keyOf, m)
	words := tokens(text)
	v.phrases.add(phrase{words: words, match: m})
	if i := indexTokens(words, standIn); i >= 0 {
		v.slots = append(v.slots, slotPattern{prefix: words[:i], suffix: words[i+len(standIn):], match: m})
	}
}

// indexTokens is the position of sub in ts, or -1.
func indexTokens(ts, sub []string) int {
	if len(sub) == 0 {
		return -1
	}
	for i := 0; i+len(sub) <= len(ts); i++ {
		if equalTokens(ts[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
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

// lookup finds a wording of the vocabulary, compared by vocabKey.
func (v *vocab) lookup(text string) vocabMatch {
	return v.exact[vocabKey(text)]
}

// resolve finds what a text means in the vocabulary: a wording (lookup), a
// wording with the organisation named in its slot, a typo of a wording,
// or — when near is set — the nearest wording. Rules compare texts through
// it, so «Кабинеты клиентов» and «Кабинеты внутренних клиентов» are one
// touchpoint.
func (v *vocab) resolve(text string, org *orgMatcher, near bool) vocabMatch {
	key := vocabKey(text)
	if m, ok := v.exact[key]; ok {
		return m
	}
	ts := strings.Fields(key)
	var slotted *slotPattern
	if org != nil {
		for i, sp := range v.slots {
			n := len(ts) - len(sp.prefix) - len(sp.suffix)
			if n <= 0 || !equalTokens(ts[:len(sp.prefix)], sp.prefix) || !equalTokens(ts[len(ts)-len(sp.suffix):], sp.suffix) {
				continue
			}
			if org.mention(ts[len(sp.prefix) : len(ts)-len(sp.suffix)]) {
				return sp.match
			}
			if slotted == nil && len(sp.prefix) > 0 {
				slotted = &v.slots[i]
			}
		}
	}
	if base, _, ok := trailingQualifier(text); ok {
		// «СЭД «Дело»», «ВКС (TrueConf)», «Получение консультации (по
		// телефону)»: the Порядок's wording with the product or a
		// clarification after it
		if m := v.resolve(base, org, false); m.Item != nil {
			m.Qualified = base
			return m
		}
	}
	if m, ok := v.typo(ts); ok {
		return m
	}
	if slotted != nil && near {
		// «Электронная почта Мосавтодора»: the Порядок's touchpoint with a
		// name perechen cannot tell is the organisation's.
		return vocabMatch{Item: slotted.match.Item, How: matchSlotUnknown, Wording: slotted.match.Item.Text}
	}
	if near {
		if item, w, ok := v.closest(key); ok {
			return vocabMatch{Item: item, How: matchNear, Wording: w}
		}
	}
	return vocabMatch{}
}

// typo finds the one wording the words miss by a letter or two: the same
// number of words, each equal or a short edit away (none for words of up
// to four letters, one for up to seven, two for longer), two edits at most
// in all. Only such near misses are misspellings; a different word
// («заявки» for «заявления», «документов» for «форм документов») is
// another wording, which п. 2.6.9 allows for needs.
func (v *vocab) typo(ts []string) (vocabMatch, bool) {
	var found vocabMatch
	best := 3
	for i, k := range v.keys {
		if len(k) != len(ts) {
			continue
		}
		total := 0
		for j := range k {
			if total >= best {
				break
			}
			if k[j] == ts[j] {
				continue
			}
			d := levenshtein(k[j], ts[j])
			if d > typoAllowance(k[j]) {
				total = best
				break
			}
			total += d
		}
		if total > 0 && total < best {
			wording := v.keyOf[i].Item.Text
			if v.keyOf[i].Part || v.keyOf[i].How == matchAccepted {
				wording = v.keyOf[i].Wording // the accepted wording it misses, not a longer one
			}
			best, found = total, vocabMatch{Item: v.keyOf[i].Item, How: matchTypo, Wording: wording, Part: v.keyOf[i].Part}
		}
	}
	return found, found.Item != nil
}

func typoAllowance(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n <= 4:
		return 0
	case n <= 7:
		return 1
	}
	return 2
}

// closest returns the canonical wording nearest to a key, if near enough
// to be a useful suggestion.
func (v *vocab) closest(key string) (*VocabItem, string, bool) {
	if key == "" {
		return nil, "", false
	}
	best, bestD := (*VocabItem)(nil), 1.0
	for k, m := range v.exact {
		if d := distance(key, k); d < bestD || d == bestD && best != nil && m.Item.Text < best.Text {
			best, bestD = m.Item, d
		}
	}
	if best == nil || bestD > 0.45 {
		return nil, "", false
	}
	return best, best.Text, true
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
	return strings.Trim(normalizeWord(w), `.,;:!?"()[]`)
}

// trailingQualifier cuts a bracketed or quoted part off the end of text
// («СЭД «Дело»» → «СЭД», «ВКС (TrueConf)» → «ВКС»); ok is false when
// there is none or nothing would be left.
func trailingQualifier(text string) (base, qualifier string, ok bool) {
	t := strings.TrimSpace(text)
	pairs := [][2]string{{"(", ")"}, {"«", "»"}, {"\"", "\""}, {"“", "”"}}
	for _, p := range pairs {
		if !strings.HasSuffix(t, p[1]) {
			continue
		}
		inner := strings.TrimSuffix(t, p[1])
		i := strings.LastIndex(inner, p[0])
		if p[0] == "«" {
			i = matchingGuillemet(inner)
		}
		if i <= 0 {
			continue
		}
		base = strings.TrimSpace(inner[:i])
		if base == "" {
			continue
		}
		return base, t[i:], true
	}
	return "", "", false
}

// matchingGuillemet finds the «…» that opens the last quote of s (which
// has had its closing » cut), allowing nested «…» inside it.
func matchingGuillemet(s string) int {
	depth := 0
	for i := len(s); i > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
		switch r {
		case '»':
			depth++
		case '«':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}
