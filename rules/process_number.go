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
			p.Report(pr.NumberAt, fmt.Sprintf("У процесса «%s» нет номера в графе 1.", short(pr.Name)), fix)
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
			p.Report(pr.NumberAt, fmt.Sprintf("Номер %d повторяется: он уже у процесса «%s».", n, short(seen[n])), fix)
		case n != want:
			p.Report(pr.NumberAt, fmt.Sprintf("Нумерация нарушена: после %d ожидается %d, указан %d.", prev, want, n), fix)
		}
		if seen[n] == "" {
			seen[n] = pr.Name
		}
		prev = n
	}
}
