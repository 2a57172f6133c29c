package rules

import "fmt"

// DuplicateNeed: a need appears once per touchpoint.
var DuplicateNeed = &Rule{
	ID: "duplicate-need", Paragraph: "2.8", Severity: Warning,
	Doc: "Within one touchpoint each need is listed once (п. 2.8: one touchpoint, with the needs it satisfies disclosed; seed 003 lists " +
		"\"Предоставление объектов для осмотра (проверки)\" twice for one e-mail touchpoint). Needs are compared through the vocabulary: " +
		"\"Представление документов\" and \"Предоставление документов\", or a synonym and the Порядок's wording, are the same need.",
	Check: checkDuplicateNeed,
}

func checkDuplicateNeed(p *Pass) {
	for _, pr := range p.Registry.Processes {
		for _, t := range pr.Touchpoints {
			first := map[string]Need{}
			for _, n := range t.Needs {
				key := needKey(p, n.Text)
				if f, dup := first[key]; dup {
					msg := fmt.Sprintf("Потребность «%s» уже указана для точки «%s» (строка %d).", short(n.Text), short(t.Name), f.At.Row+1)
					if sharesCell(t, n) { // other needs stay in the cell
						p.ReportFix(p.rule.Severity, "", n.At, msg, "Удалите повтор.", Fix{Old: n.Text, New: ""})
					} else {
						p.Report(n.At, msg, "Удалите повтор вместе с его строкой.")
					}
					continue
				}
				first[key] = n
			}
		}
	}
}

// needKey identifies a need through the vocabulary: the item it is a
// wording, synonym or typo of; a part of an item (2.6.5 «Получение
// ответа») or another need by its own words.
func needKey(p *Pass, text string) string {
	class, m := classifyNeed(p, text)
	switch {
	case m.Item == nil || class == needMisplaced:
		return vocabKey(text)
	case m.Part:
		return vocabKey(m.Wording)
	}
	return m.Item.Text
}

// sharesCell: another need of the touchpoint stands in n's cell.
func sharesCell(t Touchpoint, n Need) bool {
	count := 0
	for _, m := range t.Needs {
		if m.At == n.At {
			count++
		}
	}
	return count > 1
}
