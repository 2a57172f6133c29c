package sync

import (
	"context"
	"io"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/rules"
)

// Source is where one registry lives. Fetch reads the whole table sheet in
// one request; WriteNotes applies only the note changes planned from the
// snapshot it was given (and may refuse when the sheet moved since).
type Source interface {
	Fetch(ctx context.Context) (*Snapshot, error)
	WriteNotes(ctx context.Context, snap *Snapshot, changes []NoteChange) error
	// Link is a URL (or path) that opens the cell for a person, "" if none.
	Link(ref rules.Ref) string
	// String names the source in logs; it never contains credentials.
	String() string
}

// Prober is a Source that can tell, more cheaply than a Fetch, that its
// data has not moved since a snapshot: the daemon asks it first in every
// cycle and fetches only when it says no.
type Prober interface {
	// Unchanged reports whether a Fetch now would return a snapshot with
	// this hash. false means "fetch to find out", never "changed for sure".
	Unchanged(ctx context.Context, hash string) (bool, error)
}

// quietIfNil is log, or a logger that discards everything when log is nil.
func quietIfNil(log logrus.FieldLogger) logrus.FieldLogger {
	if log != nil {
		return log
	}
	l := logrus.New()
	l.Out = io.Discard
	return l
}

// Snapshot is one read of a source.
type Snapshot struct {
	Grid rules.Grid
	// Hash is a content hash of the grid (values, notes, merges) so the
	// daemon can skip an unchanged cycle.
	Hash string
}

// NoteChange replaces the note of one cell: Old is what the snapshot held,
// New is the full new note ("" deletes the note).
type NoteChange struct {
	Ref rules.Ref
	Old string
	New string
}
