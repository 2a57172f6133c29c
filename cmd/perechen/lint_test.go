package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/rules"
)

// writeGridXLSX saves a grid as a one-sheet workbook, the way staff's files look.
func writeGridXLSX(t *testing.T, g rules.Grid) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := g.Sheet
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for r, row := range g.Cells {
		for c, cell := range row {
			if cell.Value == "" {
				continue
			}
			name, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellStr(sheet, name, cell.Value); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "perechen.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCLI(t *testing.T, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = dispatch(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestLintExitCodes(t *testing.T) {
	sample := writeGridXLSX(t, rules.SampleGridWithSlips())
	seed := writeGridXLSX(t, rules.Seed003Grid())
	for _, c := range []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"sample has warnings only", []string{"lint", sample}, exitOK, "ошибок — 0"},
		{"warnings fail on request", []string{"lint", "--fail-on", "warning", sample}, exitFindings, "[touchpoint-vocabulary] п. 4.2.2"},
		{"notices do not fail on warning", []string{"lint", "--fail-on", "warning", "--sample"}, exitOK, "[no-offline-alternative] п. 2.9.4"},
		{"notices fail on request", []string{"lint", "--fail-on", "notice", "--sample"}, exitFindings, "замечаний — 12"},
		{"seed 003 has errors", []string{"lint", "--profile", "mimp-mo", seed}, exitFindings, "Перечень!A35: ошибка [misplaced-text] п. 2.1"},
		{"seed 003's header is a warning under its own Порядок", []string{"lint", "--profile", "mimp-mo", seed}, exitFindings, "Перечень!B4: предупреждение [header-client] п. 1.3.2"},
		{"embedded sample", []string{"lint", "--sample"}, exitOK, "образец: ошибок — 0"},
		{"missing file", []string{"lint", filepath.Join(t.TempDir(), "nope.xlsx")}, exitUsage, ""},
		{"unknown profile", []string{"lint", "--profile", "nope", sample}, exitUsage, ""},
		{"no file", []string{"lint"}, exitUsage, ""},
		{"help", []string{"lint", "--help"}, exitOK, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, c.args...)
			if code != c.code || !strings.Contains(out, c.out) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
		})
	}
}

func TestLintUnusableInput(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "renamed.xlsx")
	os.WriteFile(csv, []byte("№;Процесс\n1;x\n"), 0o644)
	noHeader := writeGridXLSX(t, rules.GridFromTSV("Лист", "просто\tтаблица\n1\t2"))
	for name, path := range map[string]string{"csv renamed": csv, "no header": noHeader} {
		code, _, errOut := runCLI(t, nil, "lint", path)
		if code != exitUsage || !strings.Contains(errOut, "perechen lint:") {
			t.Errorf("%s: exit %d, stderr %q", name, code, errOut)
		}
	}
	code, _, errOut := runCLI(t, nil, "lint", noHeader)
	if code != exitUsage || !strings.Contains(errOut, "Не найдена строка заголовка") {
		t.Errorf("no header: %d %q", code, errOut)
	}
}

func TestLintJSONFromStdin(t *testing.T) {
	data, err := os.ReadFile(writeGridXLSX(t, rules.Seed003Grid()))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, data, "lint", "--profile", "mimp-mo", "--format", "json", "-")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Source      string `json:"source"`
		Profile     string `json:"profile"`
		Diagnostics []struct {
			Rule, Severity, Paragraph, Sheet, Cell, Message string
			Row, Column                                     int
		} `json:"diagnostics"`
		Summary rules.Summary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err, out)
	}
	if rep.Profile != "mimp-mo" || rep.Summary.Errors == 0 || len(rep.Diagnostics) != rep.Summary.Errors+rep.Summary.Warnings+rep.Summary.Notices {
		t.Errorf("report: %+v", rep.Summary)
	}
	d := rep.Diagnostics[0]
	if d.Cell != "B4" || d.Row != 4 || d.Column != 2 || d.Rule != "header-client" || d.Severity != "warning" || d.Sheet != "Перечень" {
		t.Errorf("first diagnostic: %+v", d)
	}
}

