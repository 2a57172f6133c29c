package sync

import (
	"context"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// TestHashAfterNotesPredictsNextRead: after perechen writes notes (adding
// blocks, then removing one when a cell is fixed) the next read hashes to
// exactly what HashAfterNotes said, so the daemon does not relint its own write.
func TestHashAfterNotesPredictsNextRead(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	h.fake.SetNote(sheetTitle, 5, 1, "Спросить у Иванова")
	ctx := context.Background()
	step := func(name string, now time.Time) int {
		snap, err := h.src.Fetch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		reg, diags := lintGrid(t, snap.Grid)
		changes := PlanNotes(snap.Grid, reg, diags, now)
		if err := h.src.WriteNotes(ctx, snap, changes); err != nil {
			t.Fatal(err)
		}
		want := h.src.HashAfterNotes(snap, changes)
		next, err := h.src.Fetch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if next.Hash != want {
			t.Errorf("%s: next read hashes to %s, HashAfterNotes said %s", name, next.Hash, want)
		}
		if len(changes) > 0 && snap.Hash == want {
			t.Errorf("%s: the hash ignores the notes written", name)
		}
		return len(changes)
	}
	if n := step("blocks added", now0); n == 0 {
		t.Fatal("sample produced no notes")
	}
	h.fake.SetValue(sheetTitle, 12, 3, "Получение информации, в том числе о ходе рассмотрения документов\nПолучение консультации")
	if n := step("a block removed", now0.Add(time.Hour)); n != 1 {
		t.Fatalf("fix cycle changed %d notes, want 1", n)
	}
}
