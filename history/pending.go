package history

import (
	"encoding/json"
	"fmt"
	"sort"
	gosync "sync"
	"time"

	"github.com/perechen-oiv/perechen/calendar"
)

// DefaultWorkingDays is the Порядок's publication period (seed 000 п. 5.5,
// seed 003 п. 5.3).
const DefaultWorkingDays = 10

// Status levels.
const (
	LevelOK      = "ok"      // nothing pending, or the deadline is not near
	LevelWarn    = "warn"    // warnDays working days or fewer are left
	LevelOverdue = "overdue" // the deadline day has passed
)

// Pending tracks the changes not yet on the site and the publication
// deadline they set: the current version must be published within N working
// days of the day a change was made, counted on the production calendar
// from the day after (see calendar.AddWorkingDays). The deadline is set by
// the earliest unpublished change. Dates are taken in the location of the
// times passed in; pass the organisation's local time (calendar.Moscow()).
//
// Pending is safe for concurrent use (the loop observes, the status page
// reads).
type Pending struct {
	cal  *calendar.Calendar
	days int

	mu            gosync.Mutex
	items         []PendingChange
	lastPublished time.Time
}

// PendingChange is one unpublished change with the time it was first seen.
type PendingChange struct {
	Change    Change    `json:"change"`
	FirstSeen time.Time `json:"first_seen"`
}

// Status is what the status page, logs and metrics show.
type Status struct {
	Pending   int       // unpublished changes
	FirstSeen time.Time // when the earliest of them was first seen
	Deadline  time.Time // the end of the last day to publish
	DaysLeft  int       // working days after today up to the deadline day; 0 on that day, negative past it
	Level     string    // LevelOK, LevelWarn or LevelOverdue
	Covered   bool      // false when the deadline falls in a year the calendar does not know (Monday–Friday assumed)
}

// NewPending returns an empty tracker counting workingDays (≤ 0: 10) on cal
// (nil: calendar.Default()).
func NewPending(cal *calendar.Calendar, workingDays int) *Pending {
	if cal == nil {
		cal = calendar.Default()
	}
	if workingDays <= 0 {
		workingDays = DefaultWorkingDays
	}
	return &Pending{cal: cal, days: workingDays}
}

// Observe records the changes between the published version and the sheet
// as seen at seenAt, i.e. history.Diff(published, current) — the complete
// set, not an increment. A change already pending keeps its first-seen
// time; a new one is first seen now; a pending change no longer in the set
// is dropped (the sheet went back to the published text, nothing is owed
// for it). Observe(nil, t) therefore clears the tracker.
func (p *Pending) Observe(changes []Change, seenAt time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	first := map[string]time.Time{}
	for _, it := range p.items {
		first[it.Change.key()] = it.FirstSeen
	}
	items := make([]PendingChange, 0, len(changes))
	seen := map[string]bool{}
	for _, c := range changes {
		k := c.key()
		if seen[k] {
			continue
		}
		seen[k] = true
		at, ok := first[k]
		if !ok {
			at = seenAt
		}
		c.Time = at
		items = append(items, PendingChange{Change: c, FirstSeen: at})
	}
	p.items = items
}

// Published records a successful publication of the sheet as it was at at:
// changes first seen at or before at are on the site now; later ones stay
// pending.
func (p *Pending) Published(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	kept := p.items[:0]
	for _, it := range p.items {
		if it.FirstSeen.After(at) {
			kept = append(kept, it)
		}
	}
	p.items = kept
	if at.After(p.lastPublished) {
		p.lastPublished = at
	}
}

// LastPublished is the time of the last Published call (zero if none).
func (p *Pending) LastPublished() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastPublished
}

// Changes lists the pending changes, earliest first.
func (p *Pending) Changes() []PendingChange {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := append([]PendingChange(nil), p.items...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].FirstSeen.Before(out[j].FirstSeen) })
	return out
}

// Deadline is the end of the last day to publish the pending changes on;
// false when nothing is pending.
func (p *Pending) Deadline() (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	first, ok := p.earliest()
	if !ok {
		return time.Time{}, false
	}
	return p.deadline(first), true
}

func (p *Pending) earliest() (time.Time, bool) {
	if len(p.items) == 0 {
		return time.Time{}, false
	}
	first := p.items[0].FirstSeen
	for _, it := range p.items[1:] {
		if it.FirstSeen.Before(first) {
			first = it.FirstSeen
		}
	}
	return first, true
}

// deadline is the last nanosecond of the N-th working day after first.
func (p *Pending) deadline(first time.Time) time.Time {
	y, m, d := p.cal.AddWorkingDays(first, p.days).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, first.Location()).Add(-time.Nanosecond)
}

// Status reports the tracker at now: warn when warnDays working days or
// fewer are left (the "N−3": warnDays 3), overdue once the deadline
// day is over.
func (p *Pending) Status(now time.Time, warnDays int) Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	first, ok := p.earliest()
	if !ok {
		return Status{Level: LevelOK, Covered: true}
	}
	deadline := p.deadline(first)
	s := Status{
		Pending:   len(p.items),
		FirstSeen: first,
		Deadline:  deadline,
		DaysLeft:  p.cal.WorkingDaysBetween(now.In(deadline.Location()), deadline),
		Covered:   p.cal.Covers(first) && p.cal.Covers(deadline),
	}
	switch {
	case now.After(deadline):
		s.Level = LevelOverdue
	case s.DaysLeft <= warnDays:
		s.Level = LevelWarn
	default:
		s.Level = LevelOK
	}
	return s
}

// pendingState is the persisted form.
type pendingState struct {
	Version       int             `json:"version"`
	WorkingDays   int             `json:"working_days"`
	LastPublished time.Time       `json:"last_published"`
	Changes       []PendingChange `json:"changes"`
}

const pendingStateVersion = 1

// MarshalJSON saves the tracker's state (not the calendar).
func (p *Pending) MarshalJSON() ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	items := p.items
	if items == nil {
		items = []PendingChange{}
	}
	return json.Marshal(pendingState{Version: pendingStateVersion, WorkingDays: p.days, LastPublished: p.lastPublished, Changes: items})
}

// UnmarshalJSON restores state saved by MarshalJSON into a tracker made by
// NewPending (its calendar and period stay). Invalid state is an error and
// leaves the tracker unchanged, so the caller can report the file and set
// it aside.
func (p *Pending) UnmarshalJSON(data []byte) error {
	var st pendingState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("pending state: %w", err)
	}
	if st.Version != pendingStateVersion {
		return fmt.Errorf("pending state: version %d, want %d", st.Version, pendingStateVersion)
	}
	for i, it := range st.Changes {
		if it.Change.Kind == "" || it.FirstSeen.IsZero() {
			return fmt.Errorf("pending state: change %d has no kind or first-seen time", i+1)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cal == nil {
		p.cal = calendar.Default()
	}
	if p.days <= 0 {
		p.days = DefaultWorkingDays
	}
	p.items = st.Changes
	p.lastPublished = st.LastPublished
	return nil
}
