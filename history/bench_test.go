package history

import (
	"fmt"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// BenchmarkDiff compares a generated registry with a copy where every
// tenth touchpoint changed kind, at 100 to 100,000 rows; ns/row is reported.
func BenchmarkDiff(b *testing.B) {
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		b.Fatal(err)
	}
	for _, rows := range []int{100, 1000, 10000, 100000} {
		old, _ := rules.Parse(rules.SyntheticGrid(rows), p)
		new, _ := rules.Parse(rules.SyntheticGrid(rows), p)
		changed := 0
		for i := range new.Processes {
			if i%10 == 0 && len(new.Processes[i].Touchpoints) > 0 {
				new.Processes[i].Touchpoints[0].Kind = "Офлайн точка"
				changed++
			}
		}
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				if got := len(Diff(old, new, p)); got != changed {
					b.Fatalf("%d changes, want %d", got, changed)
				}
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
		})
	}
}
