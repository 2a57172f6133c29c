package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

type setupOptions struct {
	config, source string
	margin         int
	opt            psync.SetupOptions
}

func runSetupSheet(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("setup-sheet", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o setupOptions
	fs.StringVar(&o.config, "config", defaultConfigPath, "файл конфигурации YAML")
	fs.StringVar(&o.source, "source", "", "источник из конфигурации (можно не указывать, если он один)")
	fs.BoolVar(&o.opt.DryRun, "dry-run", false, "только показать план: какие списки, где и что изменится; ничего не отправлять")
	fs.BoolVar(&o.opt.Strict, "strict", false, "строгий список там, где Порядок не допускает другого значения (графа 5, вид точки): другой текст не принимается")
	fs.StringVar(&o.opt.Needs, "needs", psync.NeedsAuto, "список в графе 4: auto — если потребности записаны по одной в ячейке, list — всегда, off — без списка")
	fs.IntVar(&o.margin, "margin", psync.DefaultSetupMargin, "сколько пустых строк под таблицей тоже получают списки (для новых строк)")
	fs.StringVar(&o.opt.Out, "out", "", "XLSX не в режиме in-place: куда записать копию со списками (по умолчанию ИМЯ.подсказки.xlsx рядом с файлом)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Использование: perechen setup-sheet --config ФАЙЛ [--source ИМЯ] [--dry-run] [--strict] [--needs auto|list|off] [--margin N] [--out ФАЙЛ.xlsx]")
		fmt.Fprintln(e.stderr, "\nСтавит в таблицу Перечня выпадающие списки по Порядку, чтобы ошибки не появлялись:")
		fmt.Fprintln(e.stderr, "графа 3 — точки взаимодействия п. 4.1, 4.2 (с наименованием органа, где профиль это предусматривает),")
		fmt.Fprintln(e.stderr, "графа 4 — потребности п. 2.6.1–2.6.8 (свои допустимы, п. 2.6.9), графа 5 — виды точек.")
		fmt.Fprintln(e.stderr, "Списки начинаются под шапкой формы и строкой номеров граф и идут до конца таблицы с запасом строк.")
		fmt.Fprintln(e.stderr, "Списки нестрогие: другой текст таблица только отмечает; --strict запрещает другой вид точки.")
		fmt.Fprintln(e.stderr, "Google Таблица: один запрос batchUpdate только с проверками данных (и защитой шапки при")
		fmt.Fprintln(e.stderr, "google_sheets.protect_header: true); значения и примечания не меняются. Повторный запуск меняет")
		fmt.Fprintln(e.stderr, "только то, что разошлось с Порядком или таблицей. XLSX: при xlsx.notes: in-place — сам файл (не")
		fmt.Fprintln(e.stderr, "когда он открыт; прежняя версия — .bak), иначе — копия. Служба (perechen run) этого не делает.")
		fmt.Fprintln(e.stderr, "Код выхода: 0 — готово (или план показан), 2 — источник, доступ или конфигурация непригодны.\n\nФлаги:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(e.stderr, "perechen setup-sheet: "+format+"\n", args...)
		return exitUsage
	}
	if fs.NArg() > 0 {
		return fail("лишние аргументы: %s", strings.Join(fs.Args(), " "))
	}
	switch o.opt.Needs {
	case psync.NeedsAuto, psync.NeedsList, psync.NeedsOff:
	default:
		return fail("--needs принимает auto, list или off")
	}
	if o.margin < 0 {
		return fail("--margin не может быть отрицательным")
	}
	o.opt.Margin = o.margin
	if o.margin == 0 {
		o.opt.Margin = -1 // no margin; 0 would mean the default
	}
	cfg, err := config.LoadEnv(o.config, e.getenv)
	if err != nil {
		return fail("%v", err)
	}
	s, err := setupSource(cfg, o.source)
	if err != nil {
		return fail("%v", err)
	}
	if o.opt.Out != "" && s.XLSX == nil {
		return fail("--out — только для источника XLSX")
	}
	o.opt.ProtectHeader = s.GoogleSheets != nil && s.GoogleSheets.ProtectHeader
	profile, err := s.LoadProfile()
	if err != nil {
		return fail("%s: %v", s.Name, err)
	}
	deps, err := commandDeps(e)
	if err != nil {
		return fail("%v", err)
	}
	src, err := deps.NewSource(s, nil)
	if err != nil {
		return fail("%s: %v", s.Name, err)
	}
	setter, ok := src.(psync.SheetSetup)
	if !ok {
		return fail("%s: источник %s не умеет ставить выпадающие списки", s.Name, src)
	}
	res, err := setter.SetupSheet(ctx, profile, o.opt)
	fmt.Fprintf(e.stdout, "== %s (%s, профиль %s)\n", s.Name, src, profile.Name)
	if res != nil {
		writeSetupPlan(e.stdout, profile, res)
	}
	if err != nil {
		fmt.Fprintln(e.stdout, "Не записано:", err)
		return fail("%s: %v", s.Name, err)
	}
	writeSetupOutcome(e.stdout, s, res, o.opt.DryRun)
	return exitOK
}

// setupSource is the named source, or the only one.
func setupSource(cfg *config.Config, name string) (config.Source, error) {
	if name == "" && len(cfg.Sources) > 1 {
		return config.Source{}, fmt.Errorf("в конфигурации несколько источников — укажите --source: %s", sourceNames(cfg))
	}
	sources, err := pickSources(cfg, name)
	if err != nil {
		return config.Source{}, err
	}
	return sources[0], nil
}

// writeSetupPlan prints the plan in Russian: where the lists go, what
// they offer, what changes.
func writeSetupPlan(w io.Writer, p *rules.Profile, res *psync.SetupResult) {
	plan := res.Plan
	b := plan.Body
	fmt.Fprintf(w, "Лист «%s»: шапка формы — строка %d, данные — со строки %d", plan.Sheet, b.Header+1, b.From+1)
	if b.To > b.From {
		fmt.Fprintf(w, ", таблица заполнена по строку %d", b.To)
	} else {
		fmt.Fprint(w, ", таблица пока пуста")
	}
	if plan.End > b.From {
		fmt.Fprintf(w, "; списки — по строку %d (%s под таблицей)", plan.End, pluralRu(plan.End-b.To, "строка", "строки", "строк"))
	}
	fmt.Fprintln(w, ".")
	if plan.Clipped {
		fmt.Fprintf(w, "Лист кончается на строке %d: чтобы списки были и в новых строках, добавьте строки внизу листа и запустите setup-sheet снова.\n", plan.End)
	}
	if len(b.Repeats) > 0 {
		fmt.Fprintf(w, "Шапка повторяется внутри таблицы (строки %s): там списков нет.\n", rowList(b.Repeats))
	}
	for _, l := range plan.Lists {
		if l.Graph == 5 && plan.NeedsSkipped != "" {
			fmt.Fprintf(w, "\nГрафа 4 «%s»: %s.\n", p.Columns[3].Caption, strings.TrimPrefix(plan.NeedsSkipped, "графа 4 "))
		}
		mode := "нестрогий список: другой текст таблица отметит, но сохранит"
		if l.Strict {
			mode = "строгий список: другое значение таблица не примет"
		}
		fmt.Fprintf(w, "\nГрафа %d «%s»: %s — %s; %s:\n", l.Graph, p.Columns[l.Graph-1].Caption,
			strings.ReplaceAll(l.Ranges(), " ", ", "), mode, pluralRu(len(l.Values), "значение", "значения", "значений"))
		for _, v := range l.Values {
			fmt.Fprintf(w, "  • %s\n", v)
		}
	}
	if plan.Protect {
		h := plan.Header
		fmt.Fprintf(w, "\nШапка %s:%s: при правке таблица попросит подтверждение (защищённый диапазон «только предупреждение»).\n",
			rules.Ref{Row: h.Row0, Col: h.Col0}.A1(), rules.Ref{Row: h.Row1, Col: h.Col1}.A1())
	}
	for _, n := range res.Notices {
		fmt.Fprintln(w, "Примечание:", n)
	}
	if len(res.Changes) == 0 {
		fmt.Fprintln(w, "\nИзменений нет: таблица уже настроена так.")
		return
	}
	fmt.Fprintf(w, "\nИзменения (%d):\n", len(res.Changes))
	for _, c := range res.Changes {
		fmt.Fprintf(w, "  %s: %s\n", strings.ReplaceAll(c.Range, " ", ", "), setupChangeText(c))
	}
}

func setupChangeText(c psync.SetupChange) string {
	switch c.Kind {
	case psync.SetupSet:
		s := fmt.Sprintf("поставить список графы %d", c.Graph)
		if c.Replaced {
			s += " (заменит проверку данных, заданную вручную)"
		}
		return s
	case psync.SetupClear:
		return "убрать список, поставленный perechen раньше"
	case psync.SetupProtect:
		return "защитить шапку предупреждением"
	case psync.SetupUnprotect:
		return "снять защиту шапки, поставленную perechen (protect_header выключен)"
	}
	return c.Kind
}

func writeSetupOutcome(w io.Writer, s config.Source, res *psync.SetupResult, dryRun bool) {
	switch {
	case dryRun:
		fmt.Fprintln(w, "Пробный прогон: ничего не отправлено и не записано.")
	case res.CopyPath != "":
		fmt.Fprintf(w, "Записана копия с выпадающими списками: %s. Сам файл не изменён: замените его копией, когда файл никто не редактирует, "+
			"или включите xlsx.notes: in-place.\n", res.CopyPath)
	case !res.Written:
	case s.XLSX != nil:
		fmt.Fprintf(w, "Выпадающие списки записаны в %s; прежняя версия — %s.bak.\n", s.XLSX.Path, s.XLSX.Path)
	default:
		fmt.Fprintf(w, "Отправлен один запрос batchUpdate: %s.\n", pluralRu(len(res.Changes), "изменение", "изменения", "изменений"))
	}
}

// rowList writes 0-based rows as 1-based numbers with runs: "13–14, 40".
func rowList(rows []int) string {
	var parts []string
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1] == rows[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", rows[i]+1, rows[j]+1))
		} else {
			parts = append(parts, fmt.Sprint(rows[i]+1))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
