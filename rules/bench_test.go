package rules

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkLint parses and lints generated registries; ns/row is reported
// so the growth from 100 to 100,000 rows can be read off directly.
func BenchmarkLint(b *testing.B) {
	p := mustProfile(b, "oiv")
	for _, rows := range []int{100, 1000, 10000, 100000} {
		g := SyntheticGrid(rows)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				Lint(g, p)
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
		})
	}
}

func TestSyntheticGridIsClean(t *testing.T) {
	reg, ds := Lint(SyntheticGrid(1000), mustProfile(t, "oiv"))
	if len(ds) != 0 {
		t.Errorf("synthetic registry has %d findings, first: %s", len(ds), ds[0].Text())
	}
	if reg.Rows() != 1000 {
		t.Errorf("rows = %d", reg.Rows())
	}
}

// TestLintLinear guards the bound: 10,000 rows well under 100 ms and
// 100,000 rows at most 12× the 10,000-row time (best of three each, so a
// busy machine does not fail it).
func TestLintLinear(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: needs -race off and a quiet machine (make bench runs it)")
	}
	p := mustProfile(t, "oiv")
	best := func(rows int) time.Duration {
		g := SyntheticGrid(rows)
		d := time.Hour
		for range 3 {
			start := time.Now()
			Lint(g, p)
			d = min(d, time.Since(start))
		}
		return d
	}
	t10k, t100k := best(10000), best(100000)
	t.Logf("10k rows: %v, 100k rows: %v (×%.1f)", t10k, t100k, float64(t100k)/float64(t10k))
	if t10k > 250*time.Millisecond { // generous under -race; the benchmark reports the real figure
		t.Errorf("10,000 rows took %v", t10k)
	}
	if t100k > 12*t10k+50*time.Millisecond {
		t.Errorf("not linear: 10k %v, 100k %v", t10k, t100k)
	}
}

// BenchmarkParse is the parser alone (BenchmarkLint adds the rules).
func BenchmarkParse(b *testing.B) {
	p := mustProfile(b, "oiv")
	for _, rows := range []int{100, 1000, 10000, 100000} {
		g := SyntheticGrid(rows)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Parse(g, p)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
		})
	}
}
