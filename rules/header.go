package rules

import (
	"strings"
	"unicode/utf8"
)

// Graph indices of the official form's five columns.
const (
	colNumber = iota
	colProcess
	colTouchpoint
	colNeeds
	colKind
)

// captionMatches reports whether a normalized header cell names column spec
// i: short keys ("№", "n") must equal the cell, longer ones may appear inside.
func captionMatches(n string, keys []string) bool {
	if n == "" {
		return false
	}
	for _, k := range keys {
		if utf8.RuneCountInString(k) <= 3 {
			if n == k {
				return true
			}
		} else if strings.Contains(n, k) {
			return true
		}
	}
	return false
}

// headerColumns finds, in one row, the column of each of the form's five
// captions (-1 when absent) and how many were found.
func headerColumns(g *Grid, row int, idx *vocabIndex) (cols [5]int, found int) {
	for i := range cols {
		cols[i] = -1
	}
	norm := make([]string, len(g.Cells[row]))
	for c, cell := range g.Cells[row] {
		if cell.Value != "" {
			norm[c] = Normalize(cell.Value)
		}
	}
	for i, keys := range idx.captionKeys {
		for c, n := range norm {
			if !used(cols, c) && captionMatches(n, keys) {
				cols[i] = c
				found++
				break
			}
		}
	}
	return cols, found
}

func used(cols [5]int, c int) bool {
	for _, x := range cols {
		if x == c {
			return true
		}
	}
	return false
}

// isHeaderRow is true for a row that carries at least three of the captions:
// enough to tell the header (and its repetition at a page break) from data.
// A row holding a process number or a template placeholder is data, even
// when its text mentions the captions' words ("[процесс 1]").
func isHeaderRow(g *Grid, row int, idx *vocabIndex) bool {
	if !headerCandidate(g, row) {
		return false
	}
	_, found := headerColumns(g, row, idx)
	return found >= 3
}

// headerCandidate is the cheap part of isHeaderRow: at least three filled
// cells, none a process number or a "[placeholder]". Most data rows stop
// here.
func headerCandidate(g *Grid, row int) bool {
	nonEmpty := 0
	for _, c := range g.Cells[row] {
		if c.Value == "" {
			continue
		}
		nonEmpty++
		v := strings.TrimSpace(c.Value)
		if IsProcessNumber(v) || strings.HasPrefix(v, "[") {
			return false
		}
	}
	return nonEmpty >= 3
}

// findHeader returns the first header row, or -1.
func findHeader(g *Grid, idx *vocabIndex) int {
	for r := range g.Cells {
		if isHeaderRow(g, r, idx) {
			return r
		}
	}
	return -1
}

// completeColumns fills captions the header lacks by position: a missing
// graph sits right after the one before it (or before the first one found).
func completeColumns(cols [5]int) [5]int {
	for i := range cols {
		if cols[i] >= 0 {
			continue
		}
		want := 0
		if i > 0 {
			want = cols[i-1] + 1
		} else {
			for j := 1; j < len(cols); j++ {
				if cols[j] >= 0 {
					want = max(0, cols[j]-j)
					break
				}
			}
		}
		for used(cols, want) {
			want++
		}
		cols[i] = want
	}
	return cols
}

// isColumnNumberRow recognises the "1 2 3 4 5" row printed under the header.
func isColumnNumberRow(g *Grid, row int, cols [5]int) bool {
	for i, c := range cols {
		if Clean(g.Value(row, c)) != string(rune('1'+i)) {
			return false
		}
	}
	return true
}
