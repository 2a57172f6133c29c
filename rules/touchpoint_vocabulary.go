package rules

import "fmt"

// TouchpointVocabulary: touchpoints are named as in п. 4.1/4.2.
var TouchpointVocabulary = &Rule{
	ID: "touchpoint-vocabulary", Paragraph: "4.1, 4.2", Severity: Error,
	Doc: "A touchpoint is named as in the Порядок's lists (4.1 digital, 4.2 offline) or by an accepted abbreviation " +
		"(СЭД, МСЭД, ВКС, АРМ ГС). Where the Порядок names the organisation by its stand-in (\"Электронная почта ОИВ\", " +
		"п. 1.1 «далее – ОИВ»), the organisation's own name in full or short, or a generic name of a body in any case " +
		"(\"Электронная почта Министерства\"), is the same touchpoint. A known synonym (\"Электронная почта\"), a typo or a near " +
		"miss (\"Кабинеты клиентов\") is a warning citing the item's paragraph with the Порядок's name as the suggestion; " +
		"a name matching nothing is an error.",
	Check: checkTouchpointVocabulary,
}

func checkTouchpointVocabulary(p *Pass) {
	for _, pr := range p.Registry.Processes {
		for _, t := range pr.Touchpoints {
			if t.Name == "" || isPlaceholder(p.Profile, t.Name) {
				continue
			}
			m := p.touchpoint(t.Name)
			var msg string
			switch m.How {
			case matchCanonical, matchAccepted:
				continue
			case matchSynonym:
				msg = fmt.Sprintf("«%s» — не наименование точки по п. %s.", short(t.Name), m.Item.Paragraph)
			case matchTypo:
				msg = fmt.Sprintf("«%s» отличается от наименования точки п. %s «%s» одной-двумя буквами.", short(t.Name), m.Item.Paragraph, m.Item.Text)
			case matchNear:
				msg = fmt.Sprintf("«%s» нет в перечне %s (п. %s).", short(t.Name), kindTitle(p.Profile, m.Item.Kind), kindParagraph(p.Profile, m.Item.Kind))
			case matchSlotUnknown:
				p.ReportFix(Warning, m.Item.Paragraph, t.NameAt,
					fmt.Sprintf("«%s» похоже на точку п. %s «%s», но наименование организации в нём не распознано.", short(t.Name), m.Item.Paragraph, m.Item.Text),
					fmt.Sprintf("Если это ваша организация, укажите её наименование в настройках (organisation источника или perechen lint --organisation); иначе исправьте на «%s».", m.Item.Text),
					Fix{Old: t.Name, New: m.Item.Text})
				continue
			default:
				p.Report(t.NameAt,
					fmt.Sprintf("Точки «%s» нет в перечне видов точек взаимодействия (п. %s — цифровые, п. %s — офлайн).",
						short(t.Name), kindParagraph(p.Profile, "digital"), kindParagraph(p.Profile, "offline")),
					"Выберите точку из перечня Порядка; если Порядок организации предусматривает такую точку, добавьте её в профиль.")
				continue
			}
			fix := Fix{Old: t.Name, New: m.Item.Text}
			if m.Qualified != "" {
				fix.Old = m.Qualified // the product name after it stays
			}
			p.ReportFix(Warning, m.Item.Paragraph, t.NameAt, msg, fmt.Sprintf("Исправьте на «%s».", m.Item.Text), fix)
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
