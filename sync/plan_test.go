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

// TestPlanNotesRepliesAndFragments: a person's reply shaped like a bullet
// after perechen's block survives every cycle; bullets a person cut from
// their header are removed, even from a cell no longer flagged, but only
// when they are exactly perechen's.
func TestPlanNotesRepliesAndFragments(t *testing.T) {
	g := rules.SampleGrid()
	reg, diags := lintGrid(t, g)
	applyChanges(t, &g, PlanNotes(g, reg, diags, now0))
	const reply = "• Согласен, поправлю к пятнице [ivanov]"
	d13 := g.At(12, 3).Note
	setNote(&g, 12, 3, d13+"\n"+reply)
	block := FormatBlock(sampleDiags(), now0)
	_, orphan, _ := strings.Cut(block, "\n")
	setNote(&g, 6, 2, "Ответ отделу\n\n"+orphan)                             // C7: not flagged, fragments only
	setNote(&g, 7, 2, "• п. 2.8 — это я написал сам [duplicate-touchpoint]") // C8: exact shape: perechen's
	setNote(&g, 8, 2, "• Точка указана дважды. [duplicate-touchpoint]")      // C9: not perechen's shape: human
	changes := PlanNotes(g, reg, diags, now0.Add(time.Hour))
	applyChanges(t, &g, changes)
	if len(changes) != 2 {
		t.Fatalf("planned %d changes, want C7 and C8: %+v", len(changes), changes)
	}
	for cell, want := range map[[2]int]string{{12, 3}: d13 + "\n" + reply, {6, 2}: "Ответ отделу", {7, 2}: "",
		{8, 2}: "• Точка указана дважды. [duplicate-touchpoint]"} {
		if got := g.At(cell[0], cell[1]).Note; got != want {
			t.Errorf("%s: note %q, want %q", rules.Ref{Row: cell[0], Col: cell[1]}.A1(), got, want)
		}
	}
	// The reply stays through a change of findings and the removal of the block.
	var rest []rules.Diagnostic
	for _, d := range diags {
		if d.Ref.Row != 12 || d.Ref.Col != 3 {
			rest = append(rest, d)
		}
	}
	applyChanges(t, &g, PlanNotes(g, reg, rest, now0.Add(2*time.Hour)))
	if got := g.At(12, 3).Note; got != reply {
		t.Fatalf("D13 after the fix: %q, want the reply alone", got)
	}
}
