package rules

import (
	"strings"
	"unicode"
)

// latinLookalikes maps Latin letters that look like Cyrillic ones to those
// Cyrillic letters; people paste them in from other documents and they break
// search and matching.
var latinLookalikes = map[rune]rune{
	'a': 'а', 'e': 'е', 'o': 'о', 'p': 'р', 'c': 'с', 'x': 'х', 'y': 'у', 'k': 'к', 'm': 'м',
	'A': 'А', 'E': 'Е', 'O': 'О', 'P': 'Р', 'C': 'С', 'X': 'Х', 'Y': 'У', 'K': 'К', 'M': 'М',
	'T': 'Т', 'H': 'Н', 'B': 'В',
}

// Normalize folds text for comparison: case, ё/е, every kind of space and line
// break to one space, Latin look-alikes inside Cyrillic words, and trailing
// punctuation of the whole text.
func Normalize(s string) string {
	words := strings.Fields(foldSpaces(s))
	for i, w := range words {
		words[i] = normalizeWord(w)
	}
	return strings.Trim(strings.Join(words, " "), " .;:,")
}

// normalizeWord folds one whitespace-free token.
func normalizeWord(w string) string {
	if hasCyrillic(w) {
		w = strings.Map(func(r rune) rune {
			if c, ok := latinLookalikes[r]; ok {
				return c
			}
			return r
		}, w)
	}
	w = strings.ToLower(w)
	return strings.ReplaceAll(w, "ё", "е")
}

// foldSpaces turns non-breaking and other Unicode spaces into plain ones and
// drops zero-width characters.
func foldSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u00ad':
			return -1
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f':
			return ' '
		}
		return r
	}, s)
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

// startsUpper reports whether the first letter of s is upper case.
func startsUpper(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return unicode.IsUpper(r)
		}
		if unicode.IsDigit(r) {
			return false
		}
	}
	return false
}

// startsLower reports whether the first letter of s is lower case.
func startsLower(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
		return false
	}
	return false
}

// Clean trims the text and folds inner runs of spaces and line breaks to one
// space: the value a rule reasons about (hygiene rules look at the raw text).
func Clean(s string) string { return strings.Join(strings.Fields(foldSpaces(s)), " ") }

// levenshtein is the edit distance between two strings, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// distance is a 0..1 dissimilarity of two normalized strings: the smaller of
// the normalized edit distance and the share of words not in common, so both
// typos and missing words ("Кабинеты клиентов") find their match.
func distance(a, b string) float64 {
	if a == b {
		return 0
	}
	la, lb := len([]rune(a)), len([]rune(b))
	edit := float64(levenshtein(a, b)) / float64(max(la, lb))
	wa, wb := strings.Fields(a), strings.Fields(b)
	set := map[string]bool{}
	for _, w := range wa {
		set[w] = true
	}
	common := 0
	union := len(set)
	seen := map[string]bool{}
	for _, w := range wb {
		if seen[w] {
			continue
		}
		seen[w] = true
		if set[w] {
			common++
		} else {
			union++
		}
	}
	words := 1.0
	if union > 0 {
		words = 1 - float64(common)/float64(union)
	}
	return min(edit, words)
}
