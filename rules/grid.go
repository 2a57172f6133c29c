package rules

import (
	"fmt"
	"strconv"
)

// Cell is one cell of a sheet as a source delivers it: the formatted value a
// person sees and the cell's note (comment), if any.
type Cell struct {
	Value string `json:"value,omitempty"`
	Note  string `json:"note,omitempty"`
}

// Range is a rectangle of cells, 0-based and inclusive on both ends.
type Range struct {
	Row0 int `json:"row0"`
	Col0 int `json:"col0"`
	Row1 int `json:"row1"`
	Col1 int `json:"col1"`
}

// Contains reports whether the cell (row, col) lies in the range.
func (r Range) Contains(row, col int) bool {
	return row >= r.Row0 && row <= r.Row1 && col >= r.Col0 && col <= r.Col1
}

// Grid is what every source produces: one sheet's cells (row-major, 0-based,
// rows may be ragged) and its merged ranges.
type Grid struct {
	Sheet  string   `json:"sheet"`
	Cells  [][]Cell `json:"cells"`
	Merges []Range  `json:"merges,omitempty"`
}

// At returns the cell at (row, col) or the zero Cell outside the grid.
func (g *Grid) At(row, col int) Cell {
	if row < 0 || row >= len(g.Cells) || col < 0 || col >= len(g.Cells[row]) {
		return Cell{}
	}
	return g.Cells[row][col]
}

// Value is a shorthand for At(row, col).Value.
func (g *Grid) Value(row, col int) string { return g.At(row, col).Value }

// Width is the number of columns of the widest row.
func (g *Grid) Width() int {
	w := 0
	for _, r := range g.Cells {
		if len(r) > w {
			w = len(r)
		}
	}
	return w
}

// Ref points at one cell of a sheet; Row and Col are 0-based.
type Ref struct {
	Sheet string `json:"sheet,omitempty"`
	Row   int    `json:"row"`
	Col   int    `json:"col"`
}

// A1 is the cell's address in A1 notation ("C22").
func (r Ref) A1() string { return ColumnName(r.Col) + strconv.Itoa(r.Row+1) }

// String is the address with its sheet ("Перечень!C22").
func (r Ref) String() string {
	if r.Sheet == "" {
		return r.A1()
	}
	return r.Sheet + "!" + r.A1()
}

// ColumnName turns a 0-based column index into its letters (0 → "A", 26 → "AA").
func ColumnName(col int) string {
	if col < 0 {
		return "?"
	}
	name := ""
	for col >= 0 {
		name = string(rune('A'+col%26)) + name
		col = col/26 - 1
	}
	return name
}

// ParseA1 parses "C22" into a 0-based row and column.
func ParseA1(a1 string) (row, col int, err error) {
	i := 0
	col = 0
	for i < len(a1) && a1[i] >= 'A' && a1[i] <= 'Z' {
		col = col*26 + int(a1[i]-'A') + 1
		i++
	}
	if i == 0 || i == len(a1) {
		return 0, 0, fmt.Errorf("bad cell reference %q", a1)
	}
	n, err := strconv.Atoi(a1[i:])
	if err != nil || n < 1 {
		return 0, 0, fmt.Errorf("bad cell reference %q", a1)
	}
	return n - 1, col - 1, nil
}

// Span is the rectangle of cells an element of the registry came from.
type Span struct {
	First Ref `json:"first"`
	Last  Ref `json:"last"`
}
