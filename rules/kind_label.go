package rules

import "fmt"

// KindLabel: graph 5 holds one of the profile's kind labels.
var KindLabel = &Rule{
	ID: "kind-label", Paragraph: "3.1", Severity: Error,
	Doc: "Graph 5 holds one of the kind labels (\"Цифровая точка\", \"Офлайн точка\"); spelling variants such as " +
		"\"Оффлайн точка\" are understood here and reported by offline-spelling. Anything else is an error.",
	Check: checkKindLabel,
}

func checkKindLabel(p *Pass) {
	kinds := p.Profile.idx().kinds
	for _, pr := range p.Registry.Processes {
		for _, t := range pr.Touchpoints {
			if t.Kind == "" || isPlaceholder(p.Profile, t.Kind) {
				continue
			}
			if _, ok := kinds[Normalize(t.Kind)]; ok {
				continue
			}
			fix := fmt.Sprintf("Впишите «%s».", joinLabels(p.Profile))
			if k, ok := expectedKind(p.Profile, t.Name); ok {
				fix = fmt.Sprintf("Впишите «%s».", k.Label)
			}
			p.Report(t.KindAt, fmt.Sprintf("«%s» — не вид точки взаимодействия.", short(t.Kind)), fix)
		}
	}
}

// kindOf resolves a kind label (or variant) to its kind.
func kindOf(pr *Profile, label string) (*Kind, bool) {
	m, ok := pr.idx().kinds[Normalize(label)]
	return m.Kind, ok
}
