package rules

import "fmt"

// TouchpointVocabulary: touchpoints are named as in п. 4.1/4.2.
var TouchpointVocabulary = &Rule{
	ID: "touchpoint-vocabulary", Paragraph: "4.1, 4.2", Severity: Error,
	Doc: "A touchpoint is named as in the Порядок's lists (4.1 digital, 4.2 offline) or by an accepted abbreviation " +
		"(СЭД, МСЭД, ВКС, АРМ ГС). A known synonym (\"Электронная почта\") or a near miss (\"Кабинеты клиентов\") is a warning " +
		"citing the item's paragraph with the canonical name as the suggestion; a name matching nothing is an error.",
	Check: checkTouchpointVocabulary,
}

func checkTouchpointVocabulary(p *Pass) {
	v := p.Profile.idx().touchpoints
	for _, pr := range p.Registry.Processes {
		for _, t := range pr.Touchpoints {
			if t.Name == "" || isPlaceholder(p.Profile, t.Name) {
				continue
			}
			m := v.lookup(t.Name)
			switch m.How {
			case matchCanonical, matchAccepted:
				continue
			case matchSynonym:
				p.ReportWith(Warning, m.Item.Paragraph, t.NameAt,
					fmt.Sprintf("«%s» — не наименование точки по п. %s.", short(t.Name), m.Item.Paragraph),
					fmt.Sprintf("Исправьте на «%s».", m.Item.Text))
				continue
			}
			if item, ok := v.closest(t.Name); ok {
				p.ReportWith(Warning, item.Paragraph, t.NameAt,
					fmt.Sprintf("«%s» нет в перечне %s (п. %s).", short(t.Name), kindTitle(p.Profile, item.Kind), kindParagraph(p.Profile, item.Kind)),
					fmt.Sprintf("Исправьте на «%s».", item.Text))
				continue
			}
			p.Report(t.NameAt,
				fmt.Sprintf("Точки «%s» нет в перечне видов точек взаимодействия (п. 4.1 — цифровые, п. 4.2 — офлайн).", short(t.Name)),
				"Выберите точку из п. 4.1 или 4.2; если Порядок организации предусматривает такую точку, добавьте её в профиль.")
		}
	}
}

func kindTitle(pr *Profile, id string) string {
	if k, ok := pr.KindByID(id); ok && k.Title != "" {
		return k.Title
	}
	return "точек взаимодействия"
}

func kindParagraph(pr *Profile, id string) string {
	if k, ok := pr.KindByID(id); ok {
		return k.Paragraph
	}
	return "4"
}
