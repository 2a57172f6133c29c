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
	eachTouchpoint(p.Registry, func(_ *Process, t *Touchpoint) {
		if t.Kind == "" || isPlaceholder(p.Profile, t.Kind) {
			return
		}
		if _, ok := kinds[p.normalize(t.Kind)]; !ok {
			suggestion, fix := kindFix(p, t.Name)
			if !fix.IsZero() {
				fix.Old = t.Kind
			}
			p.ReportFix(p.rule.Severity, "", t.KindAt, fmt.Sprintf("«%s» — не вид точки взаимодействия.", short(t.Kind)), suggestion, fix)
		}
	})
}

// kindFix suggests the kind the vocabulary gives for a touchpoint (with the
// cell's new value), or lists the labels.
func kindFix(p *Pass, name string) (string, Fix) {
	if k, ok := expectedKind(p, name); ok {
		return fmt.Sprintf("Впишите «%s».", k.Label), Fix{New: k.Label}
	}
	return fmt.Sprintf("Впишите «%s».", joinLabels(p.Profile)), Fix{}
}

// kindOf resolves a kind label (or variant) to its kind.
func kindOf(pr *Profile, label string) (*Kind, bool) {
	m, ok := pr.idx().kinds[Normalize(label)]
	return m.Kind, ok
}
