package rules

import (
	"fmt"
	"strings"
)

// RulesMarkdown documents the rule set; docs/rules.md is this text, and a
// test fails when the two drift apart.
func RulesMarkdown(rs []*Rule) string {
	var b strings.Builder
	b.WriteString("# Rules\n\n<!-- Generated from rules.All() by `go test ./rules -update`; do not edit. -->\n\n")
	b.WriteString("Each rule cites the clause of the Порядок it enforces (numbering of the generic Порядок, seed 000; a profile may renumber by rule ID). ")
	b.WriteString("Severities: **error** blocks publication, **warning** and **notice** do not.\n\n")
	b.WriteString("| ID | Paragraph | Severity | Checked on |\n|---|---|---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| [`%s`](#%s) | п. %s | %s | %s |\n", r.ID, r.ID, r.Paragraph, r.Severity, ruleStage(r))
	}
	for _, r := range rs {
		fmt.Fprintf(&b, "\n## %s\n\nп. %s · %s · %s\n\n%s\n", r.ID, r.Paragraph, r.Severity, ruleStage(r), r.Doc)
	}
	return b.String()
}

func ruleStage(r *Rule) string {
	switch {
	case r.Check != nil:
		return "registry"
	case r.CheckCell != nil:
		return "cell text"
	default:
		return "layout (parser)"
	}
}
