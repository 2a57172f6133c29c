package rules

import (
	"fmt"
	"strings"
)

// RulesMarkdown documents the rule set; docs/rules.md is this text, and a
// test fails when the two drift apart.
func RulesMarkdown(rs []*Rule) string { return RulesMarkdownWith(rs, "") }

// RulesMarkdownWith is RulesMarkdown with a measured section (the precision
// corpus figures, which the test that keeps docs/rules.md current computes)
// after the table.
func RulesMarkdownWith(rs []*Rule, measured string) string {
	var b strings.Builder
	b.WriteString("# Rules\n\n<!-- Generated from rules.All() by `go test ./rules -update`; do not edit. -->\n\n")
	b.WriteString("Each rule cites the clause of the Порядок it enforces (numbering of the generic Порядок, seed 000; a profile may renumber by rule ID). ")
	b.WriteString("Severities: **error** blocks publication, **warning** and **notice** do not.\n\n")
	b.WriteString("**Which findings become cell notes.** Errors and warnings are written as notes on their cells: each is something a person ")
	b.WriteString("has to act on. Notices (п. 2.9 principles, other needs of п. 2.6.9, needs in other words than the Порядок's, spacing) are shown on the status page, in ")
	b.WriteString("`/status.json` and by `perechen lint`, never in the sheet, unless the source sets `note_level: notice` ")
	b.WriteString("(`note_level: error` keeps even warnings off the sheet).\n\n")
	b.WriteString("**Per Порядок.** A profile may change a rule's severity or turn it off (`severities`), cite another clause (`paragraphs`) and add ")
	b.WriteString("an explanation (`explanations`): `oiv` turns `offline-spelling` off because seed 000 writes «Оффлайн точка» itself; `mimp-mo` ")
	b.WriteString("keeps `header-client` as a warning because its own approved Приложение says «с внешним клиентом», and cites п. 2.9.3 for ")
	b.WriteString("`no-offline-alternative` (its 2.9.3 says «в офлайн-каналах»; seed 000's says «в онлайн-каналах», so `oiv` cites 2.9.4). ")
	b.WriteString("The organisation named in a touchpoint (`stand_in`, «ОИВ» of п. 1.1) may be the stand-in itself, the source's `organisation`, ")
	b.WriteString("the name in the registry's title rows (full or as its acronym) or any generic name of a body in any case («Министерства», «Комитета по …»).\n\n")
	b.WriteString("**Fixes.** A suggestion that names the new text carries it as a fix (`fix` in `perechen lint --format json`); every fix, applied, ")
	b.WriteString("lints clean — `TestFixesLintClean` applies each one over the corpus below, the seeds and every fixture.\n\n")
	b.WriteString("| ID | Paragraph | Severity | Checked on |\n|---|---|---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| [`%s`](#%s) | п. %s | %s | %s |\n", r.ID, r.ID, r.Paragraph, r.Severity, ruleStage(r))
	}
	if measured != "" {
		b.WriteString("\n" + measured)
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
