package rules

import "fmt"

// KindCategory: the kind matches the section the touchpoint is listed in.
var KindCategory = &Rule{
	ID: "kind-category", Paragraph: "4.1, 4.2", Severity: Error,
	Doc: "\"Цифровая точка\" labels only touchpoints of п. 4.1 and \"Офлайн точка\" only those of п. 4.2; " +
		"the touchpoint is read through the vocabulary (\"Кабинеты клиентов\" is п. 4.2.2) and the finding cites its own item.",
	Check: checkKindCategory,
}

func checkKindCategory(p *Pass) {
	eachTouchpoint(p.Registry, func(_ *Process, t *Touchpoint) {
		m := p.touchpoint(t.Name)
		k, ok := kindOf(p.Profile, t.Kind)
		if m.Item == nil || !ok || k.ID == m.Item.Kind {
			return
		}
		want, _ := p.Profile.KindByID(m.Item.Kind)
		p.ReportFix(Error, m.Item.Paragraph, t.KindAt,
			fmt.Sprintf("Точка «%s» по п. %s — «%s», а указан вид «%s».", short(t.Name), m.Item.Paragraph, want.Label, short(t.Kind)),
			fmt.Sprintf("Исправьте вид на «%s».", want.Label), Fix{Old: t.Kind, New: want.Label})
	})
}
