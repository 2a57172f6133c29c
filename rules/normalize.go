package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
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
// punctuation of the whole text. It is the linter's hot path: one pass, one
// allocation.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isSpace(r) || isInvisible(r) {
			i += size
			continue
		}
		j, cyr := i, false
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if isSpace(r) {
				break
			}
			cyr = cyr || isCyrillicRune(r)
			j += size
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		writeFolded(&b, s[i:j], cyr)
		i = j
	}
	return strings.Trim(b.String(), " .;:,")
}

// normalizeWord folds one whitespace-free token.
func normalizeWord(w string) string {
	var b strings.Builder
	b.Grow(len(w))
	writeFolded(&b, w, hasCyrillic(w))
	return b.String()
}

// writeFolded writes a word lower-cased with ё→е, invisible characters
// dropped, and Latin look-alikes replaced when the word is Cyrillic.
func writeFolded(b *strings.Builder, w string, cyr bool) {
	for _, r := range w {
		switch {
		case isInvisible(r) || isFormatMark(r):
			continue
		case r < utf8.RuneSelf:
			if cyr {
				if c, ok := latinLookalikes[r]; ok {
					r = c
				}
			}
		case cyr && r >= 0x370 && r <= 0x3ff:
			if c, ok := greekLookalikes[r]; ok {
				r = c
			}
		}
		switch {
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r >= 'А' && r <= 'Я':
			r += 'а' - 'А'
		case r == 'Ё' || r == 'ё':
			r = 'е'
		case r == '«' || r == '»' || r == '“' || r == '”' || r == '„' || r == '‟':
			r = '"' // «…» and "…" say the same
		case r >= utf8.RuneSelf && !isCyrillicRune(r):
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
}

func isCyrillicRune(r rune) bool { return r >= 0x400 && r <= 0x4ff }

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// isFormatMark is a direction mark or another invisible format character
// (U+200E, U+200F, U+202A–U+202E, U+2060–U+206F): it changes how text
// shows, never what it says, so words compare without it
// (invisible-characters reports it).
func isFormatMark(r rune) bool {
	return r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2060 && r <= 0x206f
}

func isInvisible(r rune) bool {
	return r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u00ad'
}

// foldSpaces turns non-breaking and other Unicode spaces into plain ones and
// drops zero-width characters.
func foldSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case isInvisible(r):
			return -1
		case isSpace(r):
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
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	return strings.Join(strings.Fields(foldSpaces(s)), " ")
}

// isClean is the fast path of Clean: plain single spaces inside, none at the
// ends, no line breaks or special spaces.
func isClean(s string) bool {
	prevSpace := true
	for _, r := range s {
		if r == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		}
		if isSpace(r) || isInvisible(r) {
			return false
		}
		prevSpace = false
	}
	return !prevSpace || s == ""
}

// levenshtein is the edit distance between two strings, in runes, with a
// swap of two neighbouring letters («свзяи» for «связи») counting as one
// edit (the optimal string alignment distance).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
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
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
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
