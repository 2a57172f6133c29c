package rules

import "strings"

// vocabKey is the form in which texts are compared with a vocabulary: the
// words of Normalize without the punctuation at their edges, quotes and
// brackets, and with the abbreviations people write in the Порядок's
// wordings spelled out ("в т.ч." → "в том числе"). Two texts with the
// same key say the same thing in the Порядок's words.
func vocabKey(s string) string {
	return strings.Join(expandAbbreviations(tokens(s)), " ")
}

// abbreviations spells out what staff shorten in needs and touchpoints.
// Keys are tokens as tokens() makes them (lower case, edge punctuation
// gone); a key with a space spans two tokens ("т ч" from "т. ч.").
var abbreviations = map[string][]string{
	"т.ч":        {"том", "числе"},
	"т ч":        {"том", "числе"},
	"т.е":        {"то", "есть"},
	"эл":         {"электронная"},
	"эл.почта":   {"электронная", "почта"},
	"электр":     {"электронная"},
	"e-mail":     {"электронная", "почта"},
	"email":      {"электронная", "почта"},
	"тел":        {"телефонная"},
	"док-тов":    {"документов"},
	"док-в":      {"документов"},
	"докум":      {"документов"},
	"инф-ции":    {"информации"},
	"информ":     {"информации"},
	"конс-ции":   {"консультации"},
	"предост-ие": {"предоставление"},
}

// expandAbbreviations replaces abbreviated tokens; the slice is reused
// when nothing is abbreviated (the common case).
func expandAbbreviations(ts []string) []string {
	found := false
	for i, t := range ts {
		if _, ok := abbreviations[t]; ok || (i+1 < len(ts) && abbreviations[t+" "+ts[i+1]] != nil) {
			found = true
			break
		}
	}
	if !found {
		return ts
	}
	out := make([]string, 0, len(ts)+2)
	for i := 0; i < len(ts); i++ {
		if i+1 < len(ts) {
			if full, ok := abbreviations[ts[i]+" "+ts[i+1]]; ok {
				out = append(out, full...)
				i++
				continue
			}
		}
		if full, ok := abbreviations[ts[i]]; ok {
			out = append(out, full...)
			continue
		}
		out = append(out, ts[i])
	}
	return out
}
