package daemon

import (
	"context"
	"fmt"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

// staticSource returns the same snapshot every time, so the benchmark
// measures the daemon's own work on an unchanged cycle, not the fake's.
type staticSource struct {
	*fakeSource
	snap *psync.Snapshot
}

func (s *staticSource) Fetch(context.Context) (*psync.Snapshot, error) { return s.snap, nil }

// BenchmarkUnchangedCycle is the CPU cost of a cycle whose pull returns the
// same content hash as the last one: compare hashes, retry nothing, count
// metrics, refresh the status snapshot.
func BenchmarkUnchangedCycle(b *testing.B) {
	for _, size := range []struct {
		name string
		grid rules.Grid
	}{{"sample", rules.SampleGrid()}, {"rows=1000", rules.SyntheticGrid(1000)}, {"rows=10000", rules.SyntheticGrid(10000)}} {
		b.Run(size.name, func(b *testing.B) {
			f := newFixture(b)
			f.log.SetLevel(logrus.InfoLevel) // as deployed: unchanged cycles log at debug
			fs := newFakeSource("a", size.grid)
			snap, _ := fs.Fetch(context.Background())
			f.sources["a"] = fs
			d, err := New(f.cfg, f.deps, f.log, nil)
			if err != nil {
				b.Fatal(err)
			}
			r := d.runners[0]
			r.src = &staticSource{fakeSource: fs, snap: snap}
			ctx := context.Background()
			r.cycle(ctx)
			// After the first cycle the notes were written into fs, but the
			// static source keeps serving the first snapshot: the next cycle
			// lints once more and then everything is unchanged.
			r.cycle(ctx)
			if res := r.cycle(ctx); res.Outcome != OutcomeUnchanged {
				b.Fatalf("setup: %s %+v", res.Outcome, res.Errors)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if res := r.cycle(ctx); res.Outcome != OutcomeUnchanged {
					b.Fatal(res.Outcome)
				}
			}
		})
	}
}

// BenchmarkChangedCycle is a full cycle on changed content with the real
// linter, note planner and renderers (html, pdf): pull, lint, plan notes,
// render, publish to two fake targets, keep the version in the state dir.
// One need cell flips between two wordings so every cycle publishes.
func BenchmarkChangedCycle(b *testing.B) {
	for _, rows := range []int{100, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			f := newFixture(b)
			f.log.SetLevel(logrus.InfoLevel)
			f.deps.Renderers = render.ByFormats
			f.deps.PlanNotes = psync.PlanNotes
			g := rules.SyntheticGrid(rows)
			fs := newFakeSource("a", g)
			f.sources["a"] = fs
			d, err := New(f.cfg, f.deps, f.log, nil)
			if err != nil {
				b.Fatal(err)
			}
			r, ctx := d.runners[0], context.Background()
			row, col := lastNeedCell(g)
			wordings := [2]string{"Получение консультации", "Предоставление документов"}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				fs.mu.Lock()
				fs.grid.Cells[row][col].Value = wordings[i%2]
				fs.mu.Unlock()
				if res := r.cycle(ctx); res.Outcome != OutcomePublished {
					b.Fatalf("cycle %d: %s %+v", i, res.Outcome, res.Errors)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
		})
	}
}

// lastNeedCell is the need cell (graph 4) of the grid's last row.
func lastNeedCell(g rules.Grid) (row, col int) {
	return len(g.Cells) - 1, 3
}
