package rules

import "testing"

// TestCoveredCells: every cell under a merge but its top-left is covered;
// merges reaching past the grid, or starting outside it, cost nothing.
func TestCoveredCells(t *testing.T) {
	g := Grid{Cells: make([][]Cell, 6)}
	for i := range g.Cells {
		g.Cells[i] = make([]Cell, 4)
	}
	g.Merges = []Range{
		{Row0: 1, Col0: 0, Row1: 3, Col1: 0},     // № over three rows
		{Row0: 4, Col0: 2, Row1: 100, Col1: 9},   // runs past the grid
		{Row0: 500, Col0: 0, Row1: 600, Col1: 3}, // outside it
		{Row0: -3, Col0: -1, Row1: 0, Col1: 1},   // nonsense coordinates
		{Row0: 0, Col0: 3, Row1: 0, Col1: 3},     // a single cell
	}
	s := coveredCells(&g)
	want := map[[2]int]bool{{2, 0}: true, {3, 0}: true, {4, 3}: true, {5, 2}: true, {5, 3}: true, {0, 0}: true, {0, 1}: true}
	for r := -1; r < 8; r++ {
		for c := -1; c < 6; c++ {
			if got := s.has(r, c); got != want[[2]int{r, c}] {
				t.Errorf("has(%d,%d) = %v, want %v", r, c, got, want[[2]int{r, c}])
			}
		}
	}
}
