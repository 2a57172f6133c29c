package rules

import "fmt"

// ProcessNumber: processes are numbered 1..N without gaps or repeats.
var ProcessNumber = &Rule{
	ID: "process-number", Paragraph: "2.1", Severity: Error,
	Doc: "Every process has a number in graph 1 and the numbers run 1, 2, … N without gaps, repeats or text " +
		"(\"1\" and \"1.\" are both fine).",
	Check: checkProcessNumber,
}

func checkProcessNumber(p *Pass) {
	prev := 0
	seen := map[int]string{}
	for _, pr := range p.Registry.Processes {
		want := prev + 1
		fix := fmt.Sprintf("Впишите номер %d.", want)
		if pr.Number == "" {
			p.ReportFix(p.rule.Severity, "", pr.NumberAt, fmt.Sprintf("У процесса «%s» нет номера в графе 1.", short(pr.Name)), fix, Fix{New: fmt.Sprint(want)})
			prev = want
			continue
		}
		if !IsProcessNumber(pr.Number) {
			p.Report(pr.NumberAt, fmt.Sprintf("«%s» в графе 1 — не номер процесса.", short(pr.Number)), fix)
			prev = want
			continue
		}
		n := ProcessNumberValue(pr.Number)
		switch {
		case seen[n] != "":
			// Once corrected as the note says, the next number is right
			// again: a repeated number costs one finding, not a cascade.
			msg := fmt.Sprintf("Номер %d повторяется: он уже у процесса «%s».", n, short(seen[n]))
			if pr.Repeated > 0 { // the number stands on every row of the process
				p.Report(pr.NumberAt, msg, fmt.Sprintf("Впишите номер %d во всех строках процесса.", want))
			} else {
				p.ReportFix(p.rule.Severity, "", pr.NumberAt, msg, fix, Fix{Old: pr.Number, New: fmt.Sprint(want)})
			}
			prev = want
			continue
		case n != want:
			// A gap is fixed by renumbering all that follows: advice, not
			// a one-cell fix.
			p.Report(pr.NumberAt, fmt.Sprintf("Нумерация нарушена: после %d ожидается %d, указан %d.", prev, want, n),
				fmt.Sprintf("Перенумеруйте процессы с этого: %d, %d, …", want, want+1))
		}
		seen[n] = pr.Name
		prev = n
	}
}
