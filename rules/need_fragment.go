package rules

import "fmt"

// NeedFragment: a need is not split over two rows.
var NeedFragment = &Rule{
	ID: "need-fragment", Paragraph: "2.6", Severity: Warning,
	Doc: "A need split over rows (seed 003: \"Получение\" / \"материальных ценностей\") shows as a lone need-starting word " +
		"or a need starting in lower case; the suggestion is the joined text.",
	Check: checkNeedFragment,
}

func checkNeedFragment(p *Pass) {
	eachNeed(p.Registry, func(t *Touchpoint, i int) {
		n := t.Needs[i]
		if class, _ := classifyNeed(p, n.Text); class != needFragment {
			return
		}
		fix := "Допишите потребность целиком в одной ячейке."
		switch {
		case startsLower(n.Text) && i > 0:
			fix = fmt.Sprintf("Объедините с предыдущей строкой: «%s %s».", t.Needs[i-1].Text, n.Text)
		case !startsLower(n.Text) && i+1 < len(t.Needs) && startsLower(t.Needs[i+1].Text):
			fix = fmt.Sprintf("Объедините со следующей строкой: «%s %s».", n.Text, t.Needs[i+1].Text)
		}
		p.Report(n.At, fmt.Sprintf("«%s» — часть потребности, разорванной по строкам.", short(n.Text)), fix)
	})
}
