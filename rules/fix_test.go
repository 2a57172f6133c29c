package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// fixSubject is a registry whose findings' fixes are tried.
type fixSubject struct {
	name    string
	grid    Grid
	profile string
}

func fixSubjects(t *testing.T) []fixSubject {
	var out []fixSubject
	for _, r := range lintCorpus(t) {
		out = append(out, fixSubject{r.file.name, r.grid, r.file.profile})
	}
	out = append(out, fixSubject{"seed003", Seed003Grid(), "mimp-mo"}, fixSubject{"sample", SampleGrid(), "oiv"},
		fixSubject{"sample with slips", SampleGridWithSlips(), "oiv"})
	for _, path := range fixtureGlob(t) {
		f := loadFixture(t, path)
		out = append(out, fixSubject{path, f.grid, f.profile})
	}
	return out
}

// withCell is a copy of g with one cell's value replaced.
func withCell(g Grid, at Ref, value string) Grid {
	out := g
	out.Cells = make([][]Cell, max(len(g.Cells), at.Row+1))
	for r := range g.Cells {
		out.Cells[r] = append([]Cell(nil), g.Cells[r]...)
	}
	for len(out.Cells[at.Row]) <= at.Col {
		out.Cells[at.Row] = append(out.Cells[at.Row], Cell{})
	}
	out.Cells[at.Row][at.Col].Value = value
	return out
}

// serious counts the errors and warnings of a lint by rule and cell.
func serious(ds []Diagnostic) map[string]int {
	n := map[string]int{}
	for _, d := range AtLeast(ds, Warning) {
		n[d.Rule+" "+d.Ref.A1()]++
	}
	return n
}

// TestFixesLintClean: every finding's fix, applied to its cell, removes
// that finding and brings no new error or warning anywhere in the registry
// (issue 13: "every suggestion, applied, must lint clean"). Run over the
// precision corpus, the seeds, the samples and every rule fixture.
func TestFixesLintClean(t *testing.T) {
	applied := map[string]int{}
	for _, s := range fixSubjects(t) {
		p := mustProfile(t, s.profile)
		_, ds := Lint(s.grid, p)
		before := serious(ds)
		for _, d := range ds {
			if d.Fix.IsZero() {
				continue
			}
			next, ok := d.Fix.Apply(s.grid.Value(d.Ref.Row, d.Ref.Col))
			if !ok {
				t.Errorf("%s: %s: the fix %+v does not apply to %q", s.name, d.Text(), d.Fix, s.grid.Value(d.Ref.Row, d.Ref.Col))
				continue
			}
			applied[d.Rule]++
			_, after := Lint(withCell(s.grid, d.Ref, next), p)
			for _, a := range after {
				if a.Rule == d.Rule && a.Ref == d.Ref && a.Message == d.Message {
					t.Errorf("%s: following %q at %s leaves the finding: %s", s.name, d.Suggestion, d.Ref.A1(), a.Text())
				}
			}
			now := serious(after)
			for key, n := range now {
				if n > before[key] {
					t.Errorf("%s: following %q at %s brings %s:\n  was: %s\n  now: %s", s.name, d.Suggestion, d.Ref.A1(), key, d.Text(), textsOf(after, key))
				}
			}
		}
	}
	var keys []string
	for k, n := range applied {
		keys = append(keys, fmt.Sprintf("%s×%d", k, n))
	}
	sort.Strings(keys)
	t.Logf("fixes applied, by rule: %s", strings.Join(keys, ", "))
	for _, id := range []string{"touchpoint-vocabulary", "need-vocabulary", "kind-category", "kind-required", "latin-lookalike", "process-number", "header-client", "form-header"} {
		if applied[id] == 0 {
			t.Errorf("no fix of %s was tried: the corpus lost its case", id)
		}
	}
}

func textsOf(ds []Diagnostic, key string) string {
	var out []string
	for _, d := range ds {
		if d.Rule+" "+d.Ref.A1() == key {
			out = append(out, d.Text())
		}
	}
	return strings.Join(out, " | ")
}

var replacementSuggestion = regexp.MustCompile(`^(?:Исправьте(?: вид| заголовок)? на|Впишите|Замените текст на) «(.*)»\.$`)

// TestReplacementSuggestionsHaveFixes: a suggestion that names the new
// text ("Исправьте на «X».") carries it as a fix, so the JSON report and
// tools get the same change a person reads.
func TestReplacementSuggestionsHaveFixes(t *testing.T) {
	for _, s := range fixSubjects(t) {
		_, ds := Lint(s.grid, mustProfile(t, s.profile))
		for _, d := range ds {
			m := replacementSuggestion.FindStringSubmatch(d.Suggestion)
			if m == nil || strings.Contains(m[1], "» или «") || strings.HasSuffix(m[1], "…") {
				continue
			}
			if d.Fix.IsZero() || d.Fix.New != m[1] && !strings.Contains(d.Fix.New, "\n") {
				t.Errorf("%s: %s: suggestion without the matching fix %+v", s.name, d.Text(), d.Fix)
			}
		}
	}
}
