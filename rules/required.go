package rules

import "fmt"

// ProcessNameRequired: every process has a name.
var ProcessNameRequired = &Rule{
	ID: "process-name-required", Paragraph: "2.1", Severity: Error,
	Doc:   "Graph 2 names every process; a numbered row without a process name is an error.",
	Check: checkProcessName,
}

func checkProcessName(p *Pass) {
	for _, pr := range p.Registry.Processes {
		if pr.Name == "" {
			p.Report(pr.NameAt, "Не указано название процесса в графе 2.", "Впишите название процесса взаимодействия с внутренним клиентом.")
		}
	}
}

// TouchpointRequired: every process has a touchpoint and every touchpoint a name.
var TouchpointRequired = &Rule{
	ID: "touchpoint-required", Paragraph: "2.3", Severity: Error,
	Doc: "Every process has at least one touchpoint (п. 2.3: key touchpoints are determined for each activity), " +
		"and a row with needs or a kind names its touchpoint in graph 3.",
	Check: checkTouchpointRequired,
}

func checkTouchpointRequired(p *Pass) {
	col := p.Registry.Columns[colTouchpoint]
	for _, pr := range p.Registry.Processes {
		if len(pr.Touchpoints) == 0 {
			at := Ref{Sheet: pr.NameAt.Sheet, Row: pr.NameAt.Row, Col: col}
			p.Report(at, fmt.Sprintf("У процесса «%s» не указана ни одна точка взаимодействия.", short(pr.Name)),
				"Впишите точку взаимодействия из п. 4.1 или 4.2 в графу 3.")
		}
		for _, t := range pr.Touchpoints {
			if t.Name == "" {
				p.Report(t.NameAt, "Не указана точка взаимодействия, хотя в строке есть потребности или вид точки.",
					"Впишите точку взаимодействия в графу 3 или перенесите потребности к нужной точке.")
			}
		}
	}
}

// NeedRequired: every touchpoint has at least one need.
var NeedRequired = &Rule{
	ID: "need-required", Paragraph: "2.6", Severity: Error,
	Doc:   "For each touchpoint the needs it satisfies are determined (п. 2.6): a touchpoint without any need in graph 4 is an error.",
	Check: checkNeedRequired,
}

func checkNeedRequired(p *Pass) {
	col := p.Registry.Columns[colNeeds]
	eachTouchpoint(p.Registry, func(_ *Process, t *Touchpoint) {
		if len(t.Needs) == 0 && t.Name != "" && !t.SharedNeeds {
			at := Ref{Sheet: t.NameAt.Sheet, Row: t.NameAt.Row, Col: col}
			p.Report(at, fmt.Sprintf("Для точки «%s» не указаны удовлетворяемые потребности клиента.", short(t.Name)),
				"Впишите в графу 4 потребности из п. 2.6.1–2.6.9, по одной в строке.")
		}
	})
}

// KindRequired: every touchpoint has a kind.
var KindRequired = &Rule{
	ID: "kind-required", Paragraph: "3.1", Severity: Error,
	Doc: "Graph 5 states the kind of every touchpoint (п. 3.1: touchpoints are digital or offline by channel). " +
		"The suggestion names the kind the vocabulary gives for that touchpoint.",
	Check: checkKindRequired,
}

func checkKindRequired(p *Pass) {
	eachTouchpoint(p.Registry, func(_ *Process, t *Touchpoint) {
		if t.Kind == "" && t.Name != "" {
			suggestion, fix := kindFix(p, t.Name)
			p.ReportFix(p.rule.Severity, "", t.KindAt, fmt.Sprintf("Не указан вид точки «%s».", short(t.Name)), suggestion, fix)
		}
	})
}

func joinLabels(pr *Profile) string {
	s := ""
	for i, l := range pr.KindLabels() {
		if i > 0 {
			s += "» или «"
		}
		s += l
	}
	return s
}

// expectedKind is the kind the vocabulary assigns to a touchpoint name.
func expectedKind(p *Pass, name string) (Kind, bool) {
	m := p.touchpoint(name)
	if m.Item == nil {
		return Kind{}, false
	}
	return p.Profile.KindByID(m.Item.Kind)
}
