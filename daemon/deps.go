package daemon

import (
	"errors"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

// Deps are the daemon's factories and pure helpers. cmd/perechen wires the
// real ones; tests inject fakes.
type Deps struct {
	// NewSource opens a source (Google Sheets or XLSX) for one config entry;
	// the source logs through log (retries, notes written, writes skipped).
	NewSource func(s config.Source, log logrus.FieldLogger) (psync.Source, error)
	// NewTargets builds the publish targets of one config entry, in order.
	NewTargets func(config.Source) ([]publish.Target, error)
	// Renderers returns one renderer per format name, in the given order.
	Renderers func(formats []string) ([]render.Renderer, error)
	// PlanNotes plans the note changes for a linted grid (sync.PlanNotes).
	// Nil means notes are never written.
	PlanNotes func(g rules.Grid, reg *rules.Registry, diags []rules.Diagnostic, now time.Time) []psync.NoteChange
	// Diff classifies the changes between two registries by the profile's
	// actualization clauses (history.Diff adapted to Change). old may be nil
	// for the first version. Nil means no change tracking.
	Diff func(old, new *rules.Registry, p *rules.Profile) []Change
	// WorkingDays counts working days (the production calendar). Nil means
	// WeekdayCalendar, which ignores holidays.
	WorkingDays WorkingDays
	// LoadCalendar, when set, is called with config.Config.Calendar (if that
	// is non-empty) at start and on reload, and replaces WorkingDays.
	LoadCalendar func(path string) (WorkingDays, error)
	// Metrics, when set, is used instead of registering a new set; build it
	// with NewMetrics first when the source factory needs its RoundTripper.
	Metrics *Metrics
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// WorkingDays is the part of the production calendar the daemon needs
// (*calendar.Calendar implements it).
type WorkingDays interface {
	// AddWorkingDays returns the n-th working day after t.
	AddWorkingDays(t time.Time, n int) time.Time
	// WorkingDaysBetween counts working days after a up to and including b.
	WorkingDaysBetween(a, b time.Time) int
}

// Change is one change between two versions of a registry, classified by
// the Порядок's actualization clause; it mirrors history.Change.
type Change struct {
	Time       time.Time `json:"time"`
	Clause     string    `json:"clause"` // "5.3.1"
	Kind       string    `json:"kind"`   // "new_touchpoint", "kind_changed", …
	Process    string    `json:"process"`
	Touchpoint string    `json:"touchpoint,omitempty"`
	Before     string    `json:"before,omitempty"`
	After      string    `json:"after,omitempty"`
	// Russian is the line shown to staff (history.Change.Russian()).
	Russian string `json:"russian"`
}

// key identifies a change across cycles, regardless of when it was seen.
func (c Change) key() string {
	return c.Clause + "\x00" + c.Kind + "\x00" + c.Process + "\x00" + c.Touchpoint + "\x00" + c.Before + "\x00" + c.After
}

// Text is the Russian line, falling back to the fields when the adapter
// gave none.
func (c Change) Text() string {
	if c.Russian != "" {
		return c.Russian
	}
	s := "п. " + c.Clause + ": " + c.Process
	if c.Touchpoint != "" {
		s += " — " + c.Touchpoint
	}
	if c.Before != "" || c.After != "" {
		s += ": «" + c.Before + "» → «" + c.After + "»"
	}
	return s
}

// WeekdayCalendar treats Monday to Friday as working days. It is the
// fallback when no production calendar is wired; it does not know Russian
// holidays or transfers.
type WeekdayCalendar struct{}

var _ WorkingDays = WeekdayCalendar{}

func isWeekday(t time.Time) bool { return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday }

// AddWorkingDays returns the n-th weekday after t (same clock time).
func (WeekdayCalendar) AddWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if isWeekday(t) {
			n--
		}
	}
	return t
}

// WorkingDaysBetween counts weekdays after a's date up to and including b's
// date; negative when b is before a.
func (WeekdayCalendar) WorkingDaysBetween(a, b time.Time) int {
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	a = time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, a.Location())
	b = time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, a.Location())
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if isWeekday(d) {
			n++
		}
	}
	return sign * n
}

func (d Deps) check() error {
	var errs []error
	if d.NewSource == nil {
		errs = append(errs, errors.New("daemon: Deps.NewSource is nil"))
	}
	if d.NewTargets == nil {
		errs = append(errs, errors.New("daemon: Deps.NewTargets is nil"))
	}
	if d.Renderers == nil {
		errs = append(errs, errors.New("daemon: Deps.Renderers is nil"))
	}
	return errors.Join(errs...)
}

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}