func TestRulesCommand(t *testing.T) {
	code, out, _ := runCLI(t, nil, "rules")
	if code != exitOK || !strings.Contains(out, "touchpoint-vocabulary") {
		t.Errorf("rules: %d %s", code, out)
	}
	code, out, _ = runCLI(t, nil, "rules", "--markdown")
	if code != exitOK || out != rules.RulesMarkdown(rules.All()) {
		t.Error("rules --markdown differs from RulesMarkdown")
	}
	if code, _, _ := runCLI(t, nil, "frobnicate"); code != exitUsage {
		t.Errorf("unknown command exit %d", code)
	}
}

// A workbook whose first sheet is last year's Перечень: lint reads the
// current one and says which; --sheet still wins.
func TestLintPicksTheSheetWithTheForm(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	old := rules.SampleGridWithSlips()
	write := func(sheet string, g rules.Grid) {
		for r, row := range g.Cells {
			for c, cell := range row {
				if cell.Value != "" {
					name, _ := excelize.CoordinatesToCellName(c+1, r+1)
					if err := f.SetCellStr(sheet, name, cell.Value); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	if err := f.SetSheetName("Sheet1", "Инструкция"); err != nil {
		t.Fatal(err)
	}
	f.SetCellStr("Инструкция", "A1", "Заполняйте лист «Перечень 2026» по форме Порядка.")
	for _, s := range []string{"Перечень 2025", "Перечень 2026"} {
		if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
	}
	write("Перечень 2025", old)
	write("Перечень 2026", rules.SampleGrid())
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, nil, "lint", "--fail-on", "warning", path)
	if code != exitOK || !strings.Contains(errOut, "лист «Перечень 2026»") || !strings.Contains(errOut, "«Перечень 2025»") ||
		!strings.Contains(out, "(лист «Перечень 2026»): ошибок — 0, предупреждений — 0") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, nil, "lint", "--fail-on", "warning", "--sheet", "Перечень 2025", path)
	if code != exitFindings || !strings.Contains(out, "Перечень 2025!C17") {
		t.Errorf("--sheet: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "lint", "--format", "json", path)
	if code != exitOK || !strings.Contains(out, `"sheet": "Перечень 2026"`) || !strings.Contains(out, `"sheet_reason": "лист`) {
		t.Errorf("json: exit %d\n%s", code, out)
	}
}

// --organisation: the organisation's own name in a touchpoint is the
// Порядок's «ОИВ»; plain lint accepts the generic «Министерства» too.
func TestLintOrganisation(t *testing.T) {
	g := rules.SampleGrid()
	for r, row := range g.Cells {
		for c := range row {
			if row[c].Value == "Электронная почта ОИВ" {
				g.Cells[r][c].Value = "Электронная почта Мосавтодора"
			}
		}
	}
	path := writeGridXLSX(t, g)
	if code, out, _ := runCLI(t, nil, "lint", "--fail-on", "warning", path); code != exitFindings || !strings.Contains(out, "предупреждение [touchpoint-vocabulary] п. 4.1.9") || strings.Contains(out, "ошибка") {
		t.Errorf("without the name: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, nil, "lint", "--fail-on", "warning", "--organisation", "Мосавтодор", path); code != exitOK {
		t.Errorf("with --organisation: exit %d\n%s", code, out)
	}
	for r, row := range g.Cells {
		for c := range row {
			if row[c].Value == "Электронная почта Мосавтодора" {
				g.Cells[r][c].Value = "Электронная почта Министерства"
			}
		}
	}
	if code, out, _ := runCLI(t, nil, "lint", "--fail-on", "warning", writeGridXLSX(t, g)); code != exitOK {
		t.Errorf("«Электронная почта Министерства»: exit %d\n%s", code, out)
	}
}
