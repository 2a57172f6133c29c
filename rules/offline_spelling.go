package rules

import (
	"fmt"
	"regexp"
	"strings"
)

// OfflineSpelling: "Офлайн" is spelled with one "ф".
var OfflineSpelling = &Rule{
	ID: "offline-spelling", Paragraph: "3.1", Severity: Warning,
	Doc: "The word is spelled \"офлайн\" (one ф), as seed 003 writes it (\"Офлайн точка\", п. 3.1, 4.2). Seed 000 writes " +
		"\"Оффлайн\" itself (п. 4.2, 4.3), so its profile (oiv) turns the rule off: spellings are per Порядок.",
	CheckCell: checkOfflineSpelling,
}

var offlineRe = regexp.MustCompile(`([Оо])ффлайн`)

func checkOfflineSpelling(p *Pass, at Ref, raw string) {
	if !strings.Contains(raw, "ффлайн") || !offlineRe.MatchString(raw) {
		return
	}
	fixed := offlineRe.ReplaceAllString(raw, "${1}флайн")
	suggestion := fmt.Sprintf("Исправьте на «%s».", short(Clean(fixed)))
	if strings.ContainsAny(strings.TrimSpace(raw), "\n") || short(Clean(fixed)) != Clean(fixed) {
		suggestion = "Исправьте «Оффлайн» на «Офлайн»."
	}
	p.ReportFix(p.rule.Severity, "", at, "«Оффлайн» пишется с одной «ф».", suggestion, Fix{New: fixed})
}
