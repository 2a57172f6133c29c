package rules

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files and docs/rules.md")

// fixture is a sheet with its expectations, read from a .tsv file whose
// comment lines carry directives: "# profile: NAME", "# want: CELL RULE"
// (one per expected finding) and "# merge: A2:A3 B2:B3".
type fixture struct {
	grid    Grid
	profile string
	wants   []string // "CELL RULE", sorted
}

func loadFixture(t testing.TB, path string) fixture {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{profile: DefaultProfile, grid: GridFromTSV("Перечень", string(data))}
	for _, line := range strings.Split(string(data), "\n") {
		key, val, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": ")
		if !ok || !strings.HasPrefix(line, "# ") {
			continue
		}
		switch key {
		case "profile":
			f.profile = val
		case "want":
			f.wants = append(f.wants, val)
		case "merge":
			for _, m := range strings.Fields(val) {
				f.grid.Merges = append(f.grid.Merges, mustRange(t, m))
			}
		}
	}
	sort.Strings(f.wants)
	return f
}

func mustRange(t testing.TB, s string) Range {
	a, b, _ := strings.Cut(s, ":")
	r0, c0, err := ParseA1(a)
	if err != nil {
		t.Fatal(err)
	}
	r1, c1, err := ParseA1(b)
	if err != nil {
		t.Fatal(err)
	}
	return Range{Row0: r0, Col0: c0, Row1: r1, Col1: c1}
}

func mustProfile(t testing.TB, name string) *Profile {
	t.Helper()
	p, err := LoadProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// got renders findings as the fixture's "CELL RULE" lines.
func got(ds []Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Ref.A1()+" "+d.Rule)
	}
	sort.Strings(out)
	return out
}

// TestFixtures runs every fixture in testdata/cases and compares the exact
// set of findings (cell and rule) with the fixture's expectations.
func TestFixtures(t *testing.T) {
	paths := fixtureGlob(t)
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".tsv"), func(t *testing.T) {
			f := loadFixture(t, path)
			_, ds := Lint(f.grid, mustProfile(t, f.profile))
			if g := got(ds); strings.Join(g, "\n") != strings.Join(f.wants, "\n") {
				t.Errorf("findings differ\n got: %q\nwant: %q", g, f.wants)
				for _, d := range ds {
					t.Log(d.Text())
				}
			}
		})
	}
}

// fixtureGlob lists the rule fixtures.
func fixtureGlob(t *testing.T) []string {
	t.Helper()
	paths, _ := filepath.Glob("testdata/cases/*.tsv")
	if len(paths) == 0 {
		t.Fatal("no fixtures")
	}
	return paths
}

// TestEveryRuleHasFixtures: each rule is triggered by a fixture named after
// it, and the clean fixtures trigger nothing.
func TestEveryRuleHasFixtures(t *testing.T) {
	for _, r := range All() {
		path := filepath.Join("testdata/cases", r.ID+".tsv")
		f := loadFixture(t, path)
		found := false
		for _, w := range f.wants {
			if strings.HasSuffix(w, " "+r.ID) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: fixture does not expect rule %s", path, r.ID)
		}
	}
}

// goldenCompare compares text with a golden file, rewriting it with -update.
func goldenCompare(t *testing.T, path, text string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./rules -update)", err)
	}
	if string(want) != text {
		t.Errorf("%s differs from the output (run go test ./rules -update and review the diff)\n--- got ---\n%s", path, text)
	}
}
