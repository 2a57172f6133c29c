package daemon

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/rules"
)

// publishedRegistry is the registry of the latest built version, the base
// the sheet's pending changes are measured from.
func (r *runner) publishedRegistry() *rules.Registry {
	if r.published == nil && r.state.Version != nil {
		reg, err := r.store.readRegistry(r.state.Version.Number)
		if err != nil {
			r.log.WithFields(logrus.Fields{"version": r.state.Version.Number, "error": err}).
				Warn("cannot read the published registry; changes are measured from an empty one")
			return nil
		}
		r.published = reg
	}
	return r.published
}

// trackChanges refreshes the changes not yet built into a version, keeping
// the first-seen time (and so the deadline) of changes already known.
func (r *runner) trackChanges(reg *rules.Registry, now time.Time) {
	if r.deps.Diff == nil {
		return
	}
	st := r.state
	known := map[string]PendingChange{}
	var kept []PendingChange
	for _, p := range st.Pending {
		if p.Version == 0 {
			known[p.key()] = p
		} else {
			kept = append(kept, p)
		}
	}
	changes := r.deps.Diff(r.publishedRegistry(), reg, r.profile)
	// A first version (or a big paste) is one event, not hundreds of lines.
	const logEach = 5
	fresh := 0
	for _, c := range changes {
		if p, ok := known[c.key()]; ok {
			kept = append(kept, p)
			delete(known, c.key())
			continue
		}
		if c.Time.IsZero() {
			c.Time = now
		}
		kept = append(kept, PendingChange{Change: c, FirstSeen: now,
			Deadline: r.cal.AddWorkingDays(now, r.settings.deadlineDays)})
		if fresh++; fresh <= logEach {
			r.log.WithFields(logrus.Fields{"clause": c.Clause, "kind": c.Kind, "process": c.Process, "touchpoint": c.Touchpoint}).
				Info("change seen in the sheet; publication deadline starts")
		}
	}
	if fresh > logEach {
		r.log.WithField("more", fresh-logEach).Info("more changes seen in the sheet; see the status page or perechen history")
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if !a.FirstSeen.Equal(b.FirstSeen) {
			return a.FirstSeen.Before(b.FirstSeen)
		}
		if a.Process != b.Process {
			return a.Process < b.Process
		}
		if a.Touchpoint != b.Touchpoint {
			return a.Touchpoint < b.Touchpoint
		}
		return a.Kind < b.Kind
	})
	st.Pending = kept
}

// settlePending moves changes that every target now has into changes.jsonl
// and evaluates the deadlines of the rest.
func (r *runner) settlePending(res *Result, now time.Time) {
	st := r.state
	var rest []PendingChange
	var done []LogEntry
	for _, p := range st.Pending {
		if p.Version > 0 && r.onEveryTarget(p.Version) {
			done = append(done, LogEntry{Change: p.Change, FirstSeen: p.FirstSeen, Deadline: p.Deadline,
				Version: p.Version, Published: now})
			continue
		}
		rest = append(rest, p)
	}
	if !r.dryRun {
		if err := r.store.appendChanges(done); err != nil {
			res.fail("state", "", err)
			return // keep them pending; appended next time
		}
		st.Pending = rest
		r.dirty = r.dirty || len(done) > 0
	}
	res.Pending = slices.Grow(res.Pending[:0], len(st.Pending))
	for i := range st.Pending {
		res.Pending = append(res.Pending, r.evaluate(&st.Pending[i], now, true))
	}
}

