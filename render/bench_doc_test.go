package render

import (
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
func BenchmarkRenderPDF(b *testing.B) { pxBench(b, NewPDF(), 10000) }

func BenchmarkRenderXLSX(b *testing.B) { pxBench(b, NewXLSX(), 10000) }
