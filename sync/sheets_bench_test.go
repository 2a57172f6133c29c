package sync

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// BenchmarkSheetsCycle10k measures one full cycle (fetch + lint + plan +
// write) against the fake holding a 10,000-row registry, and reports the
// requests each cycle made.
//
//	unchanged: the notes are in place, nothing to write (1 request)
//	changed:   a person edits 10 cells each cycle, so their notes change
func BenchmarkSheetsCycle10k(b *testing.B) {
	benchmarkSheetsCycle(b, 10_000)
}

// BenchmarkSheetsFetchSample is one read of the small sample registry.
func BenchmarkSheetsFetchSample(b *testing.B) {
	h := newSheetsHarness(b, rules.SampleGrid(), nil)
	ctx := context.Background()
	if _, err := h.src.Fetch(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := h.src.Fetch(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkSheetsCycle(b *testing.B, rows int) {
	g := rules.SyntheticGrid(rows)
	for _, mode := range []string{"unchanged", "changed"} {
		b.Run(mode, func(b *testing.B) {
			h := newSheetsHarness(b, g, nil)
			if _, err := h.cycle(now0); err != nil { // notes in place
				b.Fatal(err)
			}
			h.fake.ResetCounts()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if mode == "changed" {
					b.StopTimer()
					for k := 0; k < 10; k++ { // ten touchpoints renamed off the vocabulary
						row := 3 + 4*((i*10+k)%(rows/4))
						h.fake.SetValue(sheetTitle, row, 2, "Кабинеты клиентов "+strconv.Itoa(i%3))
					}
					b.StartTimer()
				}
				changes, err := h.cycle(now0.Add(time.Duration(i) * time.Minute))
				if err != nil {
					b.Fatal(err)
				}
				if mode == "unchanged" && len(changes) != 0 || mode == "changed" && len(changes) == 0 {
					b.Fatalf("%s cycle planned %d changes", mode, len(changes))
				}
			}
			b.StopTimer()
			c := h.fake.Counts()
			b.ReportMetric(float64(c["get"]+c["batchUpdate"]+c["values.get"])/float64(b.N), "requests/cycle")
			b.ReportMetric(float64(c["batchUpdate"])/float64(b.N), "writes/cycle")
		})
	}
}
