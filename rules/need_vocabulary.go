package rules

import "fmt"

// NeedVocabulary: needs are worded as in п. 2.6.1–2.6.8.
var NeedVocabulary = &Rule{
	ID: "need-vocabulary", Paragraph: "2.6", Severity: Warning,
	Doc: "A need is worded as in п. 2.6.1–2.6.8 or by a wording the profile accepts as equal (\"Предоставление документов\" for 2.6.4); " +
		"common abbreviations are read in full (\"в т.ч.\"). A known synonym (\"Консультирование\") is a notice with the preferred wording. " +
		"A typo — the same words with a letter or two wrong in a word of five letters or more (\"Получение консультаци\") — is a warning; " +
		"different words are another need, which п. 2.6.9 allows (need-other).",
	Check: checkNeedVocabulary,
}

func checkNeedVocabulary(p *Pass) {
	eachNeed(p.Registry, func(t *Touchpoint, i int) {
		n := t.Needs[i]
		class, m := classifyNeed(p, n.Text)
		fix := Fix{Old: n.Text, New: m.Wording}
		if m.Qualified != "" {
			fix.Old = m.Qualified // the clarification in brackets stays
		}
		switch class {
		case needSynonym:
			fix.New = m.Item.Text
			p.ReportFix(Notice, m.Item.Paragraph, n.At,
				fmt.Sprintf("«%s» — не формулировка п. %s.", short(n.Text), m.Item.Paragraph),
				fmt.Sprintf("Запишите формулировкой Порядка: «%s».", m.Item.Text), fix)
		case needTypo:
			p.ReportFix(Warning, m.Item.Paragraph, n.At,
				fmt.Sprintf("«%s» отличается от формулировки п. %s «%s» одной-двумя буквами.", short(n.Text), m.Item.Paragraph, m.Wording),
				fmt.Sprintf("Исправьте на «%s».", m.Wording), fix)
		}
	})
}
