package daemon

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/perechen-oiv/perechen/config"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func statusOf(d *Daemon, name string) (SourceStatus, bool) {
	for _, s := range d.Statuses() {
		if s.Name == name {
			return s, true
		}
	}
	return SourceStatus{}, false
}

func TestLoopRunsEachSourceAndReloads(t *testing.T) {
	f := newFixture(t, "a", "b")
	f.cfg.Interval = 20 * time.Millisecond
	f.cfg.Jitter = 5 * time.Millisecond
	d := f.daemon()
	ctx, cancel := context.WithCancel(context.Background())
	hup := make(chan os.Signal, 1)
	var next *config.Config
	var loadErr error
	load := func() (*config.Config, error) { return next, loadErr }
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, hup, load) }()

	waitFor(t, "both sources cycled", func() bool { return d.Ready() })
	waitFor(t, "several cycles of a", func() bool { s, _ := statusOf(d, "a"); return s.Cycles >= 3 })

	// SIGHUP with a bad config: the daemon keeps running the old one.
	loadErr = errors.New("config.yaml:3: intervall: unknown key")
	hup <- syscall.SIGHUP
	waitFor(t, "the reload failure logged", func() bool { return hasLog(f, "configuration reload failed") })
	before, _ := statusOf(d, "a")
	waitFor(t, "a keeps cycling after a bad reload", func() bool { s, _ := statusOf(d, "a"); return s.Cycles > before.Cycles })

	// A factory failure on reload also keeps the old configuration.
	loadErr = nil
	bad := *f.cfg
	bad.Sources = append([]config.Source{}, f.cfg.Sources...)
	bad.Sources = append(bad.Sources, f.sourceCfg("c"))
	bad.Sources[2].Formats = []string{"bogus"}
	next = &bad
	hup <- syscall.SIGHUP
	waitFor(t, "second failure logged", func() bool {
		n := 0
		for _, e := range f.logs.AllEntries() {
			if e.Message == "configuration reload failed; keeping the old configuration" {
				n++
			}
		}
		return n == 2
	})
	if _, ok := statusOf(d, "c"); ok {
		t.Fatal("half-applied reload: c is running")
	}

	// A good config: b removed, c added, a changed (organisation).
	good := *f.cfg
	good.Sources = []config.Source{f.sourceCfg("a"), f.sourceCfg("c")}
	good.Sources[0].Organisation = "Новое название"
	next = &good
	hup <- syscall.SIGHUP
	waitFor(t, "c running and a restarted", func() bool {
		c, okc := statusOf(d, "c")
		a, _ := statusOf(d, "a")
		_, okb := statusOf(d, "b")
		return okc && c.Cycles > 0 && !okb && a.Organisation == "Новое название" && a.Cycles > 0
	})
	// a kept its history across the restart.
	a, _ := statusOf(d, "a")
	if a.Version == nil || a.Version.Number < 1 {
		t.Errorf("a lost its state: %+v", a.Version)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestGracefulShutdownAbandonsStuckCycle(t *testing.T) {
	f := newFixture(t)
	f.cfg.ShutdownTimeout = 50 * time.Millisecond
	f.sources["a"].block = make(chan struct{}) // Fetch hangs until its context ends
	d := f.daemon()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, nil, nil) }()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the shutdown timeout")
	}
	if el := time.Since(start); el < 40*time.Millisecond {
		t.Errorf("abandoned too early: %s", el)
	}
	if !hasLog(f, "abandoning") {
		t.Error("no log line about the abandoned cycle")
	}
	s, _ := statusOf(d, "a")
	if s.Last == nil || s.Last.Outcome != OutcomeError {
		t.Errorf("abandoned cycle not recorded as an error: %+v", s.Last)
	}
}

func TestNewFailsOnBadFactories(t *testing.T) {
	f := newFixture(t)
	f.newErr = errors.New("credentials file missing")
	if _, err := New(f.cfg, f.deps, f.log, nil); err == nil {
		t.Fatal("want an error")
	}
	if _, err := New(f.cfg, Deps{}, f.log, nil); err == nil {
		t.Fatal("want an error for empty deps")
	}
}

func TestStatusServerListens(t *testing.T) {
	f := newFixture(t)
	f.cfg.Status.Listen = "127.0.0.1:0"
	d := f.daemon()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, nil, nil) }()
	waitFor(t, "ready", d.Ready)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	f.cfg.Status.Listen = "256.0.0.1:1"
	d = f.daemon()
	if err := d.Run(context.Background(), nil, nil); err == nil {
		t.Fatal("want a listen error")
	}
}
