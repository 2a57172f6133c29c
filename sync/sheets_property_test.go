package sync

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// TestSheetsHumanNotesSurvive runs ~1,000 random cycles in which "people"
// edit values, write, extend and delete notes, and insert rows (also between
// perechen's read and write). After every cycle no human text is lost, no
// value changed, and blocks sit exactly on the flagged cells.
func TestSheetsHumanNotesSurvive(t *testing.T) {
	cycles := 1000
	switch {
	case testing.Short():
		cycles = 200
	case raceEnabled:
		cycles = 300 // the race detector makes each cycle ~15x slower
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	g := rules.SampleGrid()
	h := newSheetsHarness(t, g, nil)

	// model holds the values and the human part of every note people wrote.
	model := h.fake.Grid(sheetTitle)
	set := func(row, col int, v string) {
		h.fake.SetValue(sheetTitle, row, col, v)
		gridCell(&model, row, col).Value = v
	}
	insertRow := func(g *rules.Grid, row int) {
		if row < len(g.Cells) {
			g.Cells = append(g.Cells[:row], append([][]rules.Cell{nil}, g.Cells[row:]...)...)
		}
	}
	humanTexts := []string{"Проверить у Иванова", "perechen: не трогать эту ячейку", "• мой пункт [важно]",
		"строка 1\nстрока 2", "\nс переводом строки", "хвост\n", "Исправлено — Петров", "«кавычки» и эмодзи ✅"}
	touchpoints := []string{"Система учёта заявок", "СЭД", "Кабинеты клиентов", "Оффлайн приём граждан", "Телефонная связь", "Электронная почта ОИВ"}
	kinds := []string{"Цифровая точка", "Офлайн точка", "цифровой канал"}
	needs := []string{"Получение консультации", "Получение материальных ценностей", "Предоставление документов\nПолучение консультации"}
	join := func(a, b string) string {
		if a == "" || b == "" {
			return a + b
		}
		return a + "\n\n" + b
	}
	moved := 0
	for i := 0; i < cycles; i++ {
		for e := rng.IntN(4); e > 0; e-- {
			row, col := 6+rng.IntN(16), rng.IntN(5)
			switch rng.IntN(7) {
			case 0:
				set(row, 2, touchpoints[rng.IntN(len(touchpoints))])
			case 1:
				set(row, 4, kinds[rng.IntN(len(kinds))])
			case 2:
				set(row, 3, needs[rng.IntN(len(needs))])
			default: // a note, anywhere including outside the table
				row, col = rng.IntN(26), rng.IntN(7)
				text := fmt.Sprintf("%s #%d", humanTexts[rng.IntN(len(humanTexts))], i)
				note, want := h.fake.Note(sheetTitle, row, col), model.At(row, col).Note
				switch rng.IntN(4) {
				case 0:
					note, want = text, text
				case 1:
					if note == "" {
						note = text
					} else {
						note = text + "\n\n" + note
					}
					want = join(text, want)
				case 2:
					if note == "" {
						note = text
					} else {
						note += "\n\n" + text
					}
					want = join(want, text)
				case 3:
					note, want = "", ""
				}
				h.fake.SetNote(sheetTitle, row, col, note)
				gridCell(&model, row, col).Note = want
			}
		}
		if rng.IntN(25) == 0 {
			row := 6 + rng.IntN(16)
			h.fake.InsertRow(sheetTitle, row)
			insertRow(&model, row)
		}
		midCycle, inserted := -1, false
		if rng.IntN(10) == 0 {
			midCycle = 6 + rng.IntN(16)
			h.fake.SetHook(func(method string, n int) {
				if method == "get" && midCycle >= 0 {
					if n%2 == 0 { // the guard read of this cycle
						h.fake.InsertRow(sheetTitle, midCycle)
						insertRow(&model, midCycle)
						midCycle, inserted = -1, true
					}
				}
			})
		}
		h.fake.ResetCounts()
		_, diags, err := h.cycleDiags(now0.Add(time.Duration(i) * time.Minute))
		h.fake.SetHook(nil)
		switch {
		case errors.Is(err, ErrSheetMoved):
			moved++
		case err != nil:
			t.Fatalf("cycle %d: %v", i, err)
		}
		if r := h.fake.Count("rejected"); r != 0 {
			t.Fatalf("cycle %d: %d batchUpdates touched more than notes", i, r)
		}
		got := h.fake.Grid(sheetTitle)
		flagged := map[[2]int]bool{} // valid when the cycle wrote everything and no row moved: the sheet is what was linted
		for _, d := range diags {
			flagged[[2]int{d.Ref.Row, d.Ref.Col}] = true
		}
		rows := max(len(got.Cells), len(model.Cells))
		for r := 0; r < rows; r++ {
			for c := 0; c < 8; c++ {
				cell := got.At(r, c)
				if cell.Value != model.Value(r, c) {
					t.Fatalf("cycle %d: value at %s changed: %q, want %q", i, rules.Ref{Row: r, Col: c}.A1(), cell.Value, model.Value(r, c))
				}
				human, block := SplitNote(cell.Note)
				if want := model.At(r, c).Note; human != want {
					t.Fatalf("cycle %d: human note at %s is %q, want %q (note %q)", i, rules.Ref{Row: r, Col: c}.A1(), human, want, cell.Note)
				}
				if err == nil && !inserted && (block != "") != flagged[[2]int{r, c}] {
					t.Fatalf("cycle %d: %s has block %q, flagged %v", i, rules.Ref{Row: r, Col: c}.A1(), block, flagged[[2]int{r, c}])
				}
			}
		}
	}
	t.Logf("%d cycles, %d skipped because rows moved mid-cycle", cycles, moved)
}
