package render

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// pxGolden compares got with testdata/name, rewriting it under -update.
func pxGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test ./render -update)", path, err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file; if the change is intended run go test ./render -update\n--- got:\n%s", path, pxClip(string(got)))
	}
}

func pxClip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "\n…"
	}
	return s
}

// pxFixture is a parsed registry with the Meta the goldens were made with.
type pxFixture struct {
	name    string
	grid    rules.Grid
	profile *rules.Profile
	reg     *rules.Registry
	meta    Meta
}

func pxLoad(t testing.TB, name string) pxFixture {
	t.Helper()
	var (
		g       rules.Grid
		profile string
		org     string
	)
	switch name {
	case "sample":
		g, profile, org = rules.SampleGrid(), "oiv", "Департамент информационных технологий (образец)"
	case "seed003":
		g, profile, org = rules.Seed003Grid(), "mimp-mo", "Министерство информации и молодежной политики Московской области"
	default:
		g, profile, org = rules.SyntheticGrid(pxRows(name)), "oiv", "Синтетический орган"
	}
	p, err := rules.LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := rules.Parse(g, p)
	if !reg.HasHeader() || len(reg.Processes) == 0 {
		t.Fatalf("pxFixture %s did not parse", name)
	}
	return pxFixture{name: name, grid: g, profile: p, reg: reg, meta: Meta{
		Organisation: org,
		Profile:      p,
		Version:      time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC),
		VersionLabel: "версия 3",
		Source:       "test",
	}}
}

// parseRows reads "synthetic-N".
func pxRows(name string) int {
	n := 0
	for _, c := range name {
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
		}
	}
	return n
}
