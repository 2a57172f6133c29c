package sync

import (
	"sort"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// A note write is planned at lint time from one read of the sheet and
// written seconds later, maybe after a backoff, while people keep editing.
// Before every attempt the source reads again, but only what the write
// depends on: the rows of the cells to be written and the row on each side
// (guardRows). planAttempt then decides per cell against that read.

// maxGuardRanges bounds the ranges of one guard read (each is a few dozen
// bytes of URL); nearby blocks of rows are read as one beyond it.
const maxGuardRanges = 100

// guardPlan is one write attempt, planned against the read just before it.
type guardPlan struct {
	// writes are the notes to set: the block planned at lint merged into
	// the note the read found (Old), so a person's edit made meanwhile is
	// kept.
	writes []NoteChange
	// current counts cells whose note already is what was planned.
	current int
	// skipped are cells whose value or row changed since the lint (or
	// whose note no longer has room for the block): left to the next
	// cycle, which lints what they hold now.
	skipped []NoteChange
}

// planAttempt plans the changes planned from linted against now, a read of
// the guardRows of those changes.
func planAttempt(linted, now *rules.Grid, changes []NoteChange, lintedRows map[string]bool) guardPlan {
	var p guardPlan
	for _, ch := range changes {
		r, c := ch.Ref.Row, ch.Ref.Col
		if now.Value(r, c) != linted.Value(r, c) || rowMoved(linted, now, lintedRows, r) {
			p.skipped = append(p.skipped, ch)
			continue
		}
		_, block := SplitNote(ch.New)
		note := now.At(r, c).Note
		next, write := mergeBlock(note, block)
		switch {
		case !write:
			p.current++
		case utf16Len(next) > MaxNoteUTF16:
			p.skipped = append(p.skipped, ch) // the person's text grew: the next plan leaves less room
		default:
			p.writes = append(p.writes, NoteChange{Ref: ch.Ref, Old: note, New: next})
		}
	}
	return p
}

// rowMoved reports whether row r may no longer be the row that was linted:
// its values changed at all (an edit there, or another row in its place
// that was blank or edited at lint — the model test found a row moved down
// and edited while a blank one took its place, which no neighbour gave
// away), the row above it went blank or stopped being blank (a row
// inserted, deleted or emptied there), or a row around it (r-1…r+1) now
// holds the values of another row of the linted grid (rows inserted,
// deleted or moved). An edit elsewhere, or a row inserted below r, moves
// nothing of r. Rows that
// were identical at lint cannot be told apart, and whichever of them gets
// the note holds the values its findings are about.
func rowMoved(linted, now *rules.Grid, lintedRows map[string]bool, r int) bool {
	for i := max(r-1, 0); i <= r+1; i++ {
		k, was := rowKey(now, i), rowKey(linted, i)
		if i == r && k != was || i < r && (k == "") != (was == "") || k != "" && k != was && lintedRows[k] {
			return true
		}
	}
	return false
}

// rowKeys is the set of rowKey of every non-blank row of g.
func rowKeys(g *rules.Grid) map[string]bool {
	keys := make(map[string]bool, len(g.Cells))
	for i := range g.Cells {
		if k := rowKey(g, i); k != "" {
			keys[k] = true
		}
	}
	return keys
}

// rowKey identifies a row by its values ("" for a blank row).
func rowKey(g *rules.Grid, i int) string {
	if i < 0 || i >= len(g.Cells) {
		return ""
	}
	row := g.Cells[i]
	n := len(row)
	for n > 0 && row[n-1].Value == "" {
		n--
	}
	var b strings.Builder
	for _, c := range row[:n] {
		b.WriteString(c.Value)
		b.WriteByte(0)
	}
	return b.String()
}

// guardRows lists the rows a write attempt reads, as inclusive 0-based
// blocks [first, last]: each written row and its neighbours, within the
// linted grid (a row past its end is blank there, and may be past the
// sheet's end too).
func guardRows(changes []NoteChange, lintedRows int) [][2]int {
	set := map[int]bool{}
	for _, ch := range changes {
		r := ch.Ref.Row
		for i := max(r-1, 0); i <= r+1; i++ {
			if i == r || i < lintedRows {
				set[i] = true
			}
		}
	}
	rows := make([]int, 0, len(set))
	for r := range set {
		rows = append(rows, r)
	}
	sort.Ints(rows)
	var blocks [][2]int
	for _, r := range rows {
		if n := len(blocks); n > 0 && blocks[n-1][1] == r-1 {
			blocks[n-1][1] = r
			continue
		}
		blocks = append(blocks, [2]int{r, r})
	}
	return coalesce(blocks, maxGuardRanges)
}

// coalesce joins blocks separated by the smallest gaps until at most n are
// left (reading a few rows more rather than sending an endless URL).
func coalesce(blocks [][2]int, n int) [][2]int {
	for gap := 2; len(blocks) > n; gap *= 2 {
		out := blocks[:1]
		for _, b := range blocks[1:] {
			if last := &out[len(out)-1]; b[0]-last[1] <= gap {
				last[1] = b[1]
				continue
			}
			out = append(out, b)
		}
		blocks = out
	}
	return blocks
}

// chunkChanges sorts changes by cell and splits them into batches whose
// requests stay below MaxBatchBytes.
func chunkChanges(changes []NoteChange) [][]NoteChange {
	cs := append([]NoteChange(nil), changes...)
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i].Ref, cs[j].Ref
		return a.Row < b.Row || a.Row == b.Row && a.Col < b.Col
	})
	var (
		chunks [][]NoteChange
		start  int
		size   int
	)
	for i, c := range cs {
		n := 200 + len(c.New) + len(c.New)/8 // a request's JSON framing, escapes and keys
		if size+n > MaxBatchBytes && i > start {
			chunks = append(chunks, cs[start:i])
			start, size = i, 0
		}
		size += n
	}
	if start < len(cs) {
		chunks = append(chunks, cs[start:])
	}
	return chunks
}
