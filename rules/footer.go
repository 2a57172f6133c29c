package rules

import (
	"regexp"
	"strings"
)

// footerRe opens the lines an official document puts under its table: who
// signs it, who prepared it and how to reach them.
var footerRe = regexp.MustCompile(`^(?i:исполнитель|исп\.|министр |заместитель |начальник |руководитель |директор |председатель |подпись|согласовано|м\.п\.)|^(?i:тел\.|телефон)\s*[:.(+0-9]|^_{3,}`)

// footerStart is the first row of the lines under the table (signatures,
// «Исполнитель: …»), len(g.Cells) when there are none. The table ends at
// its last row with a process number or text in graphs 3–5; what follows
// it after a blank row, or starts like a signature line, is not the
// table's, as the grif and signatures above the header are not.
func footerStart(g *Grid, from int, cols [5]int) int {
	end := from - 1
	for r := len(g.Cells) - 1; r >= from && end < from; r-- { // from the bottom: usually the last row is the table's
		if tableRow(g, r, cols) && !footerLine(g, r, cols) { // a signature's «____ Е.Н. Кравцова» may stand in graph 4
			end = r
		}
	}
	next := end + 1
	if next >= len(g.Cells) {
		return len(g.Cells)
	}
	if rowBlank(g, next) || footerLine(g, next, cols) {
		return next
	}
	return len(g.Cells)
}

// footerLine: a row with no touchpoint and no kind that starts like a
// signature line or holds a blank to sign on («_______________ Е.Н.
// Кравцова»).
func footerLine(g *Grid, r int, cols [5]int) bool {
	if Clean(g.Value(r, cols[colTouchpoint])) != "" || Clean(g.Value(r, cols[colKind])) != "" || IsProcessNumber(g.Value(r, cols[colNumber])) {
		return false
	}
	if footerRe.MatchString(firstText(g, r)) {
		return true
	}
	for _, c := range g.Cells[r] {
		if strings.Contains(c.Value, "____") {
			return true
		}
	}
	return false
}

// tableRow: the row has a process number or text in graphs 3–5.
func tableRow(g *Grid, r int, cols [5]int) bool {
	if IsProcessNumber(g.Value(r, cols[colNumber])) {
		return true
	}
	for _, c := range cols[colTouchpoint:] {
		if cellText(g.Value(r, c)) != "" {
			return true
		}
	}
	return false
}

func rowBlank(g *Grid, r int) bool {
	for _, c := range g.Cells[r] {
		if cellText(c.Value) != "" {
			return false
		}
	}
	return true
}

// firstText is the first non-empty text of row r.
func firstText(g *Grid, r int) string {
	for _, c := range g.Cells[r] {
		if v := strings.TrimSpace(c.Value); v != "" {
			return v
		}
	}
	return ""
}
