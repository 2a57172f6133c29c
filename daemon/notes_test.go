package daemon

import (
	"errors"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

// TestSheetMovedIsNotACycleError: a note write the source skipped because
// people edited the cells meanwhile is not a fault of the cycle; the notes
// written are counted, and the next cycle lints the sheet again.
func TestSheetMovedIsNotACycleError(t *testing.T) {
	for name, moved := range map[string]error{
		"some cells skipped":  &psync.MovedError{Written: 1, Skipped: []rules.Ref{{Row: 5, Col: 1}}},
		"whole write skipped": psync.ErrSheetMoved,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			d := f.daemon()
			src := f.sources["a"]
			src.notesErr = moved
			r := f.once(d)
			if len(r.Errors) != 0 || r.Outcome == OutcomeError || r.NotesPlanned == 0 {
				t.Fatalf("skipped write reported as a fault: %+v", r)
			}
			var me *psync.MovedError
			if errors.As(moved, &me) && r.NotesWritten != me.Written || !errors.As(moved, &me) && r.NotesWritten != 0 {
				t.Fatalf("notes written %d", r.NotesWritten)
			}
			if !strings.Contains(strings.Join(r.Actions, "\n"), "таблица изменилась после чтения") {
				t.Fatalf("actions %q", r.Actions)
			}
			for _, e := range f.logs.AllEntries() {
				if e.Level <= logrus.WarnLevel {
					t.Errorf("logged at %s: %s %v", e.Level, e.Message, e.Data)
				}
			}
			src.notesErr = nil
			if r := f.once(d); r.Outcome == OutcomeUnchanged || r.NotesWritten == 0 {
				t.Fatalf("the skipped notes are not written next cycle: %+v", r)
			}
		})
	}
}

// TestSourcesLogThroughTheDaemon: a source is built with the daemon's
// logger, named by the source.
func TestSourcesLogThroughTheDaemon(t *testing.T) {
	f := newFixture(t)
	open := f.deps.NewSource
	f.deps.NewSource = func(s config.Source, log logrus.FieldLogger) (psync.Source, error) {
		log.WithField("attempt", 1).Info("sheets call failed, retrying")
		return open(s, log)
	}
	f.daemon()
	for _, e := range f.logs.AllEntries() {
		if e.Message == "sheets call failed, retrying" && e.Data["source"] == "a" {
			return
		}
	}
	t.Fatal("the source's log line did not reach the daemon's logger")
}
