package daemon

import (
	"context"
	"testing"

	"github.com/sirupsen/logrus"

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
