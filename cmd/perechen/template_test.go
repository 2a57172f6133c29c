package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/sync"
)

func TestTemplateCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "blank.xlsx")
	code, stdout, stderr := runCLI(t, nil, "template", "--profile", "mimp-mo", "--out", out, "--number-row", "--examples", "4", "--organisation", "Министерство образца")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, out) {
		t.Errorf("stdout %q does not say what was written", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	g, err := sync.ReadXLSX(bytes.NewReader(data), int64(len(data)), "")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := rules.LoadProfile("mimp-mo")
	reg, _ := rules.Parse(g, p)
	if !reg.HasHeader() || !strings.Contains(reg.Title, "Министерство образца") || len(reg.Processes) != 1 {
		t.Fatalf("template: header %v title %q processes %d", reg.HasHeader(), reg.Title, len(reg.Processes))
	}
	if g.Value(reg.HeaderAt.Row+1, 0) != "1" {
		t.Error("--number-row did not write the column numbers")
	}
	// the linter on the fresh template: the examples are flagged as placeholders
	code, stdout, _ = runCLI(t, nil, "lint", "--profile", "mimp-mo", out)
	if code != exitFindings || !strings.Contains(stdout, "placeholder") {
		t.Errorf("lint of the template: exit %d, output %q; want placeholder findings", code, stdout)
	}

	// an existing file is kept without --force
	code, _, stderr = runCLI(t, nil, "template", "--out", out)
	if code != exitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("overwrite without --force: exit %d, %q", code, stderr)
	}
	if again, _ := os.ReadFile(out); !bytes.Equal(again, data) {
		t.Error("the existing file changed without --force")
	}
	if code, _, stderr = runCLI(t, nil, "template", "--out", out, "--force"); code != exitOK {
		t.Errorf("--force: exit %d, %s", code, stderr)
	}
	if again, _ := os.ReadFile(out); bytes.Equal(again, data) {
		t.Error("--force did not rewrite the file with the new options")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(left) > 0 {
		t.Errorf("temp files left: %v", left)
	}
}

func TestTemplateCommandErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"template", "--profile", "nope", "--out", "-"}, "неизвестный профиль"},
		{[]string{"template", "--examples", "1000", "--out", "-"}, "от 0 до 100"},
		{[]string{"template", "extra.xlsx"}, "--out"},
		{[]string{"template", "--out", filepath.Join(t.TempDir(), "missing", "x.xlsx")}, "не удалось записать"},
	} {
		code, _, stderr := runCLI(t, nil, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 with %q", c.args, code, stderr, c.msg)
		}
	}
	code, stdout, _ := runCLI(t, nil, "template", "--out", "-")
	if code != exitOK || !strings.HasPrefix(stdout, "PK") {
		t.Errorf("--out -: exit %d, %d bytes", code, len(stdout))
	}
}
