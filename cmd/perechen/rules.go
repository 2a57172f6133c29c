package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/perechen-oiv/perechen/rules"
)

// runRules lists the rule set, or prints it as Markdown (docs/rules.md).
func runRules(_ context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	markdown := fs.Bool("markdown", false, "вывести описание правил в Markdown (как docs/rules.md)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Использование: perechen rules [--markdown]\n\nПеречисляет правила проверки с пунктами Порядка.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *markdown {
		fmt.Fprint(e.stdout, rules.RulesMarkdown(rules.All()))
		return exitOK
	}
	for _, r := range rules.All() {
		fmt.Fprintf(e.stdout, "%-24s п. %-9s %-8s\n", r.ID, r.Paragraph, r.Severity)
	}
	fmt.Fprintf(e.stdout, "\nПрофили: %v (по умолчанию %s)\n", rules.ProfileNames(), rules.DefaultProfile)
	return exitOK
}
