package rules

import (
	"fmt"
	"strings"
	"unicode"
)

// LatinLookalike: no Latin letters hidden inside Cyrillic words.
var LatinLookalike = &Rule{
	ID: "latin-lookalike", Paragraph: "2.2.2", Severity: Warning,
	Doc: "A Cyrillic word with Latin look-alike letters (\"Cистема\" with a Latin C) reads the same but breaks search, " +
		"matching and the vocabulary checks; the authorised person checks content for compliance (п. 2.2.2).",
	CheckCell: checkLatinLookalike,
}

func checkLatinLookalike(p *Pass, at Ref, raw string) {
	if !hasLatinLetter(raw) {
		return
	}
	var bad, fixed []string
	for _, w := range strings.Fields(foldSpaces(raw)) {
		if !hasCyrillic(w) || !hasLatinLetter(w) {
			continue
		}
		bad = append(bad, w)
		fixed = append(fixed, strings.Map(func(r rune) rune {
			if c, ok := latinLookalikes[r]; ok {
				return c
			}
			return r
		}, w))
	}
	if len(bad) == 0 {
		return
	}
	p.Report(at,
		fmt.Sprintf("В словах %s латинские буквы, похожие на русские.", quoteList(bad)),
		fmt.Sprintf("Перепечатайте русскими буквами: %s.", quoteList(fixed)))
}

func hasLatinLetter(s string) bool {
	for _, r := range s {
		if r < unicode.MaxASCII && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
