package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/rules"
)

// TestProcessNumbersTypedAsNumbers: staff format graph 1 as "0.00" and
// type the process numbers as numbers; Google hands back «1,00», «2,00» …
// as the sheet shows them. The daemon reads them as processes 1, 2, … —
// the registry is published, nothing in graph 1 gets a note — exactly as
// with the numbers typed as text.
// The source passes the displayed text on; the parser reads it (issue 17).
func TestProcessNumbersTypedAsNumbers(t *testing.T) {
	w := newWorld(t)
	g := rules.SampleGrid()
	graphRow := -1
	for r := range g.Cells {
		if g.Value(r, 0) == "1" && g.Value(r, 1) == "2" {
			graphRow = r
			break
		}
	}
	typed := 0
	for r := graphRow + 1; graphRow >= 0 && r < len(g.Cells); r++ {
		if n, err := strconv.Atoi(g.Value(r, 0)); err == nil {
			w.sheets.SetNumber(sheet, r, 0, float64(n), "0.00")
			typed++
		}
	}
	if typed < 3 || w.sheets.Value(sheet, graphRow+1, 0) != "1,00" {
		t.Fatalf("%d numbers typed; first shows %q", typed, w.sheets.Value(sheet, graphRow+1, 0))
	}
	d := w.daemon()
	res := w.cycle(d)
	if res.Outcome != daemon.OutcomePublished || res.Summary.Errors != 0 {
		var msgs []string
		for _, f := range res.Findings {
			if f.Rule == "process-number" {
				msgs = append(msgs, f.Ref.A1()+": "+f.Message)
			}
		}
		t.Fatalf("outcome %s, %d errors: %s", res.Outcome, res.Summary.Errors, strings.Join(msgs, "; "))
	}
	for r := graphRow + 1; r < len(g.Cells); r++ {
		if note := w.sheets.Note(sheet, r, 0); note != "" {
			t.Errorf("A%d got a note: %q", r+1, note)
		}
	}
}
