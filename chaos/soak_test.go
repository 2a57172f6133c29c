package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

// TestSoak runs 50 sources of one service account (50 sheets of one
// spreadsheet, one shared quota) in the real daemon loop for SOAK_DURATION
// (default 5 s) while staff edit random sheets, then a quiet phase: heap
// and RSS stay flat, an unchanged cycle costs exactly one read, and no
// goroutine outlives the daemon.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak")
	}
	dur := durationEnv(t, "SOAK_DURATION")
	if dur == 0 {
		dur = 5 * time.Second
	}
	const sources = 50
	goroutinesBefore, leakBaseline := runtime.NumGoroutine(), goleak.IgnoreCurrent()
	f := sheetsfake.New(nil)
	g := rules.SampleGrid()
	titles := make([]string, sources)
	for i := range titles {
		titles[i] = fmt.Sprintf("Перечень %02d", i+1)
		sg := g
		sg.Sheet = titles[i]
		f.LoadGrid(sg)
	}
	creds := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(creds, f.CredentialsJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	var y strings.Builder
	fmt.Fprintf(&y, "interval: 200ms\njitter: 100ms\nstate_dir: %s\nshutdown_timeout: 5s\nstatus: {listen: \"off\"}\nsources:\n", filepath.Join(root, "state"))
	for i, title := range titles {
		fmt.Fprintf(&y, "  - name: s%02d\n    organisation: Орган %d\n    google_sheets: {spreadsheet_id: %q, sheet: %q, credentials: %q, endpoint: %q}\n"+
			"    formats: [html, pdf, csv, json]\n    publish: [{dir: {path: %q, keep: 2}}]\n",
			i+1, i+1, f.ID, title, creds, f.URL, filepath.Join(root, "site", strconv.Itoa(i+1)))
	}
	cfg, err := config.ParseEnv([]byte(y.String()), "soak.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	w := &world{fake: f}
	deps := realDeps(w, sheetsTuning{timeout: 10 * time.Second, retries: 2, quotas: psync.NewQuotaSet(100_000)})
	d, err := daemon.New(cfg, deps, nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	cycles := func() int {
		n := 0
		for _, s := range d.Statuses() {
			n += s.Cycles
		}
		return n
	}
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- d.Run(ctx, nil, nil) }()

	// Warm up: every source has linted, noted and published once.
	for deadline := time.Now().Add(60 * time.Second); !d.Ready(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("sources not ready within 60 s")
		}
	}
	// settle waits until every source has run two more cycles and the
	// last one found its sheet unchanged: no work in flight.
	settle := func() {
		var base []int
		for _, s := range d.Statuses() {
			base = append(base, s.Cycles)
		}
		for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
			calm := true
			for i, s := range d.Statuses() {
				calm = calm && s.Cycles >= base[i]+2 && s.Last != nil && s.Last.Outcome == daemon.OutcomeUnchanged
			}
			if calm {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("sources did not settle within 2 minutes")
			}
		}
	}
	settle()
	heap0, rss0 := memory()
	c0, gets0 := cycles(), f.Count("get")
	// Busy phase: staff edit a random sheet every 100 ms.
	rnd := rand.New(rand.NewPCG(3, 4))
	edits := 0
	for end := time.Now().Add(dur); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		edits++
		f.SetValue(titles[rnd.IntN(sources)], 5, 2, fmt.Sprintf("Система учёта заявок (ред. %d)", edits))
	}
	busyCycles, busyGets := cycles()-c0, f.Count("get")-gets0
	// Quiet phase: once the last edits are processed, count.
	settle()
	c1, gets1, writes1 := cycles(), f.Count("get"), f.Count("batchUpdate")
	time.Sleep(max(dur/5, time.Second))
	quietCycles, quietGets, quietWrites := cycles()-c1, f.Count("get")-gets1, f.Count("batchUpdate")-writes1
	heap1, rss1 := memory()

	cancel()
	if err := <-runErr; err != nil {
		t.Errorf("Run: %v", err)
	}
	f.Close()
	goroutinesAfter := runtime.NumGoroutine()
	goleak.VerifyNone(t, leakBaseline)
	t.Logf("SOAK %s, %d sources: %d cycles (%d busy with %d edits, %d quiet), reads per busy cycle %.2f, "+
		"reads per quiet cycle %.3f (%d/%d, writes %d), heap %.1f → %.1f MiB, RSS %.1f → %.1f MiB, goroutines %d before, %d after shutdown",
		dur, sources, cycles(), busyCycles, edits, quietCycles, float64(busyGets)/float64(max(busyCycles, 1)),
		float64(quietGets)/float64(max(quietCycles, 1)), quietGets, quietCycles, quietWrites, mib(heap0), mib(heap1), mib(rss0), mib(rss1),
		goroutinesBefore, goroutinesAfter)
	// A cycle counts when it ends, its read when it starts: at each end of
	// the phase up to one cycle per source is in flight.
	if quietCycles == 0 || quietGets > quietCycles+sources || quietGets < quietCycles-sources || quietWrites != 0 {
		t.Errorf("quiet phase: %d reads and %d writes for %d unchanged cycles; want one read each (±%d in flight)",
			quietGets, quietWrites, quietCycles, sources)
	}
	if heap1 > heap0*3/2+4<<20 {
		t.Errorf("heap grew from %.1f to %.1f MiB", mib(heap0), mib(heap1))
	}
}

// memory is the live heap after a GC and the process RSS, in bytes.
func memory() (heap, rss uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			rss = kb << 10
		}
	}
	return m.HeapAlloc, rss
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
