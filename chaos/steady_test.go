package chaos

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	psync "github.com/perechen-oiv/perechen/sync"
)

// steadyStats counts what the daemon did while a person kept editing.
type steadyStats struct {
	edits, cycles, changed, allWritten, planned, written, noteErrors int
}

func (s steadyStats) share() float64 { return float64(s.allWritten) / float64(max(s.changed, 1)) }

// TestSteadyEditing measures how many changed cycles get their notes
// written while a person edits the sheet steadily: one edit per period, a
// kind cell of a random row toggled between a valid and an invalid label
// (so every cycle has notes to change), the daemon's cycles back to back
// under the account's quota (60 reads and 60 writes per window). The
// default suite runs the clock ten times faster (a 6 s quota window, an
// edit every 100 ms) for STEADY_DURATION or 8 s; `make chaos` runs it at
// real speed (STEADY_SCALE=1: the 61 s window, an edit every second).
func TestSteadyEditing(t *testing.T) {
	if testing.Short() {
		t.Skip("timed run")
	}
	dur := durationEnv(t, "STEADY_DURATION")
	window, period := 6*time.Second+100*time.Millisecond, 100*time.Millisecond
	if os.Getenv("STEADY_SCALE") == "1" {
		window, period = time.Minute+time.Second, time.Second
	}
	if dur == 0 {
		dur = 8 * time.Second
	}
	w := newWorld(t)
	rg := newRig(t, w, t.TempDir(), sheetsTuning{timeout: 5 * time.Second, retries: 2, limiter: psync.NewQuotaWindow(60, window)})
	if res := rg.d.RunOnce(context.Background())[0]; failed(res) {
		t.Fatalf("first cycle: %s %+v", res.Outcome, res.Errors)
	}
	st := steadyStats{}
	rows := []int{5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}
	original := map[int]string{}
	for _, r := range rows {
		original[r] = w.value(r, 4)
	}
	ctx, cancel := context.WithCancel(context.Background())
	editorDone := make(chan struct{})
	go func() {
		defer close(editorDone)
		rnd := rand.New(rand.NewPCG(5, 6))
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			r := rows[rnd.IntN(len(rows))]
			v := "цифровой канал"
			if w.value(r, 4) != original[r] {
				v = original[r]
			}
			w.edit(r, 4, v)
			st.edits++ // only this goroutine writes it until editorDone
		}
	}()
	for end := time.Now().Add(dur); time.Now().Before(end); {
		res := rg.d.RunOnce(context.Background())[0]
		st.cycles++
		if lost, _, changed := w.check(); lost+changed > 0 {
			t.Errorf("cycle %d: %d human notes lost, %d values changed", st.cycles, lost, changed)
		}
		for _, e := range res.Errors {
			if e.Kind == "notes" {
				st.noteErrors++
			}
		}
		if !res.Linted || res.NotesPlanned == 0 {
			continue
		}
		st.changed++
		st.planned += res.NotesPlanned
		st.written += res.NotesWritten
		if res.NotesWritten == res.NotesPlanned {
			st.allWritten++
		}
	}
	cancel()
	<-editorDone
	t.Logf("STEADY run %s (an edit every %s, quota 60 per %s): %d edits, %d cycles, %d changed; "+
		"all notes written in %d of them (%.0f%%); notes written %d of %d planned; cycles with a notes error %d",
		dur, period, window, st.edits, st.cycles, st.changed, st.allWritten, 100*st.share(), st.written, st.planned, st.noteErrors)
	if st.changed < 3 {
		t.Fatalf("only %d changed cycles: the run measured nothing", st.changed)
	}
	// The figure for the docs comes from `make chaos` (STEADY_SCALE=1); here
	// a loose bound that a loaded machine keeps and a guard that cancels
	// writes for edits elsewhere (the old 0–7 %) does not.
	if st.share() < 0.5 || st.noteErrors > 0 {
		t.Errorf("notes written in %.0f%% of changed cycles, %d notes errors", 100*st.share(), st.noteErrors)
	}
}
