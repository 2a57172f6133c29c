package sync

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/perechen-oiv/perechen/rules"
)

// googleNoteLimit is the most a Google Sheets note holds (characters).
const googleNoteLimit = 50_000

// TestPlanNotesHostileSizes: whatever the findings and the person's note,
// every planned note stays under Google's (and Excel's) limit and keeps the
// person's text byte for byte.
func TestPlanNotesHostileSizes(t *testing.T) {
	hugeCell := strings.Repeat("🙂Длинный текст <script>x</script> ", 50_000/33)
	humans := []string{
		"",
		"заметка сотрудника",
		strings.Repeat("я", 31_000), // leaves little room
		strings.Repeat("🙂", 15_950), // astral runes: two UTF-16 units each
		strings.Repeat("ж", 49_000), // already near Google's limit: no room for findings
	}
	grid := rules.SampleGrid()
	reg, _ := rules.Lint(grid, mustOIV(t))
	row, col := reg.HeaderAt.Row+1, 1
	for _, human := range humans {
		for _, nFindings := range []int{1, 50, 2000} {
			g := cloneGrid(grid)
			g.Cells[row][col].Value = hugeCell
			g.Cells[row][col].Note = human
			var ds []rules.Diagnostic
			for i := range nFindings {
				text := hugeCell
				if i > 2 {
					text = hugeCell[:400] // rules quote cells shortened; the first few quote them whole
				}
				ds = append(ds, rules.Diagnostic{Rule: fmt.Sprintf("rule-%d", i), Paragraph: "2.2.2",
					Ref:        rules.Ref{Sheet: g.Sheet, Row: row, Col: col},
					Message:    fmt.Sprintf("Находка %d: %s", i, text),
					Suggestion: "Исправьте: " + text})
			}
			changes := PlanNotes(g, reg, ds, checkedAt)
			name := fmt.Sprintf("human %d runes, %d findings", len([]rune(human)), nFindings)
			for _, c := range changes {
				n := len(utf16.Encode([]rune(c.New)))
				if n > MaxNoteUTF16 || n > googleNoteLimit {
					t.Errorf("%s: note of %d UTF-16 units (limit %d)", name, n, MaxNoteUTF16)
				}
				if h, _ := SplitNote(c.New); h != human {
					t.Errorf("%s: the person's text changed (%d -> %d runes)", name, len([]rune(human)), len([]rune(h)))
				}
			}
			roomy := len(utf16.Encode([]rune(human))) < MaxNoteUTF16-minBlockRunes-2
			if got := len(changes) == 1; got != roomy {
				t.Errorf("%s: %d changes, want a block: %v", name, len(changes), roomy)
			}
		}
	}
}

func cloneGrid(g rules.Grid) rules.Grid {
	out := g
	out.Cells = make([][]rules.Cell, len(g.Cells))
	for i, r := range g.Cells {
		out.Cells[i] = append([]rules.Cell(nil), r...)
	}
	return out
}

func mustOIV(t *testing.T) *rules.Profile {
	t.Helper()
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
