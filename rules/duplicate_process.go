package rules

import "fmt"

// DuplicateProcess: a process appears once.
var DuplicateProcess = &Rule{
	ID: "duplicate-process", Paragraph: "2.1", Severity: Warning,
	Doc: "A process is listed once in the form (п. 2.1): two processes with the same name split one process's touchpoints in two. " +
		"Rows that repeat the current № and name (the flat layout) continue that process and are not a repeat.",
	Check: checkDuplicateProcess,
}

func checkDuplicateProcess(p *Pass) {
	first := map[string]Process{}
	for _, pr := range p.Registry.Processes {
		key := p.normalize(pr.Name)
		if key == "" {
			continue
		}
		if f, dup := first[key]; dup {
			p.Report(pr.NameAt,
				fmt.Sprintf("Процесс «%s» уже есть в Перечне под номером %s (строка %d).", short(pr.Name), f.Number, f.NameAt.Row+1),
				"Объедините процессы: перенесите точки взаимодействия в первый и удалите повтор.")
			continue
		}
		first[key] = pr
	}
}
