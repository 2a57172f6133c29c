package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
)

// renderOptions are the flags of `perechen render`.
type renderOptions struct {
	profile      string
	formats      string
	out          string
	organisation string
	sheet        string
	template     string
	versionDate  string
	versionLabel string
	fragment     bool
	semicolon    bool
	sample       bool
}

func runRender(_ context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o renderOptions
	fs.StringVar(&o.profile, "profile", rules.DefaultProfile, "профиль Порядка: "+strings.Join(rules.ProfileNames(), ", ")+" или путь к файлу YAML")
	fs.StringVar(&o.formats, "format", strings.Join(render.Formats(), ","), "форматы через запятую: "+strings.Join(render.Formats(), ", "))
	fs.StringVar(&o.out, "out", ".", "каталог для файлов (создаётся, если его нет)")
	fs.StringVar(&o.organisation, "organisation", "", "наименование органа власти для заголовка")
	fs.StringVar(&o.sheet, "sheet", "", "лист книги (по умолчанию — лист с формой Перечня)")
	fs.StringVar(&o.template, "template", "", "свой шаблон страницы (Go html/template), данные — render.HTMLView")
	fs.StringVar(&o.versionDate, "version-date", "", "дата редакции ГГГГ-ММ-ДД (по умолчанию дата изменения файла)")
	fs.StringVar(&o.versionLabel, "version-label", "", "подпись редакции, например «версия 3»")
	fs.BoolVar(&o.fragment, "fragment", false, "HTML: только таблица, без страницы и стилей — для встраивания в свой сайт")
	fs.BoolVar(&o.semicolon, "semicolon", false, "CSV: разделитель «;» (Excel с русскими региональными настройками)")
	fs.BoolVar(&o.sample, "sample", false, "вывести встроенный образец Перечня вместо файла")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Использование: perechen render [флаги] ФАЙЛ.xlsx   (или - для стандартного ввода)")
		fmt.Fprintln(e.stderr, "\nЗаписывает Перечень в официальной форме в каталог --out: index.html, perechen.pdf,")
		fmt.Fprintln(e.stderr, "perechen.xlsx, perechen.csv, perechen.json. Одинаковый вход даёт побайтно одинаковые файлы.")
		fmt.Fprintln(e.stderr, "Код выхода: 0 — файлы записаны, 2 — файл или параметры непригодны.\n\nФлаги:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(err error) int {
		fmt.Fprintln(e.stderr, "perechen render:", err)
		return exitUsage
	}
	renderers, err := o.renderers()
	if err != nil {
		return fail(err)
	}
	profile, err := rules.LoadProfile(o.profile)
	if err != nil {
		return fail(err)
	}
	var version time.Time
	if o.versionDate != "" {
		if version, err = time.Parse("2006-01-02", o.versionDate); err != nil {
			return fail(fmt.Errorf("--version-date %q: нужна дата в виде ГГГГ-ММ-ДД, например 2026-11-24", o.versionDate))
		}
	}
	for _, r := range renderers {
		if p, ok := r.(render.Preparer); ok {
			p.Prepare() // fonts load while the file is read
		}
	}
	in, err := readInput(e, "render", fs.Args(), o.sheet, o.sample)
	if err != nil {
		return fail(err)
	}
	profile = profile.WithOrganisation(o.organisation)
	reg, parseDiags := rules.Parse(in.grid, profile)
	in.grid = rules.Grid{} // the registry holds what is needed; let the GC have the cells while rendering
	if !reg.HasHeader() {
		diags := append(parseDiags, rules.Check(reg, profile)...)
		rules.SortDiagnostics(diags)
		return fail(fmt.Errorf("%s: %s", in.name, diags[0].Message))
	}
	// The registry-wide rules only read the registry, as the renderers do:
	// they run on the other core while the files are written.
	checked := make(chan []rules.Diagnostic, 1)
	go func() { checked <- rules.Check(reg, profile) }()
	defer func() {
		if s := rules.Summarize(append(parseDiags, <-checked...)); s.Errors > 0 {
			fmt.Fprintf(e.stderr, "perechen render: внимание: в Перечне ошибок — %d; перед публикацией исправьте их (perechen lint --profile %s %s)\n",
				s.Errors, profile.Name, in.name)
		}
	}()
	meta := render.Meta{
		Organisation: o.organisation,
		Profile:      profile,
		Version:      versionOf(version, in),
		VersionLabel: o.versionLabel,
		Source:       sourceOf(in),
		Downloads:    render.DownloadsFor(renderers),
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fail(fmt.Errorf("каталог %s не создан: %w", o.out, err))
	}
	for _, r := range renderers {
		var buf bytes.Buffer
		if err := r.Render(&buf, reg, meta); err != nil {
			return fail(fmt.Errorf("%s: %w", r.Format(), err))
		}
		path := filepath.Join(o.out, r.FileName())
		if err := publish.WriteFileAtomic(path, buf.Bytes(), 0o644); err != nil {
			return fail(fmt.Errorf("%s не записан: %w", path, err))
		}
		fmt.Fprintf(e.stdout, "записан %s (%s, %d байт)\n", path, r.Format(), buf.Len())
	}
	return exitOK
}

// renderers turns --format into writers with the flags' options, in the
// order given, each format once.
func (o renderOptions) renderers() ([]render.Renderer, error) {
	var tmpl *template.Template
	if o.template != "" {
		text, err := os.ReadFile(o.template)
		if err != nil {
			return nil, fmt.Errorf("шаблон не прочитан: %w", err)
		}
		if tmpl, err = template.New(filepath.Base(o.template)).Parse(string(text)); err != nil {
			return nil, fmt.Errorf("шаблон %s: %w", o.template, err)
		}
	}
	var out []render.Renderer
	seen := map[string]bool{}
	for _, name := range strings.Split(o.formats, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		r, err := render.ByFormat(name)
		if err != nil {
			return nil, err
		}
		switch name {
		case "html":
			r = render.NewHTML(render.HTMLOptions{Fragment: o.fragment, Template: tmpl})
		case "csv":
			r = render.NewCSV(render.CSVOptions{Semicolon: o.semicolon})
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--format: не указан ни один формат; доступные: %s", strings.Join(render.Formats(), ", "))
	}
	return out, nil
}

// versionOf is the date of the version: --version-date, else the file's
// modification date (so a re-render of the same file gives the same bytes),
// else today for stdin and the sample — the file's and today's date as
// organisations using the Порядок count it (Moscow), not the server's.
func versionOf(flagDate time.Time, in input) time.Time {
	t := flagDate
	if t.IsZero() {
		t = in.modTime
		if t.IsZero() {
			t = time.Now()
		}
		if loc, err := time.LoadLocation(config.DefaultTimeZone); err == nil {
			t = t.In(loc)
		}
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// sourceOf names the source in the page footer: the file's base name only,
// never a server path.
func sourceOf(in input) string {
	switch {
	case in.file:
		return filepath.Base(in.name)
	case in.name == "образец":
		return "встроенный образец"
	}
	return ""
}
