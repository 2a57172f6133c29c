package wire

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

func TestDepsComplete(t *testing.T) {
	d, err := Deps(nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.NewSource == nil || d.NewTargets == nil || d.Renderers == nil || d.PlanNotes == nil || d.Diff == nil || d.WorkingDays == nil || d.LoadCalendar == nil {
		t.Fatalf("missing dependency: %+v", d)
	}
	// The production calendar, not weekdays: 1 May 2026 is a holiday.
	if n := d.WorkingDays.WorkingDaysBetween(time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)); n != 1 {
		t.Errorf("working days 30.04–04.05.2026: %d, want 1 (4 May)", n)
	}
}

func TestSourceNeedsAKind(t *testing.T) {
	if _, err := Source(config.Source{Name: "x"}, nil); err == nil || !strings.Contains(err.Error(), "google_sheets или xlsx") {
		t.Errorf("err = %v", err)
	}
}

func TestTargetsNameTheEntry(t *testing.T) {
	_, err := Targets(config.Source{Name: "mimp", Publish: []config.Publish{{Dir: &config.DirTarget{Path: t.TempDir()}}, {}}})
	if err == nil || !strings.Contains(err.Error(), `"mimp", publish[1]`) {
		t.Errorf("err = %v", err)
	}
	ts, err := Targets(config.Source{Name: "mimp", Publish: []config.Publish{{Dir: &config.DirTarget{Path: t.TempDir()}}}})
	if err != nil || len(ts) != 1 {
		t.Errorf("targets %v, %v", ts, err)
	}
}

func TestRenderersInOrder(t *testing.T) {
	rs, err := Renderers([]string{"pdf", "html"})
	if err != nil || len(rs) != 2 || rs[0].Format() != "pdf" || rs[1].Format() != "html" {
		t.Fatalf("%v %v", rs, err)
	}
	if _, err := Renderers([]string{"docx"}); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestDiffClassifiesByClause(t *testing.T) {
	old, _ := rules.Lint(rules.SampleGrid(), mustProfile(t))
	g := rules.SampleGrid()
	g.Cells[5][2].Value = "СЭД"
	changed, _ := rules.Lint(g, mustProfile(t))
	cs := Diff(old, changed, mustProfile(t))
	if len(cs) == 0 {
		t.Fatal("no changes")
	}
	for _, c := range cs {
		if c.Clause == "" || c.Russian == "" || c.Text() != c.Russian {
			t.Errorf("change without clause or Russian text: %+v", c)
		}
	}
}

func TestLoadCalendarReportsBadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cal.tsv")
	if err := os.WriteFile(p, []byte("not a calendar\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCalendar(p); err == nil {
		t.Error("bad calendar accepted")
	}
	if _, err := LoadCalendar(filepath.Join(t.TempDir(), "missing.tsv")); err == nil {
		t.Error("missing calendar accepted")
	}
}

func TestDemoWorkbookLintsClean(t *testing.T) {
	dir := t.TempDir()
	if err := PrepareDemo(dir); err != nil {
		t.Fatal(err)
	}
	cfg := DemoConfig(dir)
	if cfg.Sources[0].XLSX.Path != filepath.Join(dir, "perechen.xlsx") || cfg.Sources[0].Publish[0].Dir.Path != filepath.Join(dir, "site") {
		t.Errorf("demo config paths: %+v", cfg.Sources[0])
	}
	src, err := Source(cfg.Sources[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := src.Fetch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, diags := rules.Lint(snap.Grid, mustProfile(t)); rules.Summarize(diags).Errors != 0 {
		t.Errorf("demo workbook has errors: %+v", rules.Summarize(diags))
	}
}

func mustProfile(t *testing.T) *rules.Profile {
	t.Helper()
	p, err := rules.LoadProfile(rules.DefaultProfile)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSheetsSourceFromConfig: a google_sheets entry without a sheet name
// reads the tab holding the form (found with the source's profile), not
// the draft in front of it; drive_version_check asks for the Drive scope.
func TestSheetsSourceFromConfig(t *testing.T) {
	f := sheetsfake.New(t)
	f.Rename("Лист1", "Черновик")
	f.LoadGrid(rules.GridFromTSV("Черновик", "Набросок\n"))
	f.LoadGrid(rules.SampleGrid())
	key := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(key, f.CredentialsJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := Source(config.Source{Name: "oiv", Profile: rules.DefaultProfile, Notes: true, GoogleSheets: &config.GoogleSheets{
		SpreadsheetID: f.ID, Credentials: key, Endpoint: f.URL, DriveVersionCheck: true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := src.Fetch(t.Context())
	if err != nil || snap.Grid.Sheet != "Перечень" {
		t.Fatalf("fetch: %v, sheet %+v", err, snap)
	}
	if f.Count("drive.get") != 1 || !strings.Contains(strings.Join(f.Scopes(), " "), "drive.metadata.readonly") {
		t.Fatalf("drive pre-check not wired: %v %v", f.Counts(), f.Scopes())
	}
	if _, err := Source(config.Source{Name: "x", Profile: "no-such-profile", GoogleSheets: &config.GoogleSheets{SpreadsheetID: f.ID, Credentials: key}}, nil); err == nil {
		t.Fatal("unknown profile accepted")
	}
}
