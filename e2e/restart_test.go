package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
)

// TestRestartResumesHistoryAndDeadlines stops the daemon while a change
// waits behind an error, starts a new one on the same state_dir and checks
// that the pending change keeps its first-seen time and deadline, that the
// published change reaches changes.jsonl once, and that a restart with an
// unchanged sheet publishes nothing.
func TestRestartResumesHistoryAndDeadlines(t *testing.T) {
	w := newWorld(t)
	d := w.daemon()
	if res := w.cycle(d); res.Outcome != daemon.OutcomePublished {
		t.Fatalf("first cycle: %+v", res)
	}
	w.sheets.SetValue(sheet, rowA6, colA, "x")
	w.sheets.SetValue(sheet, rowA6, colC, "СЭД")
	if res := w.cycle(d); res.Outcome != daemon.OutcomeBlocked {
		t.Fatalf("edit: %s", res.Outcome)
	}
	before := w.status(d).Pending
	if len(before) == 0 {
		t.Fatal("no pending change before the restart")
	}
	if before[0].Deadline.IsZero() || before[0].FirstSeen.IsZero() {
		t.Fatalf("pending change without dates: %+v", before[0])
	}

	// Restart while blocked: the pending change and its deadline survive.
	time.Sleep(10 * time.Millisecond) // a later clock must not move FirstSeen
	d = w.daemon()
	site1, dav1 := w.siteFiles(), w.davFiles()
	res := w.cycle(d)
	if res.Outcome != daemon.OutcomeUnchanged && res.Outcome != daemon.OutcomeBlocked {
		t.Fatalf("after restart: %s", res.Outcome)
	}
	after := w.status(d).Pending
	if len(after) != len(before) {
		t.Fatalf("pending after restart: %d, before: %d", len(after), len(before))
	}
	for i := range before {
		if !after[i].FirstSeen.Equal(before[i].FirstSeen) || !after[i].Deadline.Equal(before[i].Deadline) || after[i].Text() != before[i].Text() {
			t.Errorf("pending %d changed across restart:\n before %+v\n after  %+v", i, before[i].PendingChange, after[i].PendingChange)
		}
	}
	if !sameFiles(w.siteFiles(), site1) || !sameFiles(w.davFiles(), dav1) {
		t.Errorf("restart while blocked changed the site")
	}

	// Fix and publish: the change is logged with its original dates.
	w.sheets.SetValue(sheet, rowA6, colA, "1")
	if res := w.cycle(d); res.Outcome != daemon.OutcomePublished || res.Version != 2 {
		t.Fatalf("fix: %+v", res)
	}
	log1, bad, err := daemon.ReadChangeLog(w.stateDir, "mimp")
	if err != nil || len(bad) != 0 || len(log1) == 0 {
		t.Fatalf("changes.jsonl: %d entries, bad lines %v, %v", len(log1), bad, err)
	}
	var found bool
	for _, e := range log1 {
		if e.Version == 2 && e.FirstSeen.Equal(before[0].FirstSeen) && e.Deadline.Equal(before[0].Deadline) && strings.Contains(e.Text(), "СЭД") {
			found = true
		}
	}
	if !found {
		t.Errorf("changes.jsonl lacks the C6 change with its first-seen date: %+v", log1)
	}

	// Restart with the sheet unchanged: nothing is republished and the
	// history is the same.
	d = w.daemon()
	site2, dav2 := w.siteFiles(), w.davFiles()
	mtime := modTime(t, w.site+"/index.html")
	w.sheets.ResetCounts()
	w.dav.ResetCounts()
	res = w.cycle(d)
	if res.Outcome != daemon.OutcomeUnchanged && res.Outcome != daemon.OutcomeUpToDate || len(res.Published) != 0 || res.Version != 2 {
		t.Fatalf("restart, unchanged: %+v", res)
	}
	if w.dav.Writes() != 0 || !sameFiles(w.siteFiles(), site2) || !sameFiles(w.davFiles(), dav2) || !modTime(t, w.site+"/index.html").Equal(mtime) {
		t.Errorf("restart republished an unchanged version (dav writes %d)", w.dav.Writes())
	}
	if w.sheets.Count("batchUpdate") != 0 {
		t.Errorf("restart rewrote notes")
	}
	log2, _, _ := daemon.ReadChangeLog(w.stateDir, "mimp")
	if len(log2) != len(log1) {
		t.Errorf("history changed across an idle restart: %d → %d entries", len(log1), len(log2))
	}
	if st := w.status(d); st.Version == nil || st.Version.Number != 2 || len(st.Pending) != 0 || st.Targets[0].Version != 2 || st.Targets[1].Version != 2 {
		t.Errorf("status after restart: %+v", st)
	}
}

func modTime(t *testing.T, path string) time.Time {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime()
}

// TestReloadBadConfigKeepsRunning drives Daemon.Run through the reload
// channel (what SIGHUP feeds in cmd/perechen) with the config file loader:
// a broken file and a config whose source cannot open keep the old
// configuration running; a good one is applied.
func TestReloadBadConfigKeepsRunning(t *testing.T) {
	w := newWorld(t)
	d := w.daemon()
	ctx, cancel := context.WithCancel(context.Background())
	reload := make(chan os.Signal, 1)
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, reload, w.load) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	waitFor(t, "first publish", func() bool { st := w.status(d); return st.Version != nil && st.Version.Number == 1 })

	hup := func(yaml string) {
		t.Helper()
		mustWrite(t, w.cfgPath, []byte(yaml))
		n := strings.Count(w.logs.String(), "configuration re")
		reload <- os.Interrupt // any value: the channel is the signal
		waitFor(t, "reload handled", func() bool { return strings.Count(w.logs.String(), "configuration re") > n })
	}

	// 1. Not YAML the config accepts: unknown key.
	hup(w.configYAML("") + "bogus_key: 1\n")
	if !strings.Contains(w.logs.String(), "keeping the old configuration") {
		t.Fatalf("bad config not reported:\n%s", w.logs)
	}
	// 2. Valid YAML, but the source cannot open (credentials missing).
	bad := strings.Replace(w.configYAML(""), "credentials.json", "missing-credentials.json", 1)
	if _, err := config.ParseEnv([]byte(bad), "bad.yaml", w.getenv); err != nil {
		t.Fatalf("the second bad config should parse: %v", err)
	}
	hup(bad)
	if c := strings.Count(w.logs.String(), "keeping the old configuration"); c != 2 {
		t.Errorf("%d reload failures logged, want 2:\n%s", c, w.logs)
	}

	// The old configuration still runs: an edit is still picked up.
	w.sheets.SetValue(sheet, rowA6, colC, "СЭД")
	waitFor(t, "version 2 after the failed reloads", func() bool {
		st := w.status(d)
		return st.Version != nil && st.Version.Number == 2 && st.Targets[1].Version == 2
	})

	// 3. A good config is applied: a second folder gets the site.
	extra := t.TempDir()
	hup(w.configYAML("      - dir: " + extra + "\n"))
	waitFor(t, "the new target gets the site", func() bool {
		_, err := os.Stat(extra + "/index.html")
		return err == nil
	})
	if st := w.status(d); len(st.Targets) != 3 {
		t.Errorf("targets after reload: %+v", st.Targets)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
