package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

type checkOptions struct {
	config string
	source string
	dryRun bool
	format string
	failOn string
}

// Note actions in the JSON contract of `perechen check`.
const (
	noteAdd    = "add"
	noteUpdate = "update"
	noteRemove = "remove"
)

// checkReport is one source in `perechen check --format json`.
type checkReport struct {
	Name        string             `json:"name"`
	Source      string             `json:"source"`
	Profile     string             `json:"profile"`
	Diagnostics []linkedDiagnostic `json:"diagnostics"`
	Summary     rules.Summary      `json:"summary"`
	Notes       []noteReport       `json:"notes"`
	Written     bool               `json:"written"`
	// Skipped says in Russian why planned notes were not written ("" when
	// they were, or there were none).
	Skipped string `json:"skipped,omitempty"`
	// Error is why the source could not be checked at all (exit code 2).
	Error string `json:"error,omitempty"`
	// CopyPath is the annotated copy of an XLSX source in copy mode.
	CopyPath string `json:"copy_path,omitempty"`

	code int
}

// noteReport is one planned note change.
type noteReport struct {
	Cell   string `json:"cell"`
	Action string `json:"action"`
	Link   string `json:"link,omitempty"`
}

// linkedDiagnostic is the lint JSON contract plus the cell's deep link.
type linkedDiagnostic struct {
	rules.Diagnostic
	Link string
}

// MarshalJSON writes the diagnostic's own contract and appends "link".
func (d linkedDiagnostic) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(d.Diagnostic)
	if err != nil || d.Link == "" {
		return b, err
	}
	// Links carry "&": keep them readable rather than \u0026.
	var link bytes.Buffer
	enc := json.NewEncoder(&link)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d.Link); err != nil {
		return nil, err
	}
	b = bytes.TrimSuffix(b, []byte("}"))
	b = append(b, `,"link":`...)
	b = append(b, bytes.TrimSpace(link.Bytes())...)
	return append(b, '}'), nil
}

func runCheck(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o checkOptions
	fs.StringVar(&o.config, "config", defaultConfigPath, "файл конфигурации YAML")
	fs.StringVar(&o.source, "source", "", "только этот источник (по умолчанию все)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "ничего не записывать: показать замечания и какие примечания изменились бы")
	fs.StringVar(&o.format, "format", "text", "формат вывода: text или json")
	fs.StringVar(&o.failOn, "fail-on", "error", "код выхода 1 при замечаниях этого уровня и выше: error, warning или notice")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Использование: perechen check [--config ФАЙЛ] [--source ИМЯ] [--dry-run] [--format text|json] [--fail-on error|warning|notice]")
		fmt.Fprintln(e.stderr, "\nОдин раз читает каждый Перечень из конфигурации (Google Таблица или XLSX), проверяет по Порядку,")
		fmt.Fprintln(e.stderr, "печатает замечания со ссылками на ячейки и записывает их в примечания к ячейкам (--dry-run: только")
		fmt.Fprintln(e.stderr, "показывает, какие примечания изменились бы). Ничего не публикует.")
		fmt.Fprintln(e.stderr, "Код выхода: 0 — ошибок нет, 1 — есть замечания уровня --fail-on, 2 — источник или конфигурация непригодны.\n\nФлаги:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "perechen check: лишние аргументы: %s\n", strings.Join(fs.Args(), " "))
		return exitUsage
	}
	failOn, err := rules.ParseSeverity(o.failOn)
	if err != nil || (o.format != "text" && o.format != "json") {
		fmt.Fprintln(e.stderr, "perechen check: --fail-on принимает error, warning или notice; --format — text или json")
		return exitUsage
	}
	cfg, err := config.LoadEnv(o.config, e.getenv)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen check:", err)
		return exitUsage
	}
	sources, err := pickSources(cfg, o.source)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen check:", err)
		return exitUsage
	}
	deps, err := commandDeps(e)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen check:", err)
		return exitUsage
	}
	code := exitOK
	reports := make([]checkReport, 0, len(sources))
	for _, s := range sources {
		r := checkSource(ctx, deps, cfg, s, o.dryRun, failOn)
		if o.format == "text" {
			writeCheckText(e.stdout, r, o.dryRun)
		}
		if r.Error != "" && o.format == "json" {
			fmt.Fprintf(e.stderr, "perechen check: %s: %s\n", s.Name, r.Error)
		}
		reports = append(reports, r)
		code = max(code, r.code)
	}
	if o.format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(struct {
			Sources []checkReport `json:"sources"`
		}{reports}); err != nil {
			fmt.Fprintln(e.stderr, "perechen check:", err)
			return exitUsage
		}
	}
	return code
}

