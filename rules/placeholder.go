package rules

import (
	"fmt"
	"strings"
)

// Placeholder: no template text left in the registry.
var Placeholder = &Rule{
	ID: "placeholder", Paragraph: "2.2.2", Severity: Error,
	Doc: "Placeholders of the template form (\"[процесс 1]\", \"[точка 1]\", \"...\") left in the table mean the registry " +
		"is incomplete (п. 2.2.2: the authorised person checks completeness).",
	CheckCell: checkPlaceholder,
}

func checkPlaceholder(p *Pass, at Ref, raw string) {
	if isPlaceholder(p.Profile, raw) {
		p.Report(at, fmt.Sprintf("В ячейке остался текст шаблона «%s».", short(Clean(raw))),
			"Замените его сведениями из Перечня или удалите строку.")
	}
}

// isPlaceholder recognises template text: "[…]", "..." or a placeholder the
// profile lists.
func isPlaceholder(pr *Profile, s string) bool {
	c := strings.TrimSpace(s)
	if c == "" {
		return false
	}
	if strings.HasPrefix(c, "[") && strings.HasSuffix(c, "]") || c == "..." || c == "…" {
		return true
	}
	for _, ph := range pr.Placeholder {
		if strings.HasPrefix(c, ph) && strings.HasPrefix(ph, "[") {
			return true
		}
	}
	return false
}
