package rules

import "fmt"

// NeedOther: a need outside 2.6.1–2.6.8 counts as "other" (2.6.9).
var NeedOther = &Rule{
	ID: "need-other", Paragraph: "2.6.9", Severity: Notice,
	Doc: "A need that matches none of п. 2.6.1–2.6.8 is allowed as \"другие удовлетворяемые потребности\" (п. 2.6.9); " +
		"the notice lets the authorised person confirm it is not a known need in other words.",
	Check: checkNeedOther,
}

func checkNeedOther(p *Pass) {
	eachNeed(p.Registry, func(t *Touchpoint, i int) {
		n := t.Needs[i]
		if isPlaceholder(p.Profile, n.Text) {
			return
		}
		if class, _ := classifyNeed(p, n.Text); class == needOther {
			p.Report(n.At,
				fmt.Sprintf("«%s» нет среди потребностей п. 2.6.1–2.6.8: она учитывается как другая потребность (п. %s).", short(n.Text), p.Profile.needOther()),
				"Если это одна из потребностей п. 2.6.1–2.6.8, запишите её формулировкой Порядка.")
		}
	})
}

func (p *Profile) needOther() string {
	if p.NeedOther != "" {
		return p.NeedOther
	}
	return "2.6.9"
}
