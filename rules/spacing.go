package rules

import (
	"fmt"
	"strings"
)

// Spacing: no stray, doubled or invisible spaces.
var Spacing = &Rule{
	ID: "spacing", Paragraph: "2.2.2", Severity: Notice,
	Doc: "Leading or trailing spaces, doubled spaces, non-breaking and zero-width spaces make equal texts differ " +
		"(duplicates slip through, published text looks ragged). Line breaks between items are fine.",
	CheckCell: checkSpacing,
}

func checkSpacing(p *Pass, at Ref, raw string) {
	if linesClean(raw) {
		return
	}
	var what []string
	if strings.ContainsAny(raw, "\u00a0\u202f") {
		what = append(what, "неразрывные пробелы")
	}
	if strings.ContainsAny(raw, "\u200b\u200c\u200d\ufeff\u00ad") {
		what = append(what, "невидимые символы")
	}
	lines := strings.Split(raw, "\n")
	edge, double := false, false
	for _, l := range lines {
		if strings.TrimSpace(l) != l {
			edge = true
		}
		if strings.Contains(l, "  ") || strings.Contains(l, "\t") {
			double = true
		}
	}
	if edge || strings.TrimSpace(raw) != raw {
		what = append(what, "пробелы в начале или в конце")
	}
	if double {
		what = append(what, "двойные пробелы")
	}
	if len(what) == 0 {
		return
	}
	cleaned := make([]string, 0, len(lines))
	for _, l := range lines {
		if c := Clean(l); c != "" {
			cleaned = append(cleaned, c)
		}
	}
	fix := Fix{New: strings.Join(cleaned, "\n")} // each line cleaned, the lines kept
	suggestion := fmt.Sprintf("Замените текст на «%s».", short(fix.New))
	if len(cleaned) > 1 {
		suggestion = fmt.Sprintf("Уберите лишние пробелы, оставив строки как есть: %s.", quoteList(cleaned))
	}
	if short(fix.New) != fix.New {
		suggestion = "Уберите лишние, неразрывные и невидимые пробелы."
	}
	p.ReportFix(p.rule.Severity, "", at, fmt.Sprintf("В тексте %s.", strings.Join(what, ", ")), suggestion, fix)
}

// linesClean is the fast path: every line is clean text.
func linesClean(raw string) bool {
	for _, l := range strings.Split(raw, "\n") {
		if l == "" || !isClean(l) {
			return false
		}
	}
	return true
}
