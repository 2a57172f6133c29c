package sync

import (
	"fmt"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// BenchmarkPlanNotes is the note diff: a registry where every tenth
// touchpoint is misspelt, linted once, then planned against its grid.
func BenchmarkPlanNotes(b *testing.B) {
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for _, rows := range []int{100, 1000, 10000, 100000} {
		g := rules.SyntheticGrid(rows)
		seen := 0
		for r := range g.Cells {
			if r >= 3 && len(g.Cells[r]) > 2 && g.Cells[r][2].Value != "" { // below the header and number rows
				if seen++; seen%10 == 0 {
					g.Cells[r][2].Value = "Кабинеты клиентов"
				}
			}
		}
		reg, diags := rules.Lint(g, p)
		if len(diags) == 0 {
			b.Fatal("no findings to plan")
		}
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				PlanNotes(g, reg, diags, now)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
		})
	}
}
