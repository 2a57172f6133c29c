package rules

import "fmt"

// DuplicateTouchpoint: a touchpoint appears once per process.
var DuplicateTouchpoint = &Rule{
	ID: "duplicate-touchpoint", Paragraph: "2.8", Severity: Error,
	Doc: "Within one process a touchpoint is not repeated (п. 2.8): one touchpoint is stated and the needs it satisfies are listed under it. " +
		"Names are compared through the vocabulary, so \"СЭД\" and \"Система электронного документооборота\", or \"Кабинеты клиентов\" " +
		"and \"Кабинеты внутренних клиентов\", are the same touchpoint. A touchpoint written again on each row of its needs " +
		"(the flat layout) is one touchpoint, not a repeat.",
	Check: checkDuplicateTouchpoint,
}

func checkDuplicateTouchpoint(p *Pass) {
	for _, pr := range p.Registry.Processes {
		first := map[string]Touchpoint{}
		for _, t := range pr.Touchpoints {
			if t.Name == "" {
				continue
			}
			key := touchpointKey(p, t.Name)
			if f, dup := first[key]; dup {
				p.Report(t.NameAt,
					fmt.Sprintf("Точка «%s» уже указана в процессе «%s» (строка %d).", short(t.Name), short(pr.Name), f.NameAt.Row+1),
					"Оставьте одну точку и перечислите в ней все удовлетворяемые потребности.")
				continue
			}
			first[key] = t
		}
	}
}

// touchpointKey identifies a touchpoint through the vocabulary.
func touchpointKey(p *Pass, name string) string {
	if m := p.touchpoint(name); m.Item != nil {
		return m.Item.Text
	}
	return vocabKey(name)
}
