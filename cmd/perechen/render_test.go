package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
)

func readOut(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestRenderWritesEveryFormat(t *testing.T) {
	src := writeGridXLSX(t, rules.SampleGrid())
	mtime := time.Date(2026, 3, 5, 14, 0, 0, 0, time.Local)
	if err := os.Chtimes(src, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site", "perechen")
	code, stdout, stderr := runCLI(t, nil, "render", "--out", out, "--organisation", "Министерство цифрового развития", src)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range render.Formats() {
		r, _ := render.ByFormat(f)
		path := filepath.Join(out, r.FileName())
		if !strings.Contains(stdout, "записан "+path) {
			t.Errorf("stdout does not report %s:\n%s", path, stdout)
		}
		if st, err := os.Stat(path); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", path, err)
		}
	}
	page := readOut(t, out, "index.html")
	for _, want := range []string{"Министерство цифрового развития", `<time datetime="2026-03-05">05.03.2026</time>`,
		"Источник: perechen.xlsx", "Рассмотрение заявок на снабжение ПО и техникой"} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	var doc struct {
		VersionDate string `json:"version_date"`
		Profile     string `json:"profile"`
		Counts      struct{ Rows int }
	}
	if err := json.Unmarshal([]byte(readOut(t, out, "perechen.json")), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.VersionDate != "2026-03-05" || doc.Profile != "oiv" || doc.Counts.Rows != 45 {
		t.Errorf("perechen.json: %+v", doc)
	}
	if csv := readOut(t, out, "perechen.csv"); !strings.HasPrefix(csv, "\uFEFF№,") {
		t.Errorf("perechen.csv starts %.40q", csv)
	}
	// No temp files are left behind.
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	src := writeGridXLSX(t, rules.Seed003Grid())
	var outs [2]string
	for i := range outs {
		outs[i] = t.TempDir()
		code, _, stderr := runCLI(t, nil, "render", "--profile", "mimp-mo", "--version-date", "2024-08-14",
			"--version-label", "приказ № 27П-39", "--out", outs[i], src)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		// Seed 003 has errors: render warns and still writes.
		if !strings.Contains(stderr, "в Перечне ошибок") {
			t.Errorf("no warning about errors: %q", stderr)
		}
	}
	for _, f := range render.Formats() {
		r, _ := render.ByFormat(f)
		if a, b := readOut(t, outs[0], r.FileName()), readOut(t, outs[1], r.FileName()); a != b {
			t.Errorf("%s differs between two renders", r.FileName())
		}
	}
	if page := readOut(t, outs[0], "index.html"); !strings.Contains(page, "14.08.2024</time>, приказ № 27П-39") ||
		!strings.Contains(page, "Министерстве информации и молодежной политики") {
		t.Error("profile title or version missing")
	}
}

func TestRenderOptions(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "site.html")
	os.WriteFile(tmpl, []byte(`<main class="site"><h1>{{.Organisation}}</h1>{{template "perechen-table" .}}</main>`), 0o644)
	code, stdout, stderr := runCLI(t, nil, "render", "--sample", "--format", "html, csv", "--semicolon", "--template", tmpl,
		"--organisation", "ГКУ <Тест>", "--out", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "perechen.json") {
		t.Errorf("json written though not asked for: %s", stdout)
	}
	page := readOut(t, dir, "index.html")
	if !strings.HasPrefix(page, `<main class="site"><h1>ГКУ &lt;Тест&gt;</h1><table class="perechen"`) {
		t.Errorf("template not used: %.120s", page)
	}
	if csv := readOut(t, dir, "perechen.csv"); !strings.HasPrefix(csv, "\uFEFF№;") {
		t.Errorf("--semicolon ignored: %.40q", csv)
	}
	code, _, stderr = runCLI(t, nil, "render", "--sample", "--format", "html", "--fragment", "--out", dir)
	if page := readOut(t, dir, "index.html"); code != exitOK || !strings.HasPrefix(page, `<table class="perechen"`) {
		t.Errorf("--fragment: exit %d %s %.60s", code, stderr, page)
	}
	// stdin works too.
	xlsx, _ := os.ReadFile(writeGridXLSX(t, rules.SampleGrid()))
	code, _, stderr = runCLI(t, xlsx, "render", "--format", "json", "--version-date", "2026-01-01", "--out", dir, "-")
	if code != exitOK || !strings.Contains(readOut(t, dir, "perechen.json"), `"version_date": "2026-01-01"`) {
		t.Errorf("stdin: exit %d %s", code, stderr)
	}
}

func TestRenderUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badTmpl := filepath.Join(dir, "bad.html")
	os.WriteFile(badTmpl, []byte(`{{if}}`), 0o644)
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	noHeader := writeGridXLSX(t, rules.GridFromTSV("Лист", "просто\tтаблица\n1\t2"))
	for _, c := range []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown format", []string{"render", "--sample", "--format", "html,docx", "--out", dir}, `неизвестный формат "docx"; доступные форматы: html`},
		{"empty format", []string{"render", "--sample", "--format", " , ", "--out", dir}, "не указан ни один формат"},
		{"bad date", []string{"render", "--sample", "--version-date", "24.11.2026", "--out", dir}, "ГГГГ-ММ-ДД"},
		{"bad template", []string{"render", "--sample", "--template", badTmpl, "--out", dir}, "шаблон"},
		{"missing template", []string{"render", "--sample", "--template", filepath.Join(dir, "nope"), "--out", dir}, "шаблон не прочитан"},
		{"unknown profile", []string{"render", "--sample", "--profile", "nope", "--out", dir}, "неизвестный профиль"},
		{"no file", []string{"render", "--out", dir}, "perechen render --help"},
		{"not a registry", []string{"render", "--out", dir, noHeader}, "Не найдена строка заголовка"},
		{"out is a file", []string{"render", "--sample", "--out", filepath.Join(blocker, "sub")}, "не создан"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, c.args...)
			if code != exitUsage || !strings.Contains(stderr, "perechen render:") || !strings.Contains(stderr, c.msg) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, c.msg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err == nil {
		t.Error("a failed render wrote files")
	}
	if code, _, _ := runCLI(t, nil, "render", "--help"); code != exitOK {
		t.Errorf("--help exit %d", code)
	}
	var buf bytes.Buffer
	usage(&buf, commands())
	if !strings.Contains(buf.String(), "render") {
		t.Error("render not listed in usage")
	}
}

// TestRenderWarnsAboutErrors: a registry with errors is still rendered
// (staff may want to look at it), and the count of errors — from the
// registry-wide rules that run alongside the renderers too — is the lint's.
func TestRenderWarnsAboutErrors(t *testing.T) {
	p, err := rules.LoadProfile("mimp-mo")
	if err != nil {
		t.Fatal(err)
	}
	_, diags := rules.Lint(rules.Seed003Grid(), p)
	errs := rules.Summarize(diags).Errors
	if errs == 0 {
		t.Fatal("the seed registry was expected to have errors")
	}
	src := writeGridXLSX(t, rules.Seed003Grid())
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, nil, "render", "--profile", "mimp-mo", "--format", "json,pdf", "--out", out, src)
	if code != exitOK || !strings.Contains(stdout, "perechen.pdf") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	if want := fmt.Sprintf("в Перечне ошибок — %d; перед публикацией исправьте их", errs); !strings.Contains(stderr, want) {
		t.Errorf("stderr %q lacks %q", stderr, want)
	}
}
