package rules

import "fmt"

// DuplicateNeed: a need appears once per touchpoint.
var DuplicateNeed = &Rule{
	ID: "duplicate-need", Paragraph: "2.8", Severity: Warning,
	Doc:   "Within one touchpoint each need is listed once (seed 003 lists \"Предоставление объектов для осмотра (проверки)\" twice for one e-mail touchpoint).",
	Check: checkDuplicateNeed,
}

func checkDuplicateNeed(p *Pass) {
	for _, pr := range p.Registry.Processes {
		for _, t := range pr.Touchpoints {
			first := map[string]Need{}
			for _, n := range t.Needs {
				key := p.normalize(n.Text)
				if f, dup := first[key]; dup {
					p.Report(n.At,
						fmt.Sprintf("Потребность «%s» уже указана для точки «%s» (строка %d).", short(n.Text), short(t.Name), f.At.Row+1),
						"Удалите повтор.")
					continue
				}
				first[key] = n
			}
		}
	}
}