// evaluate works out how much time a pending change has left; with note
// set it logs (once) when the change enters the warning window or goes
// overdue.
func (r *runner) evaluate(p *PendingChange, now time.Time, note bool) PendingStatus {
	ps := PendingStatus{PendingChange: *p, DaysLeft: r.cal.WorkingDaysBetween(now, p.Deadline), State: "ok"}
	// Built only when a line is logged: evaluate runs for every pending
	// change in every cycle, idle ones included.
	fields := func() logrus.Fields {
		return logrus.Fields{"process": p.Process, "touchpoint": p.Touchpoint, "clause": p.Clause,
			"first_seen": p.FirstSeen.Format(time.RFC3339), "deadline": p.Deadline.Format(time.RFC3339), "working_days_left": ps.DaysLeft}
	}
	switch {
	case !now.Before(endOfDay(p.Deadline)): // the deadline day counts in full
		ps.State = "overdue"
		if note && !p.Overdue {
			p.Overdue, r.dirty = true, true
			r.log.WithFields(fields()).Error("publication deadline passed for a change")
		}
	case ps.DaysLeft <= r.settings.warnDays:
		ps.State = "warn"
		if note && !p.Warned {
			p.Warned, r.dirty = true, true
			r.log.WithFields(fields()).Warn("publication deadline is near for a change")
		}
	}
	ps.PendingChange = *p
	return ps
}

// onEveryTarget reports whether every target has version n or later.
func (r *runner) onEveryTarget(n int) bool {
	for _, t := range r.state.Targets {
		if t.Version < n {
			return false
		}
	}
	return true
}

// finish settles deadlines, saves the state, counts the cycle and logs it.
func (r *runner) finish(res *Result, now time.Time) {
	st := r.state
	r.settlePending(res, now)
	if len(res.Errors) == 0 && res.Outcome != OutcomeDryRun {
		st.LastSuccess = now
	}
	// An unchanged cycle changes nothing worth a disk write but the pull
	// time, so it skips the fsync unless something else moved.
	if !r.dryRun && (res.Outcome != OutcomeUnchanged || r.dirty || len(res.Errors) > 0) {
		if err := r.store.save(st); err != nil {
			res.fail("state", "", err)
		} else {
			r.dirty = false
		}
	}
	res.Findings = st.Findings
	res.Summary = rules.Summarize(res.Findings)
	res.End = r.deps.now().In(r.loc)
	if res.Published == nil {
		res.Published = []string{}
	}
	if res.Failed == nil {
		res.Failed = []string{}
	}
	if res.Errors == nil {
		res.Errors = []CycleError{}
	}
	if res.Awaiting == nil && res.Outcome != OutcomeDryRun {
		res.Awaiting = st.Candidate
	}
	res.Headline = r.headline(res)
	if r.metrics != nil {
		r.metrics.observe(res, st, res.Linted || !r.exported)
		r.exported = true
	}
	fields := logrus.Fields{"outcome": res.Outcome, "errors": res.Summary.Errors, "warnings": res.Summary.Warnings,
		"notices": res.Summary.Notices, "version": res.Version, "pending": len(res.Pending), "notes_written": res.NotesWritten,
		"duration": res.End.Sub(res.Start).String()}
	if len(res.Failed) > 0 {
		fields["failed_targets"] = strings.Join(res.Failed, ",")
	}
	if res.Awaiting != nil {
		fields["awaiting_version"] = res.Awaiting.Number
	}
	for _, e := range res.Errors {
		r.log.WithFields(logrus.Fields{"kind": e.Kind, "target": e.Target, "error": e.Message}).Error("cycle error")
	}
	switch {
	case len(res.Errors) > 0:
		r.log.WithFields(fields).Warn("cycle finished with errors")
	case res.Outcome == OutcomeUnchanged:
		r.log.WithFields(fields).Debug("cycle: unchanged")
	case res.Outcome == OutcomeBlocked:
		r.log.WithFields(fields).WithField("why", res.Blocked).Warn("publication blocked")
	case res.Outcome == OutcomeAwaitingApproval:
		r.log.WithFields(fields).Info("version awaits approval; not published")
	default:
		r.log.WithFields(fields).Info("cycle finished")
	}
	r.snapshot(res)
}

// endOfDay is the midnight after t, in t's location.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}
