package daemon

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

// probingSource is a fakeSource that can also answer Unchanged, as the XLSX
// source does: by comparing against what it holds now.
type probingSource struct {
	*fakeSource
	probes   int
	probeErr error
}

var _ psync.Prober = (*probingSource)(nil)

func (p *probingSource) Unchanged(_ context.Context, hash string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.probes++
	if p.probeErr != nil {
		return false, p.probeErr
	}
	return gridHash(p.grid) == hash, nil
}

func TestProberSkipsFetchOnlyWhenUnchanged(t *testing.T) {
	f := newFixture(t)
	fake := f.sources["a"]
	src := &probingSource{fakeSource: fake}
	f.deps.NewSource = func(config.Source) (psync.Source, error) { return src, nil }
	d := f.daemon()

	// Nothing processed yet: no probe, a fetch and a publish; then our own
	// notes changed the sheet, so the probe says no and the cycle lints once
	// more.
	if r := f.once(d); r.Outcome != OutcomePublished || src.probes != 0 {
		t.Fatalf("first cycle: %+v, %d probes", r, src.probes)
	}
	f.clock.Add(time.Minute)
	if r := f.once(d); r.Outcome != OutcomeUpToDate {
		t.Fatalf("second cycle: %+v", r)
	}
	fetches, probes := fake.fetches, src.probes
	for range 3 {
		f.clock.Add(time.Minute)
		r := f.once(d)
		if r.Outcome != OutcomeUnchanged || r.Linted || r.GridHash == "" || len(r.Findings) != 15 {
			t.Fatalf("unchanged cycle: %+v", r)
		}
	}
	if fake.fetches != fetches || src.probes != probes+3 {
		t.Errorf("unchanged cycles: %d fetches, %d probes; want 0 fetches, 3 probes", fake.fetches-fetches, src.probes-probes)
	}
	if got := d.runners[0].state.LastPull; !got.Equal(f.clock.Now()) {
		t.Errorf("last pull %v, want %v", got, f.clock.Now())
	}

	// An edit: the probe says no, the cycle fetches and publishes.
	f.clock.Add(24 * time.Hour)
	fake.set(func(g *rules.Grid) { g.Cells[5][2].Value = "СЭД" })
	if r := f.once(d); r.Outcome != OutcomePublished || r.Version != 2 || fake.fetches != fetches+1 {
		t.Fatalf("edit: %+v, %d fetches", r, fake.fetches-fetches)
	}

	// A probe error is a fetch error of the cycle.
	src.probeErr = errors.New("файл не найден")
	f.clock.Add(time.Minute)
	if r := f.once(d); r.Outcome != OutcomeError || len(r.Errors) != 1 || r.Errors[0].Kind != "fetch" {
		t.Fatalf("probe error: %+v", r)
	}
}

func TestMemoryReleasedOnlyAfterWork(t *testing.T) {
	f := newFixture(t)
	d := f.daemon()
	releases := 0
	d.release = func() { releases++ }
	r := d.runners[0]
	want := []struct {
		outcome  Outcome
		releases int
	}{
		{OutcomePublished, 1}, // lint, render, publish
		{OutcomeUpToDate, 2},  // our notes: one more lint
		{OutcomeUnchanged, 2}, // idle: nothing to hand back
		{OutcomeUnchanged, 2},
	}
	for i, w := range want {
		f.clock.Add(time.Minute)
		d.safeCycle(context.Background(), r)
		if got := r.last.Outcome; got != w.outcome || releases != w.releases {
			t.Errorf("cycle %d: %s with %d releases, want %s with %d", i+1, got, releases, w.outcome, w.releases)
		}
	}
}
