package sync

import "github.com/perechen-oiv/perechen/rules"

// NoteHasher is a source whose content hash covers notes. After a write the
// daemon asks it for the hash the next read will have, so the notes perechen
// wrote itself do not look like an edit by staff (no second lint, no second
// "publication blocked" line).
type NoteHasher interface {
	HashAfterNotes(snap *Snapshot, changes []NoteChange) string
}

var _ NoteHasher = (*SheetsSource)(nil)

// HashAfterNotes is HashGrid of the snapshot with the changes applied.
func (s *SheetsSource) HashAfterNotes(snap *Snapshot, changes []NoteChange) string {
	return HashGrid(withNotes(snap.Grid, changes))
}

// withNotes copies g with the notes replaced; rows are copied only where
// a note changes, the snapshot itself is left untouched.
func withNotes(g rules.Grid, changes []NoteChange) rules.Grid {
	out := g
	out.Cells = append([][]rules.Cell(nil), g.Cells...)
	copied := map[int]bool{}
	for _, c := range changes {
		r, col := c.Ref.Row, c.Ref.Col
		if r < 0 || col < 0 {
			continue
		}
		for len(out.Cells) <= r {
			out.Cells = append(out.Cells, nil)
		}
		if !copied[r] {
			out.Cells[r] = append([]rules.Cell(nil), out.Cells[r]...)
			copied[r] = true
		}
		for len(out.Cells[r]) <= col {
			out.Cells[r] = append(out.Cells[r], rules.Cell{})
		}
		out.Cells[r][col].Note = c.New
	}
	return out
}
