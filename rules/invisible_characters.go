package rules

import (
	"fmt"
	"strings"
	"unicode"
)

// InvisibleCharacters: no direction overrides or other invisible control
// characters in a cell. Zero-width spaces are the spacing rule's.
var InvisibleCharacters = &Rule{
	ID: "invisible-characters", Paragraph: "2.2.2", Severity: Warning,
	Doc: "Direction overrides (U+202E and the other bidi controls) and other invisible control characters make a cell " +
		"display differently from what it says: \"Получение\" + U+202E + \"иицатьлусноК\" shows as \"ПолучениеКонсультации\". " +
		"They break matching and can disguise text on the published page; the authorised person checks content (п. 2.2.2).",
	CheckCell: checkInvisibleCharacters,
}

func checkInvisibleCharacters(p *Pass, at Ref, raw string) {
	var found []string
	seen := map[rune]bool{}
	for _, r := range raw {
		if isHiddenControl(r) && !seen[r] {
			seen[r] = true
			found = append(found, fmt.Sprintf("U+%04X", r))
		}
	}
	if len(found) == 0 {
		return
	}
	cleaned := strings.Map(func(r rune) rune {
		if isHiddenControl(r) {
			return -1
		}
		return r
	}, raw)
	p.ReportFix(p.rule.Severity, "", at,
		fmt.Sprintf("В тексте невидимые управляющие символы (%s): текст выглядит не так, как записан.", strings.Join(found, ", ")),
		fmt.Sprintf("Перепечатайте текст без них: «%s».", short(Clean(cleaned))), Fix{New: cleaned})
}

// isHiddenControl is a format or control character a person cannot see,
// other than line breaks and tabs (layout) and the zero-width spaces and soft
// hyphen that the spacing rule reports.
func isHiddenControl(r rune) bool {
	switch {
	case r >= 0x20 && r < 0x7f, r >= 0x400 && r <= 0x4ff: // the fast path: printable ASCII and Cyrillic
		return false
	case r == '\n' || r == '\t' || r == '\r' || isInvisible(r):
		return false
	case unicode.Is(unicode.Cf, r), unicode.IsControl(r):
		return !isSpace(r)
	}
	return false
}