// checkSource runs one fetch → lint → plan → (write) pass for one source.
func checkSource(ctx context.Context, deps daemon.Deps, cfg *config.Config, s config.Source, dryRun bool, failOn rules.Severity) checkReport {
	r := checkReport{Name: s.Name, Source: s.Kind(), Profile: s.Profile,
		Diagnostics: []linkedDiagnostic{}, Notes: []noteReport{}}
	fail := func(err error) checkReport {
		r.Error, r.code = err.Error(), exitUsage
		return r
	}
	profile, err := s.LoadProfile()
	if err != nil {
		return fail(err)
	}
	r.Profile = profile.Name
	src, err := deps.NewSource(s, nil)
	if err != nil {
		return fail(err)
	}
	r.Source = src.String()
	snap, err := src.Fetch(ctx)
	if err != nil {
		return fail(err)
	}
	reg, diags := rules.Lint(snap.Grid, profile)
	for _, d := range diags {
		r.Diagnostics = append(r.Diagnostics, linkedDiagnostic{Diagnostic: d, Link: src.Link(d.Ref)})
	}
	r.Summary = rules.Summarize(diags)
	if !reg.HasHeader() {
		// Not a Перечень (or its header was broken): leave every note alone
		// rather than strip the findings staff are working from.
		msg := "лист не похож на Перечень: не найдена шапка формы"
		if len(diags) > 0 {
			msg = diags[0].Message
		}
		return fail(errors.New(msg + "; примечания не изменены"))
	}
	r.code = exitCode(diags, failOn)

	// «проверено …» in the organisation's time zone, as the daemon writes it.
	st, _ := daemon.ReadState(cfg.StateDir, s.Name)
	if tz, ok := src.(daemon.TimeZoner); ok && cfg.TimeZoneFor(s) == "" && tz.TimeZone() != "" {
		st = &daemon.State{TimeZone: tz.TimeZone()}
	}
	loc, err := daemon.SourceLocation(cfg, s, st)
	if err != nil {
		return fail(err)
	}
	changes := deps.PlanNotes(snap.Grid, reg, rules.AtLeast(diags, s.NoteSeverity()), depsNow(deps).In(loc))
	for _, c := range changes {
		r.Notes = append(r.Notes, noteReport{Cell: c.Ref.A1(), Action: noteAction(c), Link: src.Link(c.Ref)})
	}
	switch {
	case !s.Notes:
		if len(changes) > 0 {
			r.Skipped = "примечания отключены в конфигурации (notes: off)"
		}
		return r
	case dryRun:
		if len(changes) > 0 {
			r.Skipped = "пробный прогон (--dry-run)"
		}
		return r
	case len(changes) == 0 && !copyMode(s):
		return r
	}
	// Copy mode rewrites the annotated copy even with no changes: the
	// original never holds perechen's blocks, so the copy may be stale.
	if err := src.WriteNotes(ctx, snap, changes); err != nil {
		if errors.Is(err, psync.ErrSheetMoved) || errors.Is(err, psync.ErrFileLocked) {
			r.Skipped = fmt.Sprintf("запись пропущена: %v, повторите", err)
			var moved *psync.MovedError // the cells people did not touch meanwhile were written
			r.Written = errors.As(err, &moved) && moved.Written > 0
			return r
		}
		r.Skipped = "примечания не записаны: " + err.Error()
		r.code = exitUsage
		return r
	}
	r.Written = len(changes) > 0
	if x, ok := src.(*psync.XLSXSource); ok && copyMode(s) {
		r.CopyPath = x.CopyPath()
	}
	return r
}

func copyMode(s config.Source) bool {
	m := s.XLSXMode()
	return s.XLSX != nil && (m == "" || m == psync.XLSXModeCopy)
}

// noteAction classifies a change by perechen's block before and after.
func noteAction(c psync.NoteChange) string {
	_, before := psync.SplitNote(c.Old)
	_, after := psync.SplitNote(c.New)
	switch {
	case before == "":
		return noteAdd
	case after == "":
		return noteRemove
	}
	return noteUpdate
}

var noteActionRussian = map[string]string{
	noteAdd:    "добавить замечание",
	noteUpdate: "обновить замечание",
	noteRemove: "убрать замечание",
}

func writeCheckText(w io.Writer, r checkReport, dryRun bool) {
	fmt.Fprintf(w, "== %s (%s, профиль %s)\n", r.Name, r.Source, r.Profile)
	if r.Error != "" && len(r.Diagnostics) == 0 {
		fmt.Fprintln(w, "не проверен:", r.Error)
		return
	}
	for _, d := range r.Diagnostics {
		fmt.Fprintln(w, d.Text())
		if d.Link != "" {
			fmt.Fprintln(w, "    "+d.Link)
		}
	}
	fmt.Fprintln(w, summaryLine(r.Name, r.Summary))
	if r.Error != "" {
		fmt.Fprintln(w, "не проверен:", r.Error)
		return
	}
	if len(r.Notes) == 0 {
		fmt.Fprintln(w, "Примечания к ячейкам: изменений нет")
	} else {
		fmt.Fprintf(w, "Примечания к ячейкам: %s\n", pluralRu(len(r.Notes), "изменение", "изменения", "изменений"))
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  %s: %s\n", n.Cell, noteActionRussian[n.Action])
		}
	}
	switch {
	case r.Skipped != "":
		fmt.Fprintln(w, "Не записано:", r.Skipped)
	case r.Written:
		fmt.Fprintf(w, "Записаны примечания: %s\n", pluralRu(len(r.Notes), "ячейка", "ячейки", "ячеек"))
		if r.CopyPath != "" {
			fmt.Fprintln(w, "Копия с примечаниями:", r.CopyPath)
		}
	case dryRun:
		fmt.Fprintln(w, "Пробный прогон: ничего не записано")
	}
}
