package render

import (
	"math/rand/v2"
	"testing"
)

// TestPDFPaginate checks the page-break rules on random forms: rows in order
// exactly once, pages within their height, every segment as tall as its
// text, continuation flags where a span began on an earlier page, and a
// touchpoint that fits on a page never split.
func TestPDFPaginate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 300 {
		var rows []spannedRow
		var rowH, procH, tpH []float64
		for p := range 1 + rng.IntN(12) {
			first := len(rows)
			pH := float64(1+rng.IntN(8)) * 4
			for tp := range 1 + rng.IntN(4) {
				tFirst := len(rows)
				tH := float64(1+rng.IntN(5)) * 4
				for range 1 + rng.IntN(6) {
					rows = append(rows, spannedRow{Proc: p, Tp: tp})
					rowH = append(rowH, float64(1+rng.IntN(4))*4)
					procH, tpH = append(procH, pH), append(tpH, tH)
				}
				rows[tFirst].TpFirst, rows[len(rows)-1].TpLast = true, true
			}
			rows[first].ProcFirst, rows[len(rows)-1].ProcLast = true, true
		}
		m := pdfSpanHeights{
			Row:  func(i int) float64 { return rowH[i] },
			Proc: func(i int, cont bool) float64 { return procH[i] + map[bool]float64{true: 4}[cont] },
			Tp:   func(i int, cont bool) float64 { return tpH[i] + map[bool]float64{true: 4}[cont] },
		}
		first, avail := 40.0+float64(rng.IntN(40)), 80.0+float64(rng.IntN(60))
		lay := pdfPaginate(rows, m, first, avail)
		next := 0
		for pi, pg := range lay.Pages {
			limit := avail
			if pi == 0 {
				limit = first
			}
			total := 0.0
			for k, i := range pg.Rows {
				if i != next {
					t.Fatalf("iter %d page %d: row %d, want %d", iter, pi, i, next)
				}
				next++
				total += pg.Heights[k]
				if pg.Heights[k] < rowH[i] {
					t.Fatalf("iter %d: row %d shrank", iter, i)
				}
			}
			if total > limit+1e-9 && len(pg.Rows) > 1 {
				t.Errorf("iter %d page %d: %.1f mm of rows on a %.1f mm page", iter, pi, total, limit)
			}
			check := func(kind string, segs []pdfSeg, first func(i int) bool, need func(int, bool) float64) {
				covered := 0
				for _, s := range segs {
					h := 0.0
					for k := s.First; k <= s.Last; k++ {
						h += pg.Heights[k]
					}
					i := pg.Rows[s.First]
					if s.Cont == first(i) {
						t.Errorf("iter %d page %d: %s segment at row %d cont=%v", iter, pi, kind, i, s.Cont)
					}
					if h+1e-9 < need(i, s.Cont) {
						t.Errorf("iter %d page %d: %s segment %.1f mm, its text needs %.1f", iter, pi, kind, h, need(i, s.Cont))
					}
					covered += s.Last - s.First + 1
				}
				if covered != len(pg.Rows) {
					t.Errorf("iter %d page %d: %s segments cover %d of %d rows", iter, pi, kind, covered, len(pg.Rows))
				}
			}
			check("process", pg.Procs, func(i int) bool { return rows[i].ProcFirst }, m.Proc)
			check("touchpoint", pg.Tps, func(i int) bool { return rows[i].TpFirst }, m.Tp)
			// a touchpoint continued from the previous page must not have fitted on this one whole
			for _, s := range pg.Tps {
				if !s.Cont {
					continue
				}
				i := pg.Rows[s.First]
				start := i
				for !rows[start].TpFirst {
					start--
				}
				h := 0.0
				for j := start; j < len(rows) && (j == start || !rows[j].TpFirst); j++ {
					h += rowH[j]
				}
				if max(h, tpH[start])+max(0, procH[start]-max(h, tpH[start])) <= avail-20 && pi > 0 && start != lay.Pages[pi-1].Rows[0] {
					t.Errorf("iter %d page %d: touchpoint at row %d (%.1f mm) split though it fits a page", iter, pi, start, h)
				}
			}
		}
		if next != len(rows) {
			t.Fatalf("iter %d: %d of %d rows placed", iter, next, len(rows))
		}
	}
}
