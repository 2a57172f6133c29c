package main

import (
	"bytes"
	"context"
	"encoding/json"
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

// cliEnv runs a command with the real wiring (defaultDeps).
func cliEnv() (env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}, &out, &errb
}

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	e, out, errb := cliEnv()
	code := dispatch(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// sheetsSetup serves g from a fake Sheets API and writes a config with one
// Google Sheets source "gs" (plus extra YAML under sources).
func sheetsSetup(t *testing.T, g rules.Grid, notes bool, extra string) (*sheetsfake.Fake, string, string) {
	t.Helper()
	dir := t.TempDir()
	fake := sheetsfake.New(t)
	fake.LoadGrid(g)
	creds := filepath.Join(dir, "key.json")
	if err := os.WriteFile(creds, fake.CredentialsJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	y := fmt.Sprintf(`state_dir: %[1]s/state
status: {listen: "off"}
sources:
  - name: gs
    google_sheets: {spreadsheet_id: %[2]s, sheet: %[3]q, credentials: %[4]s, endpoint: %[5]q}
    notes: %[6]t
    formats: [html, csv]
%[7]s`, dir, fake.ID, g.Sheet, creds, fake.URL, notes, extra)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	return fake, path, dir
}

func TestCheckSheetsDryRunWriteThenNothing(t *testing.T) {
	g := rules.SampleGridWithSlips()
	fake, cfg, _ := sheetsSetup(t, g, true, "")

	code, out, errs := runCmd(t, "check", "--config", cfg, "--dry-run")
	if code != exitOK {
		t.Fatalf("dry run: code %d\n%s%s", code, out, errs)
	}
	if n := fake.Count("batchUpdate"); n != 0 {
		t.Fatalf("dry run wrote %d batchUpdates", n)
	}
	for _, want := range []string{"== gs (google-sheets:", "предупреждение [", "https://docs.google.com/spreadsheets/d/" + fake.ID + "/edit#gid=",
		"gs: ошибок — 0, предупреждений — 3", ": добавить замечание", "Не записано: пробный прогон"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	planned := strings.Count(out, ": добавить замечание")

	code, out, errs = runCmd(t, "check", "--config", cfg)
	if code != exitOK {
		t.Fatalf("write: code %d\n%s%s", code, out, errs)
	}
	if n := fake.Count("batchUpdate"); n != 1 {
		t.Fatalf("write: %d batchUpdates, want 1", n)
	}
	if got := len(fake.Batches()[0]); got != planned {
		t.Errorf("batch wrote %d notes, dry run planned %d", got, planned)
	}
	if !strings.Contains(out, fmt.Sprintf("Записаны примечания: %d", planned)) {
		t.Errorf("write output:\n%s", out)
	}
	for _, w := range fake.Batches()[0] {
		if _, block := psync.SplitNote(w.Note); block == "" {
			t.Errorf("note at row %d col %d has no perechen block: %q", w.Row, w.Col, w.Note)
		}
	}

	code, out, _ = runCmd(t, "check", "--config", cfg)
	if code != exitOK || fake.Count("batchUpdate") != 1 {
		t.Fatalf("second run: code %d, batchUpdates %d\n%s", code, fake.Count("batchUpdate"), out)
	}
	if !strings.Contains(out, "Примечания к ячейкам: изменений нет") {
		t.Errorf("second run output:\n%s", out)
	}
	if n := fake.Count("rejected"); n != 0 {
		t.Errorf("%d batchUpdates touched more than notes", n)
	}
}

// A fixed cell loses its block: the JSON report says "remove" for it.
func TestCheckSheetsRemovesFixedAndJSON(t *testing.T) {
	g := rules.SampleGridWithSlips()
	fake, cfg, _ := sheetsSetup(t, g, true, "")
	if code, out, errs := runCmd(t, "check", "--config", cfg); code != exitOK {
		t.Fatalf("first: %d\n%s%s", code, out, errs)
	}
	// Pretend a person fixed a flagged cell: perechen's block sits on a cell
	// that no longer has findings (row 1 is above the table, outside it).
	w := fake.Batches()[0][0]
	stale := fake.Note(g.Sheet, w.Row, w.Col)
	fake.SetNote(g.Sheet, w.Row, w.Col, "")
	fake.SetNote(g.Sheet, 0, 0, "Заметка сотрудника\n\n"+stale)

	code, out, errs := runCmd(t, "check", "--config", cfg, "--format", "json", "--dry-run")
	if code != exitOK {
		t.Fatalf("json: %d\n%s%s", code, out, errs)
	}
	var rep struct {
		Sources []struct {
			Name        string            `json:"name"`
			Source      string            `json:"source"`
			Profile     string            `json:"profile"`
			Diagnostics []json.RawMessage `json:"diagnostics"`
			Summary     rules.Summary     `json:"summary"`
			Notes       []struct{ Cell, Action, Link string }
			Written     bool `json:"written"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(rep.Sources) != 1 {
		t.Fatalf("sources: %+v", rep.Sources)
	}
	s := rep.Sources[0]
	if s.Name != "gs" || s.Profile != "oiv" || !strings.HasPrefix(s.Source, "google-sheets:") || s.Written || s.Summary.Warnings != 3 ||
		len(s.Diagnostics) != s.Summary.Errors+s.Summary.Warnings+s.Summary.Notices {
		t.Errorf("report: name %q source %q profile %q written %v summary %+v, %d diagnostics",
			s.Name, s.Source, s.Profile, s.Written, s.Summary, len(s.Diagnostics))
	}
	var d struct {
		Rule, Cell, Link string
		Row              int
	}
	if err := json.Unmarshal(s.Diagnostics[0], &d); err != nil || d.Rule == "" || d.Cell == "" || d.Row == 0 || !strings.Contains(d.Link, "range="+d.Cell) {
		t.Errorf("diagnostic contract: %s (%v)", s.Diagnostics[0], err)
	}
	actions := map[string]string{}
	for _, n := range s.Notes {
		actions[n.Cell] = n.Action
	}
	flagged := rules.Ref{Row: w.Row, Col: w.Col}.A1()
	if actions["A1"] != "remove" || actions[flagged] != "add" || len(actions) != 2 {
		t.Errorf("note actions %v, want A1 remove, %s add", actions, flagged)
	}
	if fake.Count("batchUpdate") != 1 {
		t.Errorf("dry run wrote")
	}

	if code, out, _ := runCmd(t, "check", "--config", cfg); code != exitOK || !strings.Contains(out, "A1: убрать замечание") {
		t.Fatalf("write: %d\n%s", code, out)
	}
	if got := fake.Note(g.Sheet, 0, 0); got != "Заметка сотрудника" {
		t.Errorf("human note after removal: %q", got)
	}
}

func TestCheckSheetMovedIsSkipped(t *testing.T) {
	g := rules.SampleGridWithSlips()
	fake, cfg, _ := sheetsSetup(t, g, true, "")
	fake.SetHook(func(method string, n int) {
		if method == "get" && n == 2 { // the re-read before the write
			fake.InsertRow(g.Sheet, 3)
		}
	})
	code, out, errs := runCmd(t, "check", "--config", cfg)
	if code != exitOK {
		t.Fatalf("code %d\n%s%s", code, out, errs)
	}
	if fake.Count("batchUpdate") != 0 || !strings.Contains(out, "запись пропущена: таблица изменилась после чтения") || !strings.Contains(out, ", повторите") {
		t.Errorf("batchUpdates %d, output:\n%s", fake.Count("batchUpdate"), out)
	}
}

func TestCheckNotesOffAndExitCodes(t *testing.T) {
	broken := rules.SampleGrid()
	broken.Cells[5][0].Value = "x"
	fake, cfg, _ := sheetsSetup(t, broken, false, "")
	code, out, _ := runCmd(t, "check", "--config", cfg)
	if code != exitFindings {
		t.Fatalf("errors in the registry: code %d\n%s", code, out)
	}
	if fake.Count("batchUpdate") != 0 || !strings.Contains(out, "notes: off") {
		t.Errorf("notes: off wrote %d batches:\n%s", fake.Count("batchUpdate"), out)
	}

	_, cfg, _ = sheetsSetup(t, rules.SampleGridWithSlips(), true, "")
	if code, out, _ := runCmd(t, "check", "--config", cfg, "--dry-run", "--fail-on", "warning"); code != exitFindings {
		t.Errorf("--fail-on warning with warnings: %d\n%s", code, out)
	}
}

func TestCheckXLSXCopyMode(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "perechen.xlsx")
	if err := wire.WriteGridWorkbook(book, rules.SampleGridWithSlips()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(book)
	cfg := filepath.Join(dir, "config.yaml")
	y := fmt.Sprintf("state_dir: %[1]s/state\nsources:\n  - name: file\n    xlsx: {path: %[2]s}\n  - name: other\n    xlsx: {path: %[1]s/missing.xlsx}\n", dir, book)
	if err := os.WriteFile(cfg, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "perechen.perechen.xlsx")

	code, out, errs := runCmd(t, "check", "--config", cfg, "--source", "file", "--dry-run")
	if code != exitOK || !strings.Contains(out, "file:///") || !strings.Contains(out, ": добавить замечание") {
		t.Fatalf("dry run: %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(copyPath); !os.IsNotExist(err) {
		t.Fatalf("dry run wrote the copy: %v", err)
	}

	code, out, errs = runCmd(t, "check", "--config", cfg, "--source", "file")
	if code != exitOK || !strings.Contains(out, "Копия с примечаниями: "+copyPath) {
		t.Fatalf("write: %d\n%s%s", code, out, errs)
	}
	after, _ := os.ReadFile(book)
	if !bytes.Equal(before, after) {
		t.Error("copy mode changed the original file")
	}
	f, err := os.Open(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	g, err := psync.ReadXLSX(f, st.Size(), "")
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, row := range g.Cells {
		for _, c := range row {
			if _, block := psync.SplitNote(c.Note); block != "" {
				notes++
			}
		}
	}
	if want := strings.Count(out, ": добавить замечание"); notes == 0 || notes != want {
		t.Errorf("copy holds %d perechen notes, report listed %d", notes, want)
	}

	// All sources: the missing file makes the run unusable (2), the other
	// source is still checked and reported.
	code, out, _ = runCmd(t, "check", "--config", cfg, "--dry-run")
	if code != exitUsage || !strings.Contains(out, "== file (") || !strings.Contains(out, "не проверен: файл") {
		t.Errorf("missing file: code %d\n%s", code, out)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	_, cfg, _ := sheetsSetup(t, rules.SampleGrid(), true, "")
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("sources:\n  - name: x\n    bogus: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--config", cfg, "--source", "nope"}, `источника "nope" нет в конфигурации; есть: gs`},
		{[]string{"--config", filepath.Join(t.TempDir(), "absent.yaml")}, "конфигурация не прочитана"},
		{[]string{"--config", bad}, "bad.yaml:3"},
		{[]string{"--config", cfg, "--format", "xml"}, "--format"},
		{[]string{"--config", cfg, "--fail-on", "fatal"}, "--fail-on"},
		{[]string{"--config", cfg, "extra"}, "лишние аргументы"},
	}
	for _, c := range cases {
		code, out, errs := runCmd(t, append([]string{"check"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: code %d, stderr %q (want %q), stdout %q", c.args, code, errs, c.want, out)
		}
	}
	if code, _, _ := runCmd(t, "check", "--help"); code != exitOK {
		t.Errorf("--help: %d", code)
	}
}

// 403 from Google: the Russian explanation with the service account's
// e-mail, exit 2, in text and JSON.
func TestCheckForbiddenSheet(t *testing.T) {
	fake, cfg, _ := sheetsSetup(t, rules.SampleGrid(), true, "")
	fake.SetForbidden(true)
	want := "поделитесь таблицей с " + sheetsfake.ClientEmail
	code, out, errs := runCmd(t, "check", "--config", cfg)
	if code != exitUsage || !strings.Contains(out, "не проверен: ") || !strings.Contains(out, want) {
		t.Errorf("text: code %d\n%s%s", code, out, errs)
	}
	code, out, errs = runCmd(t, "check", "--config", cfg, "--format", "json")
	if code != exitUsage || !strings.Contains(out, `"error": "`) || !strings.Contains(errs, want) {
		t.Errorf("json: code %d\n%s%s", code, out, errs)
	}
	if fake.Count("batchUpdate") != 0 {
		t.Error("wrote to a forbidden sheet")
	}
}

// An XLSX file open in Office is not written in place: the write is
// skipped with a hint to repeat, and the file is untouched.
func TestCheckXLSXInPlaceLocked(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "perechen.xlsx")
	if err := wire.WriteGridWorkbook(book, rules.SampleGridWithSlips()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "~$perechen.xlsx"), []byte("lock"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(book)
	cfg := filepath.Join(dir, "config.yaml")
	y := fmt.Sprintf("state_dir: %[1]s/state\nsources:\n  - name: file\n    xlsx: {path: %[2]s, notes: in-place}\n", dir, book)
	if err := os.WriteFile(cfg, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "check", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "Не записано: запись пропущена: ") || !strings.Contains(out, "открыт в Excel или LibreOffice") ||
		!strings.Contains(out, ", повторите") {
		t.Errorf("locked: code %d\n%s%s", code, out, errs)
	}
	if after, _ := os.ReadFile(book); !bytes.Equal(before, after) {
		t.Error("a locked workbook was changed")
	}
	if _, err := os.Stat(book + ".bak"); !os.IsNotExist(err) {
		t.Errorf("backup written for a skipped write: %v", err)
	}

	// Closed again: written in place, with the backup kept.
	if err := os.Remove(filepath.Join(dir, "~$perechen.xlsx")); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(t, "check", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "Записаны примечания: ") {
		t.Errorf("unlocked: code %d\n%s", code, out)
	}
	if after, _ := os.ReadFile(book); bytes.Equal(before, after) {
		t.Error("the workbook was not annotated")
	}
	code, out, _ = runCmd(t, "check", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "Примечания к ячейкам: изменений нет") {
		t.Errorf("third run: code %d\n%s", code, out)
	}
}
