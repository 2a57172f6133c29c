package sync

import (
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

func lintGrid(t testing.TB, g rules.Grid) (*rules.Registry, []rules.Diagnostic) {
	t.Helper()
	p, err := defaultProfile()
	if err != nil {
		t.Fatal(err)
	}
	reg, diags := rules.Lint(g, p)
	return reg, diags
}

// applyChanges writes changes into g the way a source would.
func applyChanges(t testing.TB, g *rules.Grid, changes []NoteChange) {
	t.Helper()
	for _, c := range changes {
		if got := g.At(c.Ref.Row, c.Ref.Col).Note; got != c.Old {
			t.Fatalf("%s: change planned from note %q, cell holds %q", c.Ref, c.Old, got)
		}
		setNote(g, c.Ref.Row, c.Ref.Col, c.New)
	}
}

func TestPlanNotesCycle(t *testing.T) {
	g := rules.SampleGrid()
	setNote(&g, 5, 1, "Спросить у Иванова")             // B6: human note on a flagged cell
	setNote(&g, 0, 0, "Заметка над таблицей")           // A1: outside the table
	setNote(&g, 1, 0, FormatBlock(sampleDiags(), now0)) // A2: a stale block outside the table
	reg, diags := lintGrid(t, g)
	if len(diags) == 0 {
		t.Fatal("sample must have findings")
	}
	changes := PlanNotes(g, reg, diags, now0)
	flagged := map[rules.Ref]bool{}
	for _, d := range diags {
		flagged[rules.Ref{Sheet: g.Sheet, Row: d.Ref.Row, Col: d.Ref.Col}] = true
	}
	if len(changes) != len(flagged)+1 {
		t.Fatalf("%d changes for %d flagged cells + 1 stale block", len(changes), len(flagged))
	}
	for _, c := range changes {
		switch {
		case c.Ref.Row == 0 && c.Ref.Col == 0:
			t.Fatal("note outside the table touched")
		case c.Ref.Row == 1 && c.Ref.Col == 0:
			if c.New != "" {
				t.Fatalf("stale block outside the table not removed: %q", c.New)
			}
		case !flagged[c.Ref]:
			t.Fatalf("change on unflagged cell %s", c.Ref)
		}
	}
	applyChanges(t, &g, changes)
	if n := g.At(5, 1).Note; !strings.HasPrefix(n, "Спросить у Иванова\n\nperechen: 1 замечание") {
		t.Fatalf("B6 note = %q", n)
	}

	// Unchanged findings an hour later: nothing to write.
	if again := PlanNotes(g, reg, diags, now0.Add(time.Hour)); len(again) != 0 {
		t.Fatalf("unchanged sheet planned %d changes: %+v", len(again), again[0])
	}

	// Fix B6: its block goes, the human note stays; D13 loses its note entirely.
	var rest []rules.Diagnostic
	for _, d := range diags {
		if !(d.Ref.Row == 5 && d.Ref.Col == 1) && !(d.Ref.Row == 12 && d.Ref.Col == 3) {
			rest = append(rest, d)
		}
	}
	fixed := PlanNotes(g, reg, rest, now0.Add(2*time.Hour))
	if len(fixed) != 2 {
		t.Fatalf("fixing two cells planned %d changes", len(fixed))
	}
	applyChanges(t, &g, fixed)
	if n := g.At(5, 1).Note; n != "Спросить у Иванова" {
		t.Fatalf("fixed B6 note = %q", n)
	}
	if n := g.At(12, 3).Note; n != "" {
		t.Fatalf("fixed D13 note = %q", n)
	}
	if n := g.At(0, 0).Note; n != "Заметка над таблицей" {
		t.Fatalf("A1 note = %q", n)
	}
}

func TestPlanNotesNoHeaderWritesNothing(t *testing.T) {
	g := rules.GridFromTSV("Лист1", "просто\tтекст\nещё\tстрока\n")
	reg, diags := lintGrid(t, g)
	if len(diags) == 0 || reg.HasHeader() {
		t.Fatal("expected a missing-header finding")
	}
	if ch := PlanNotes(g, reg, diags, now0); len(ch) != 0 {
		t.Fatalf("a sheet without the form got notes: %+v", ch)
	}
}

func TestPlanNotesMergedCellGoesToAnchor(t *testing.T) {
	g := rules.SampleGrid()
	reg, _ := lintGrid(t, g)
	g.Merges = append(g.Merges, rules.Range{Row0: 6, Col0: 1, Row1: 7, Col1: 1})
	d := rules.Diagnostic{Rule: "x", Paragraph: "1", Ref: rules.Ref{Sheet: g.Sheet, Row: 7, Col: 1}, Message: "m"}
	ch := PlanNotes(g, reg, []rules.Diagnostic{d, d}, now0)
	if len(ch) != 1 || ch[0].Ref.Row != 6 || !strings.HasPrefix(ch[0].New, "perechen: 1 замечание") {
		t.Fatalf("changes = %+v", ch)
	}
}

// defaultProfile is loaded once: parsing the YAML dominates small lints.
var defaultProfile = gosync.OnceValues(func() (*rules.Profile, error) { return rules.LoadProfile(rules.DefaultProfile) })

var now0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
