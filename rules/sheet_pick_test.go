package rules

import (
	"strings"
	"testing"
)

func sheetGrid(name string, form bool) SheetCandidate {
	g := SampleGrid()
	g.Sheet = name
	if !form {
		g = GridFromTSV(name, "Инструкция по заполнению\nЗаполните лист «Перечень» по форме Порядка.\n")
	}
	return SheetCandidate{Grid: g}
}

func TestPickSheet(t *testing.T) {
	p := mustProfile(t, "oiv")
	for _, c := range []struct {
		name  string
		cands []SheetCandidate
		want  string // chosen sheet, "" for none
		says  string // part of the reason
	}{
		{"only", []SheetCandidate{sheetGrid("Лист1", true)}, "Лист1", "заголовок в строке"},
		{"instruction first", []SheetCandidate{sheetGrid("Инструкция", false), sheetGrid("Перечень", true)}, "Перечень", ""},
		{"archive first", []SheetCandidate{sheetGrid("Архив 2025", true), sheetGrid("Перечень", true)}, "Перечень", "«Архив 2025»"},
		{"draft first", []SheetCandidate{sheetGrid("Черновик", true), sheetGrid("Перечень", true)}, "Перечень", ""},
		{"latest year", []SheetCandidate{sheetGrid("Перечень 2025", true), sheetGrid("Перечень 2026", true)}, "Перечень 2026", "«Перечень 2025»"},
		{"hidden first", []SheetCandidate{{Grid: sheetGrid("Перечень", true).Grid, Hidden: true}, sheetGrid("Перечень (2)", true)}, "Перечень (2)", ""},
		{"tie takes first and says so", []SheetCandidate{sheetGrid("А", true), sheetGrid("Б", true)}, "А", "выбран первый"},
		{"none", []SheetCandidate{sheetGrid("Инструкция", false)}, "", "не найдена строка заголовка"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch := PickSheet(c.cands, p)
			got := ""
			if ch.Index >= 0 {
				got = c.cands[ch.Index].Grid.Sheet
			}
			if got != c.want || !strings.Contains(ch.Reason, c.says) {
				t.Errorf("chose %q (%s), want %q containing %q", got, ch.Reason, c.want, c.says)
			}
		})
	}
}
