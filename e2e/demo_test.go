package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/wire"
)

// TestDemoXLSXCopyMode is `perechen run --demo DIR --once` (the `make run`
// path): the embedded sample as an XLSX source in copy mode published into
// DIR/site; then a defect typed into the workbook shows up as a comment in
// the annotated copy, the original stays untouched and the site keeps the
// clean version.
func TestDemoXLSXCopyMode(t *testing.T) {
	dir := t.TempDir()
	if err := wire.PrepareDemo(dir); err != nil {
		t.Fatal(err)
	}
	cfg := wire.DemoConfig(dir)
	cfg.Status.Listen = config.ListenOff
	runOnce := func() daemon.Result {
		t.Helper()
		reg := prometheus.NewRegistry()
		m, err := daemon.NewMetrics(reg)
		if err != nil {
			t.Fatal(err)
		}
		deps, _ := wire.Deps(m)
		deps.Metrics = m
		d, err := daemon.New(cfg, deps, nil, reg)
		if err != nil {
			t.Fatal(err)
		}
		rs := d.RunOnce(context.Background())
		return rs[0]
	}

	res := runOnce()
	if res.Outcome != daemon.OutcomePublished || res.Summary.Errors != 0 || res.ExitCode() != 0 {
		t.Fatalf("demo: %+v", res)
	}
	site := filepath.Join(dir, "site")
	for _, f := range []string{"index.html", "perechen.pdf", "perechen.xlsx", "perechen.csv", "perechen.json"} {
		if fi, err := os.Stat(filepath.Join(site, f)); err != nil || fi.Size() == 0 {
			t.Errorf("site/%s: %v", f, err)
		}
	}
	pdf, _ := os.ReadFile(filepath.Join(site, "perechen.pdf"))
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("perechen.pdf is not a PDF")
	}
	index1, _ := os.ReadFile(filepath.Join(site, "index.html"))

	// A staff member breaks a process number in the workbook.
	src := filepath.Join(dir, "perechen.xlsx")
	orig := editWorkbook(t, src, "A6", "x")
	res = runOnce()
	if res.Outcome != daemon.OutcomeBlocked || res.Summary.Errors == 0 || res.ExitCode() != 1 {
		t.Fatalf("defect: outcome %s, summary %+v, exit %d", res.Outcome, res.Summary, res.ExitCode())
	}
	after, _ := os.ReadFile(src)
	if string(after) != string(orig) {
		t.Errorf("copy mode modified the original workbook")
	}
	comments := workbookComments(t, filepath.Join(dir, "perechen.perechen.xlsx"))
	if c := comments["A6"]; !strings.Contains(c, "perechen: ") || !strings.Contains(c, "п. ") {
		t.Errorf("annotated copy: A6 comment %q (all: %v)", c, comments)
	}
	if index, _ := os.ReadFile(filepath.Join(site, "index.html")); string(index) != string(index1) {
		t.Errorf("the site changed while the workbook has an error")
	}
}

// editWorkbook sets one cell of the first sheet and returns the new bytes.
func editWorkbook(t *testing.T, path, cell, value string) []byte {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := f.GetSheetName(0)
	if err := f.SetCellStr(sh, cell, value); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// workbookComments maps cell → comment text of the first sheet.
func workbookComments(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("annotated copy: %v", err)
	}
	defer f.Close()
	cs, err := f.GetComments(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range cs {
		text := c.Text
		for _, p := range c.Paragraph {
			text += p.Text
		}
		out[c.Cell] = text
	}
	return out
}
