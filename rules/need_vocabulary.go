package rules

import "fmt"

// NeedVocabulary: needs are worded as in п. 2.6.1–2.6.8.
var NeedVocabulary = &Rule{
	ID: "need-vocabulary", Paragraph: "2.6", Severity: Warning,
	Doc: "A need is worded as in п. 2.6.1–2.6.8 or by a wording the profile accepts as equal (\"Предоставление документов\" for 2.6.4). " +
		"A known synonym (\"Консультирование\") is a notice with the preferred wording; a near miss (a typo) is a warning with the wording it misses.",
	Check: checkNeedVocabulary,
}

func checkNeedVocabulary(p *Pass) {
	eachNeed(p.Registry, func(t *Touchpoint, i int) {
		n := t.Needs[i]
		class, item := classifyNeed(p, n.Text)
		switch class {
		case needSynonym:
			p.ReportWith(Notice, item.Paragraph, n.At,
				fmt.Sprintf("«%s» — не формулировка п. %s.", short(n.Text), item.Paragraph),
				fmt.Sprintf("Запишите формулировкой Порядка: «%s».", item.Text))
		case needTypo:
			p.ReportWith(Warning, item.Paragraph, n.At,
				fmt.Sprintf("«%s» похоже на потребность п. %s, но записано с ошибкой.", short(n.Text), item.Paragraph),
				fmt.Sprintf("Исправьте на «%s».", item.Text))
		}
	})
}
