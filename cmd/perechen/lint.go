package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// lintOptions are the flags of `perechen lint`.
type lintOptions struct {
	profile      string
	format       string
	sheet        string
	failOn       string
	organisation string
	sample       bool
}

func runLint(_ context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o lintOptions
	fs.StringVar(&o.profile, "profile", rules.DefaultProfile, "профиль Порядка: "+strings.Join(rules.ProfileNames(), ", ")+" или путь к файлу YAML")
	fs.StringVar(&o.format, "format", "text", "формат вывода: text или json")
	fs.StringVar(&o.sheet, "sheet", "", "лист книги (по умолчанию — лист с формой Перечня)")
	fs.StringVar(&o.organisation, "organisation", "", "наименование органа: в названиях точек («Электронная почта …») оно равнозначно «ОИВ»")
	fs.StringVar(&o.failOn, "fail-on", "error", "код выхода 1 при замечаниях этого уровня и выше: error, warning или notice")
	fs.BoolVar(&o.sample, "sample", false, "проверить встроенный образец Перечня вместо файла")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Использование: perechen lint [флаги] ФАЙЛ.xlsx   (или - для стандартного ввода)")
		fmt.Fprintln(e.stderr, "\nПроверяет Перечень точек взаимодействия по Порядку. Код выхода: 0 — ошибок нет,")
		fmt.Fprintln(e.stderr, "1 — есть замечания уровня --fail-on, 2 — файл или параметры непригодны.\n\nФлаги:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	failOn, err := rules.ParseSeverity(o.failOn)
	if err != nil || (o.format != "text" && o.format != "json") {
		fmt.Fprintln(e.stderr, "perechen lint: --fail-on принимает error, warning или notice; --format — text или json")
		return exitUsage
	}
	profile, err := rules.LoadProfile(o.profile)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen lint:", err)
		return exitUsage
	}
	profile = profile.WithOrganisation(o.organisation)
	in, err := readInput(e, "lint", fs.Args(), o.sheet, o.sample)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen lint:", err)
		return exitUsage
	}
	if in.sheetReason != "" {
		fmt.Fprintf(e.stderr, "perechen lint: %s: %s\n", in.name, in.sheetReason)
	}
	reg, diags := rules.Lint(in.grid, profile)
	if !reg.HasHeader() {
		fmt.Fprintf(e.stderr, "perechen lint: %s: %s\n", in.name, diags[0].Message)
		return exitUsage
	}
	if err := writeLint(e.stdout, o.format, in, profile.Name, diags); err != nil {
		fmt.Fprintln(e.stderr, "perechen lint:", err)
		return exitUsage
	}
	return exitCode(diags, failOn)
}

// lintReport is the JSON contract of `perechen lint --format json`.
type lintReport struct {
	Source      string             `json:"source"`
	Sheet       string             `json:"sheet,omitempty"`
	SheetReason string             `json:"sheet_reason,omitempty"`
	Profile     string             `json:"profile"`
	Diagnostics []rules.Diagnostic `json:"diagnostics"`
	Summary     rules.Summary      `json:"summary"`
}

func writeLint(w io.Writer, format string, in input, profile string, diags []rules.Diagnostic) error {
	sum := rules.Summarize(diags)
	source := in.name
	if format == "json" {
		if diags == nil {
			diags = []rules.Diagnostic{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(lintReport{Source: source, Sheet: in.grid.Sheet, SheetReason: in.sheetReason,
			Profile: profile, Diagnostics: diags, Summary: sum})
	}
	if in.sheetReason != "" {
		source += " (лист «" + in.grid.Sheet + "»)"
	}
	for _, d := range diags {
		if _, err := fmt.Fprintln(w, d.Text()); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%s: ошибок — %d, предупреждений — %d, замечаний — %d\n", source, sum.Errors, sum.Warnings, sum.Notices)
	return err
}

// exitCode is 1 when any finding is at least as severe as failOn.
func exitCode(diags []rules.Diagnostic, failOn rules.Severity) int {
	for _, d := range diags {
		if d.Severity <= failOn {
			return exitFindings
		}
	}
	return exitOK
}
