package rules

import "fmt"

// NeedMisplaced: graph 4 holds needs, not touchpoints or kinds.
var NeedMisplaced = &Rule{
	ID: "need-misplaced", Paragraph: "2.6", Severity: Warning,
	Doc: "A touchpoint's name (\"Телефонная связь\") or a kind label (\"Офлайн точка\") typed in graph 4 is not a need " +
		"the touchpoint satisfies (п. 2.6) but text in the wrong graph; the finding says where it belongs.",
	Check: checkNeedMisplaced,
}

func checkNeedMisplaced(p *Pass) {
	cols := p.Registry.Columns
	eachNeed(p.Registry, func(t *Touchpoint, i int) {
		n := t.Needs[i]
		class, m := classifyNeed(p, n.Text)
		if class != needMisplaced {
			return
		}
		if m.Item != nil {
			p.Report(n.At,
				fmt.Sprintf("«%s» — точка взаимодействия (п. %s), а не потребность клиента.", short(n.Text), m.Item.Paragraph),
				fmt.Sprintf("Перенесите её в графу 3 (столбец %s) отдельной точкой со своими потребностями или удалите из графы 4.", ColumnName(cols[colTouchpoint])))
			return
		}
		p.Report(n.At, fmt.Sprintf("«%s» — вид точки взаимодействия, а не потребность клиента.", short(n.Text)),
			fmt.Sprintf("Перенесите вид в графу 5 (столбец %s) и удалите из графы 4.", ColumnName(cols[colKind])))
	})
}
