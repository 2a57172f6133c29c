package sync

import (
	"sort"
	"strings"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// PlanNotes decides which notes change after a lint: every cell of the table
// with findings gets one block listing them all, a cell whose findings are
// gone loses its block (and its note, when no human text remains), and a cell
// whose findings did not change is left alone (its time stamp too).
//
// The table area is the rectangle from the header row (reg.HeaderAt) to the
// last row holding a value, and from column A to the last column holding a
// value in those rows: the parser reads every row below the header and
// reports text standing beside the form, so that is where findings live.
// Findings outside it (a missing header reported at A1, say) get no note.
// Outside the area only perechen's own blocks from earlier runs are touched
// (removed), never a person's note. A finding on a hidden cell of a merged
// range goes to the range's top-left cell, where a person can see it.
func PlanNotes(g rules.Grid, reg *rules.Registry, diags []rules.Diagnostic, now time.Time) []NoteChange {
	area, ok := tableArea(&g, reg)
	byCell := map[[2]int][]rules.Diagnostic{}
	for _, d := range diags {
		row, col := anchor(&g, d.Ref.Row, d.Ref.Col)
		if !ok || !area.Contains(row, col) {
			continue
		}
		byCell[[2]int{row, col}] = append(byCell[[2]int{row, col}], d)
	}
	var changes []NoteChange
	add := func(row, col int, note, block string) {
		if next, write := mergeBlock(note, block); write {
			changes = append(changes, NoteChange{Ref: rules.Ref{Sheet: g.Sheet, Row: row, Col: col}, Old: note, New: next})
		}
	}
	for cell, ds := range byCell {
		rules.SortDiagnostics(ds)
		note := g.At(cell[0], cell[1]).Note
		human, _ := SplitNote(note)
		room := min(MaxBlockRunes, MaxNoteUTF16-utf16Len(human)-len(separator))
		if room < minBlockRunes {
			continue // the person's text fills the note: no room for findings
		}
		add(cell[0], cell[1], note, formatBlock(dedupe(ds), now, room))
	}
	for r, row := range g.Cells {
		for c, cell := range row {
			if _, flagged := byCell[[2]int{r, c}]; flagged || len(ownedParts(cell.Note)) == 0 {
				continue
			}
			add(r, c, cell.Note, "") // fixed, or outside the table: clean perechen's old block or its fragments
		}
	}
	sort.Slice(changes, func(i, j int) bool {
		a, b := changes[i].Ref, changes[j].Ref
		return a.Row < b.Row || a.Row == b.Row && a.Col < b.Col
	})
	return changes
}

// MaxNoteUTF16 bounds a whole note (human text and block) in UTF-16 units:
// Excel keeps 32,767 in a comment, Google Sheets somewhat more in a note.
const MaxNoteUTF16 = 32_000

// minBlockRunes is the smallest useful block: its header and one short line.
const minBlockRunes = 200

// tableArea is the rectangle PlanNotes may put notes in; false when the
// sheet has no header (then it is not a Перечень and gets no notes at all).
func tableArea(g *rules.Grid, reg *rules.Registry) (rules.Range, bool) {
	if reg == nil || !reg.HasHeader() {
		return rules.Range{}, false
	}
	area := rules.Range{Row0: reg.HeaderAt.Row, Row1: -1, Col0: 0, Col1: -1}
	for _, c := range reg.Columns {
		area.Col1 = max(area.Col1, c)
	}
	for r := area.Row0; r < len(g.Cells); r++ {
		for c, cell := range g.Cells[r] {
			if strings.TrimSpace(cell.Value) != "" {
				area.Row1 = r
				area.Col1 = max(area.Col1, c)
			}
		}
	}
	return area, area.Row1 >= area.Row0
}

// anchor moves a cell hidden under a merge to the merge's top-left cell.
func anchor(g *rules.Grid, row, col int) (int, int) {
	for _, m := range g.Merges {
		if m.Contains(row, col) {
			return m.Row0, m.Col0
		}
	}
	return row, col
}

// dedupe drops findings repeated word for word at one cell (a merge anchor
// can collect the same finding from several hidden cells).
func dedupe(ds []rules.Diagnostic) []rules.Diagnostic {
	out := ds[:0:0]
	seen := map[string]bool{}
	for _, d := range ds {
		key := d.Rule + "\x00" + d.Paragraph + "\x00" + d.Message + "\x00" + d.Suggestion
		if !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
	}
	return out
}
