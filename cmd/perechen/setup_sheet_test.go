package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
	"github.com/perechen-oiv/perechen/wire"
)

// onePerRow is the sample written one need per row (graph 4 gets a list).
func onePerRow() rules.Grid {
	return rules.GridFromTSV("Перечень", "ПЕРЕЧЕНЬ точек взаимодействия с внутренним клиентом\n\n"+
		"№\tПроцесс взаимодействия с внутренним клиентом\tТочка взаимодействия\tУдовлетворяемые потребности клиента\tОсобенности взаимодействия с клиентом\n"+
		"1\t2\t3\t4\t5\n"+
		"1\tВыдача пропусков\tСЭД\tПредставление документов\tЦифровая точка\n"+
		"\t\t\tПолучение консультации\n"+
		"\t\tТелефонная связь\tПолучение консультации\tОфлайн точка\n")
}

func TestSetupSheetCommand(t *testing.T) {
	g := onePerRow()
	fake, cfg, _ := sheetsSetup(t, g, true, "")
	fake.SetNote(g.Sheet, 4, 2, "Уточнить у Петрова")
	before := fake.Grid(g.Sheet)

	code, out, errs := runCmd(t, "setup-sheet", "--config", cfg, "--dry-run", "--strict")
	if code != exitOK || fake.Count("batchUpdate") != 0 {
		t.Fatalf("dry run: code %d, %d batchUpdates\n%s%s", code, fake.Count("batchUpdate"), out, errs)
	}
	for _, want := range []string{"== gs (google-sheets:", "профиль oiv", "шапка формы — строка 3, данные — со строки 5",
		"таблица заполнена по строку 7; списки — по строку 207 (200 строк под таблицей)",
		"Графа 3 «Точка взаимодействия»: C5:C207 — нестрогий список", "  • Система электронного документооборота\n",
		"Графа 4 «Удовлетворяемые потребности клиента»: D5:D207 — нестрогий список", "  • Получение разъяснения\n",
		"Графа 5 «Особенности взаимодействия с клиентом»: E5:E207 — строгий список: другое значение таблица не примет; 2 значения",
		"Изменения (3):", "C5:C207: поставить список графы 3", "Пробный прогон: ничего не отправлено"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}

	code, out, errs = runCmd(t, "setup-sheet", "--config", cfg, "--strict")
	if code != exitOK || fake.Count("batchUpdate") != 1 || !strings.Contains(out, "Отправлен один запрос batchUpdate: 3 изменения.") {
		t.Fatalf("write: code %d, %d batchUpdates\n%s%s", code, fake.Count("batchUpdate"), out, errs)
	}
	if psync.HashGrid(before) != psync.HashGrid(fake.Grid(g.Sheet)) || fake.Note(g.Sheet, 4, 2) != "Уточнить у Петрова" {
		t.Error("setup-sheet changed values or notes")
	}
	if v := fake.Validations(g.Sheet)[[2]int{4, 4}]; !v.Strict || v.Type != "ONE_OF_LIST" {
		t.Errorf("E5: %+v", v)
	}

	code, out, _ = runCmd(t, "setup-sheet", "--config", cfg, "--strict")
	if code != exitOK || fake.Count("batchUpdate") != 1 || !strings.Contains(out, "Изменений нет: таблица уже настроена так.") {
		t.Fatalf("second run: code %d, %d batchUpdates\n%s", code, fake.Count("batchUpdate"), out)
	}
}

func TestSetupSheetCommandProtectAndErrors(t *testing.T) {
	g := rules.SampleGrid()
	other := t.TempDir()
	fake, cfg, _ := sheetsSetup(t, g, true, "  - name: other\n    xlsx: {path: "+other+"/x.xlsx}\n")
	y, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	endpoint := fmt.Sprintf("endpoint: %q}", fake.URL)
	y = []byte(strings.Replace(string(y), endpoint, strings.TrimSuffix(endpoint, "}")+", protect_header: true}", 1))
	if err := os.WriteFile(cfg, y, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "setup-sheet", "--config", cfg, "--source", "gs")
	if code != exitOK || !strings.Contains(out, "Шапка A4:E5: при правке таблица попросит подтверждение") ||
		!strings.Contains(out, "A4:E5: защитить шапку предупреждением") || !strings.Contains(out, "Графа 4 «Удовлетворяемые потребности клиента»: без списка: потребности записаны по нескольку в ячейке") {
		t.Fatalf("code %d\n%s%s", code, out, errs)
	}
	if prs := fake.ProtectedRanges(g.Sheet); len(prs) != 1 || !prs[0].WarningOnly {
		t.Fatalf("protected ranges %+v", prs)
	}

	fake.SetForbidden(true)
	code, _, errs = runCmd(t, "setup-sheet", "--config", cfg, "--source", "gs")
	if code != exitUsage || !strings.Contains(errs, "нет доступа к таблице: поделитесь таблицей с "+sheetsfake.ClientEmail+" (права редактора)") {
		t.Errorf("403: code %d, stderr %q", code, errs)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--config", cfg}, "укажите --source: gs, other"},
		{[]string{"--config", cfg, "--source", "nope"}, `источника "nope" нет в конфигурации`},
		{[]string{"--config", cfg, "--source", "gs", "--needs", "some"}, "--needs принимает auto, list или off"},
		{[]string{"--config", cfg, "--source", "gs", "--margin", "-1"}, "--margin"},
		{[]string{"--config", cfg, "--source", "gs", "--out", "x.xlsx"}, "--out — только для источника XLSX"},
		{[]string{"--config", cfg, "--source", "other"}, "файл " + other + "/x.xlsx не найден"},
		{[]string{"--config", cfg, "extra"}, "лишние аргументы"},
	}
	for _, c := range cases {
		code, out, errs := runCmd(t, append([]string{"setup-sheet"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: code %d, stderr %q (want %q), stdout %q", c.args, code, errs, c.want, out)
		}
	}
	if code, _, errs := runCmd(t, "setup-sheet", "--help"); code != exitOK || !strings.Contains(errs, "Использование: perechen setup-sheet") {
		t.Errorf("--help: %d %q", code, errs)
	}
}

func TestSetupSheetCommandXLSX(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "perechen.xlsx")
	if err := wire.WriteGridWorkbook(book, onePerRow()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(book)
	cfg := filepath.Join(dir, "config.yaml")
	y := fmt.Sprintf("state_dir: %s/state\nsources:\n  - name: file\n    xlsx: {path: %s}\n", dir, book)
	if err := os.WriteFile(cfg, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "со списками.xlsx")
	code, stdout, errs := runCmd(t, "setup-sheet", "--config", cfg, "--out", out)
	if code != exitOK || !strings.Contains(stdout, "Записана копия с выпадающими списками: "+out) || !strings.Contains(stdout, "C5:C207: поставить список графы 3") {
		t.Fatalf("code %d\n%s%s", code, stdout, errs)
	}
	if after, _ := os.ReadFile(book); !bytes.Equal(before, after) {
		t.Error("copy mode changed the workbook itself")
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}
