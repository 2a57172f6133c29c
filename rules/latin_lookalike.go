package rules

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// LatinLookalike: no Latin or Greek letters hidden inside Cyrillic words.
var LatinLookalike = &Rule{
	ID: "latin-lookalike", Paragraph: "2.2.2", Severity: Warning,
	Doc: "A Cyrillic word with Latin or Greek look-alike letters (\"Cистема\" with a Latin C, \"Пοртал\" with a Greek omicron) reads " +
		"the same but breaks search, matching and the vocabulary checks; the authorised person checks content for compliance (п. 2.2.2). " +
		"Each part of a hyphenated word is checked on its own, so compounds of a Latin abbreviation and a Russian word " +
		"(\"VPN-подключение\", \"Wi-Fi-роутер\", \"Telegram-канал\") and all-Latin words are left alone.",
	CheckCell: checkLatinLookalike,
}

// greekLookalikes maps Greek letters that look like Cyrillic ones.
var greekLookalikes = map[rune]rune{
	'ο': 'о', 'Ο': 'О', 'α': 'а', 'Α': 'А', 'ε': 'е', 'Ε': 'Е', 'ρ': 'р', 'Ρ': 'Р', 'τ': 'т', 'Τ': 'Т',
	'κ': 'к', 'Κ': 'К', 'μ': 'м', 'Μ': 'М', 'Η': 'Н', 'Β': 'В', 'Χ': 'Х', 'χ': 'х', 'υ': 'у', 'Υ': 'У', 'Ι': 'І',
}

func checkLatinLookalike(p *Pass, at Ref, raw string) {
	if !hasForeignLetter(raw) {
		return
	}
	var bad, fixed []string
	for _, w := range strings.Fields(foldSpaces(raw)) {
		if f, ok := fixLookalikes(w); ok {
			bad, fixed = append(bad, w), append(fixed, f)
		}
	}
	if len(bad) == 0 {
		return
	}
	fix := Fix{}
	if len(bad) == 1 {
		fix = Fix{Old: bad[0], New: fixed[0]}
	}
	p.ReportFix(p.rule.Severity, "", at,
		fmt.Sprintf("В словах %s латинские или греческие буквы, похожие на русские.", quoteList(bad)),
		fmt.Sprintf("Перепечатайте русскими буквами: %s.", quoteList(fixed)), fix)
}

// fixLookalikes checks each run of letters of a word on its own (the parts
// of «VPN-подключение», «Ветис.API»): a run mixing Cyrillic letters with
// look-alikes gets them replaced; a run without Cyrillic letters (VPN, Wi,
// Fi, IP, API) is left as it is.
func fixLookalikes(w string) (string, bool) {
	var b strings.Builder
	changed := false
	for i := 0; i < len(w); {
		j := i
		for j < len(w) {
			r, size := utf8.DecodeRuneInString(w[j:])
			if !unicode.IsLetter(r) {
				break
			}
			j += size
		}
		if j == i { // a separator
			_, size := utf8.DecodeRuneInString(w[i:])
			b.WriteString(w[i : i+size])
			i += size
			continue
		}
		run := w[i:j]
		if hasCyrillic(run) && hasForeignLetter(run) {
			fixed := strings.Map(func(r rune) rune {
				if c, ok := latinLookalikes[r]; ok {
					return c
				}
				if c, ok := greekLookalikes[r]; ok {
					return c
				}
				return r
			}, run)
			changed = changed || fixed != run
			run = fixed
		}
		b.WriteString(run)
		i = j
	}
	return b.String(), changed
}

// hasForeignLetter: a Latin or Greek letter.
func hasForeignLetter(s string) bool {
	for _, r := range s {
		if r < unicode.MaxASCII && unicode.IsLetter(r) || unicode.Is(unicode.Greek, r) {
			return true
		}
	}
	return false
}
