package render

import (
	"fmt"
	"io"
	"testing"

	"github.com/perechen-oiv/perechen/rules"
)

// benchRegistry parses rules.SyntheticGrid(rows) once per benchmark.
func pxBenchRegistry(b *testing.B, rows int) (*rules.Registry, Meta) {
	b.Helper()
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		b.Fatal(err)
	}
	reg, _ := rules.Parse(rules.SyntheticGrid(rows), p)
	return reg, Meta{Organisation: "Синтетический орган", Profile: p, VersionLabel: "версия 1"}
}

func pxBench(b *testing.B, r Renderer, rows int) {
	reg, meta := pxBenchRegistry(b, rows)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := r.Render(io.Discard, reg, meta); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(reg.Rows()), "rows")
}

// BenchmarkRenderPDF: target ≤ 1 s for 10,000 rows.
func BenchmarkRenderPDF(b *testing.B) { pxBenchSizes(b, NewPDF()) }

func BenchmarkRenderXLSX(b *testing.B) { pxBenchSizes(b, NewXLSX()) }

// pxBenchSizes shows the growth from 100 to 100,000 rows.
func pxBenchSizes(b *testing.B, r Renderer) {
	for _, rows := range []int{100, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) { pxBench(b, r, rows) })
	}
}
