package sync

import (
	"context"
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/rules"
)

// loadTab puts the sample form (form=true) or an instruction text on a new
// tab of the fake.
func loadTab(h *sheetsHarness, title string, form bool) {
	g := rules.GridFromTSV(title, "Инструкция по заполнению\nЗаполните лист «Перечень» по форме Порядка.\n")
	if form {
		g = rules.SampleGrid()
		g.Sheet = title
	}
	h.fake.LoadGrid(g)
}

// TestSheetsConfiguredTitleNotPosition: with sheet configured, a draft tab
// dragged in front — even one holding the form — is never read instead.
func TestSheetsConfiguredTitleNotPosition(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	loadTab(h, "Черновик", true)
	h.fake.SetValue("Черновик", 5, 2, "Черновая точка")
	h.fake.MoveSheet("Черновик", 0)
	snap, err := h.src.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if snap.Grid.Sheet != sheetTitle || snap.Hash != HashGrid(h.fake.Grid(sheetTitle)) {
		t.Fatalf("read %q, want the configured %q", snap.Grid.Sheet, sheetTitle)
	}
	if n := h.fake.Count("get"); n != 1 {
		t.Fatalf("%d requests for a configured sheet, want 1", n)
	}
}

// TestSheetsPicksTabByHeader: without a configured title the sheet holding
// the form is read, whatever tab is first; the choice and its reason are
// logged when made and when they change, and a new tab is noticed at once.
func TestSheetsPicksTabByHeader(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.Sheet = "" })
	loadTab(h, "Инструкция", false)
	loadTab(h, "Архив 2025", true)
	h.fake.MoveSheet("Инструкция", 0)
	h.fake.MoveSheet("Архив 2025", 1) // tabs: Инструкция, Архив 2025, Перечень
	loadTab(h, "Перечень (скрытый)", true)
	h.fake.SetHidden("Перечень (скрытый)", true)
	h.fake.MoveSheet("Перечень (скрытый)", 0)

	snap, err := h.src.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if snap.Grid.Sheet != sheetTitle {
		t.Fatalf("read %q, want %q", snap.Grid.Sheet, sheetTitle)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "sheet chosen by its header") || !strings.Contains(logs, "«Архив 2025»") || !strings.Contains(logs, `sheet="Перечень"`) {
		t.Fatalf("choice not logged with its reason:\n%s", logs)
	}
	// Unchanged tabs: the choice stands, no header search, logged once.
	h.fake.ResetCounts()
	if _, err := h.src.Fetch(context.Background()); err != nil || h.fake.Count("get") != 2 {
		t.Fatalf("second fetch: %v, %d requests (want the tab list and the sheet)", err, h.fake.Count("get"))
	}
	if n := strings.Count(h.logs.String(), "sheet chosen by its header"); n != 1 {
		t.Fatalf("choice logged %d times", n)
	}
	// Next year's tab appears: chosen at once, and the log says so.
	loadTab(h, "Перечень 2027", true)
	h.fake.Rename(sheetTitle, "Перечень 2026")
	snap, err = h.src.Fetch(context.Background())
	if err != nil || snap.Grid.Sheet != "Перечень 2027" {
		t.Fatalf("after a new tab: %v, read %q", err, snap.Grid.Sheet)
	}
	if !strings.Contains(h.logs.String(), `previous="Перечень"`) {
		t.Fatalf("change of sheet not logged:\n%s", h.logs.String())
	}
	// Notes go to the chosen sheet.
	changes, err := h.cycle(now0)
	if err != nil || len(changes) == 0 {
		t.Fatalf("cycle: %v, %d changes", err, len(changes))
	}
	for _, w := range h.fake.Batches()[0] {
		if w.SheetID != h.fake.SheetID("Перечень 2027") {
			t.Fatalf("note written on sheet %d", w.SheetID)
		}
	}
}

// TestSheetsPickNoForm: no tab carries the form → the first visible tab
// is read (as for an XLSX workbook), the lint says the header is missing,
// no note is written anywhere, the log says which tabs were searched and
// what to do — once; the form typed into another tab is found next cycle.
func TestSheetsPickNoForm(t *testing.T) {
	h := newSheetsHarness(t, rules.GridFromTSV("Скрытый", "x\n"), func(c *SheetsConfig) { c.Sheet = "" })
	h.fake.SetHidden("Скрытый", true)
	loadTab(h, "Пояснения", false)
	loadTab(h, "Черновик таблицы", false)
	for i := 0; i < 2; i++ {
		changes, diags, err := h.cycleDiags(now0)
		if err != nil || len(changes) != 0 || countRule(diags, "form-header") != 1 {
			t.Fatalf("cycle %d: %v, %d note changes, findings %v", i, err, len(changes), diags)
		}
	}
	logs := h.logs.String()
	if n := strings.Count(logs, "no sheet holds the form"); n != 1 || !strings.Contains(logs, `sheet="Пояснения"`) ||
		!strings.Contains(logs, "«Черновик таблицы»") || !strings.Contains(logs, "Укажите имя листа") {
		t.Fatalf("logged %d times:\n%s", n, logs)
	}
	loadTab(h, "Черновик таблицы", true)
	snap, err := h.src.Fetch(context.Background())
	if err != nil || snap.Grid.Sheet != "Черновик таблицы" {
		t.Fatalf("form typed into a tab: %v, read %+v", err, snap)
	}
}

// TestSheetsPickedTabRenamedOrEmptied: a chosen tab renamed between
// cycles is found again in the same cycle; one that lost its header is
// replaced by the tab that now holds the form.
func TestSheetsPickedTabRenamedOrEmptied(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.Sheet = "" })
	loadTab(h, "Инструкция", false)
	if _, err := h.src.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Renamed right after the tab list was read: the ranged read fails
	// with 400 and the choice is made again.
	h.fake.SetHook(func(method string, n int) {
		if method == "get" && n == 2 { // after the tab list, before the read
			h.fake.Rename(sheetTitle, "Перечень (новый)")
		}
	})
	h.fake.ResetCounts()
	snap, err := h.src.Fetch(context.Background())
	if err != nil || snap.Grid.Sheet != "Перечень (новый)" {
		t.Fatalf("renamed tab: %v, read %+v", err, snap)
	}
	h.fake.SetHook(nil)
	// The form moves to the instruction tab; the old one is cleared.
	h.fake.LoadGrid(rules.GridFromTSV("Перечень (новый)", "пусто\n"))
	loadTab(h, "Инструкция", true)
	if _, err := h.src.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap, err = h.src.Fetch(context.Background())
	if err != nil || snap.Grid.Sheet != "Инструкция" {
		t.Fatalf("after the form moved: %v, read %+v", err, snap)
	}
}
