package sync

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// dataRows lists the sample's rows whose graph 1 holds a process number
// (the rows under the "1 2 3 4 5" row) with that number.
func dataRows(t *testing.T, g rules.Grid) map[int]int {
	t.Helper()
	start := -1
	for r := range g.Cells {
		if g.Value(r, 0) == "1" && g.Value(r, 1) == "2" {
			start = r + 1
			break
		}
	}
	rows := map[int]int{}
	for r := start; start > 0 && r < len(g.Cells); r++ {
		if n, err := strconv.Atoi(g.Value(r, 0)); err == nil {
			rows[r] = n
		}
	}
	if len(rows) < 3 {
		t.Fatalf("sample has %d numbered processes", len(rows))
	}
	return rows
}

// TestSheetsProcessNumbersAsDisplayed: staff type process numbers as
// numbers into a column formatted "0.00" (or a sheet in the en_US locale
// shows «1.0»); the API hands back formattedValue, the text as shown. The
// source passes it on untouched, and the registry must read «1,00» / «1.0»
// in graph 1 as process 1 — no "not a process number" finding.
func TestSheetsProcessNumbersAsDisplayed(t *testing.T) {
	plain := rules.SampleGrid()
	plainReg, plainDiags := lintGrid(t, plain)
	for _, c := range []struct{ locale, pattern, one string }{
		{"ru_RU", "0.00", "1,00"},
		{"en_US", "0.0", "1.0"},
		{"ru_RU", "", "1"}, // automatic format: a whole number shows as typed
	} {
		t.Run(c.locale+" "+c.pattern, func(t *testing.T) {
			h := newSheetsHarness(t, plain, nil)
			h.fake.SetLocale(c.locale)
			rows := dataRows(t, plain)
			first := len(plain.Cells)
			for r, n := range rows {
				h.fake.SetNumber(sheetTitle, r, 0, float64(n), c.pattern)
				first = min(first, r)
			}
			snap, err := h.src.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := snap.Grid.Value(first, 0); got != c.one {
				t.Fatalf("process 1 arrives as %q, want %q as the sheet shows it", got, c.one)
			}
			reg, diags := lintGrid(t, snap.Grid)
			if len(reg.Processes) != len(plainReg.Processes) {
				t.Errorf("%d processes read, %d with plain numbers", len(reg.Processes), len(plainReg.Processes))
			}
			if n, want := countRule(diags, "process-number"), countRule(plainDiags, "process-number"); n != want {
				for _, d := range diags {
					if d.Rule == "process-number" {
						t.Logf("%s: %s", d.Ref.A1(), d.Message)
					}
				}
				t.Errorf("%d process-number findings with numbers shown as %q, %d with plain numbers", n, c.one, want)
			}
		})
	}
}

func countRule(diags []rules.Diagnostic, rule string) int {
	n := 0
	for _, d := range diags {
		if d.Rule == rule {
			n++
		}
	}
	return n
}

// TestSheetsDisplayTextOfDatesLinksChips: a date comes as the locale shows
// it, a =HYPERLINK or a smart chip as its display text — never the address,
// the "@" placeholder or a serial number.
func TestSheetsDisplayTextOfDatesLinksChips(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	h.fake.SetDate(sheetTitle, 1, 0, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), "")
	h.fake.SetDate(sheetTitle, 1, 1, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), `"от "dd.mm.yyyy`)
	h.fake.SetLink(sheetTitle, 1, 2, "Портал госуслуг", "https://www.gosuslugi.ru/")
	h.fake.SetPersonChip(sheetTitle, 1, 3, "Иванова Мария Петровна", "ivanova@example.ru")
	h.fake.SetLinkChip(sheetTitle, 1, 4, "Регламент.docx", "https://docs.google.com/document/d/1x")
	snap, err := h.src.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for col, want := range []string{"04.12.2026", "от 04.12.2026", "Портал госуслуг", "Иванова Мария Петровна", "Регламент.docx"} {
		if got := snap.Grid.Value(1, col); got != want {
			t.Errorf("%s = %q, want %q", rules.Ref{Row: 1, Col: col}.A1(), got, want)
		}
	}
}

// TestSheetsEmptyRowsBeyondLimit: a sheet whose formatting runs 201,000
// rows down (borders or validation on whole columns) lists them all as
// empty rowData; that is no reason to refuse it. Content beyond the limit is.
func TestSheetsEmptyRowsBeyondLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 201,000-row response")
	}
	g := rules.SampleGrid()
	h := newSheetsHarness(t, g, nil)
	h.fake.SetFormattedRows(sheetTitle, MaxRows+1_000)
	snap, err := h.src.Fetch(context.Background())
	if err != nil {
		t.Fatalf("empty formatted rows refused: %v", err)
	}
	if len(snap.Grid.Cells) != len(h.fake.Grid(sheetTitle).Cells) || snap.Hash != HashGrid(h.fake.Grid(sheetTitle)) {
		t.Fatalf("grid of %d rows, sheet has %d", len(snap.Grid.Cells), len(h.fake.Grid(sheetTitle).Cells))
	}
	h.fake.SetValue(sheetTitle, MaxRows+10, 1, "забытая строка")
	if _, err := h.src.Fetch(context.Background()); err == nil {
		t.Fatal("a value beyond the row limit accepted")
	}
}
