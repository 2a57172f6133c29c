//go:build measure

package daemon

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// TestMeasureIdleRSS runs the daemon with two sources (the sample and seed
// 003 registries) and the status server, lets them settle into unchanged
// cycles, and reports the process RSS, the Go heap and the time from an
// edit in the sheet to the new version on the target.
//
//	go test -tags measure -run Measure -v ./daemon
//
// The figure includes the test binary itself; the target is ≤ 30 MB.
func TestMeasureIdleRSS(t *testing.T) {
	f := newFixture(t, "a", "b")
	f.sources["b"] = newFakeSource("b", rules.Seed003Grid())
	f.cfg.Sources[1].Profile = "mimp-mo"
	f.cfg.Interval = 200 * time.Millisecond
	f.cfg.Jitter = 20 * time.Millisecond
	f.cfg.Status.Listen = "127.0.0.1:0"
	f.log.SetLevel(4) // info: what a deployment logs
	f.deps.Now = time.Now
	d := f.daemon()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, nil, nil) }()
	waitFor(t, "ready", d.Ready)

	idle := 5 * time.Second
	time.Sleep(idle)
	cycles := 0
	for _, s := range d.Statuses() {
		cycles += s.Cycles
	}
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss := vmRSS(t)
	t.Logf("idle after %s, %d cycles: RSS %.1f MB (VmRSS), Go heap in use %.1f MB, Go sys %.1f MB, goroutines %d",
		idle, cycles, float64(rss)/1024, float64(ms.HeapInuse)/(1<<20), float64(ms.Sys)/(1<<20), runtime.NumGoroutine())
	if rss > 30*1024 {
		t.Errorf("idle RSS %d kB is over the 30 MB target", rss)
	}

	// Edit → site: a cell changes; how long until the target has the new version?
	var total time.Duration
	const edits = 5
	for i := range edits {
		before := f.targets["a"][0].count()
		start := time.Now()
		f.sources["a"].set(func(g *rules.Grid) {
			g.Cells[5][2].Value = []string{"СЭД", "Система учёта заявок"}[i%2]
		})
		waitFor(t, "publish after edit", func() bool { return f.targets["a"][0].count() > before })
		total += time.Since(start)
	}
	t.Logf("edit → site (interval %s, jitter %s): mean %s over %d edits (edits land just after a cycle, so ≈ interval + jitter/2 + one cycle; a real deployment adds the Sheets read and the upload)",
		f.cfg.Interval, f.cfg.Jitter, (total / edits).Round(time.Millisecond), edits)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// vmRSS reads the resident set size of this process in kB.
func vmRSS(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(l)[1])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
