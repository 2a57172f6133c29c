package daemon

import (
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// Outcome is how a cycle ended; it is the "result" label of cycles_total.
type Outcome string

// Outcomes of a cycle. The three publication outcomes say what the targets
// hold after the cycle sent them a version: every one of them, some, none.
const (
	OutcomeUnchanged        Outcome = "unchanged"         // same grid as last cycle: nothing done
	OutcomeUpToDate         Outcome = "up-to-date"        // grid changed, but the site already has this content
	OutcomeBlocked          Outcome = "blocked"           // findings hold publication back (п. 2.2.2)
	OutcomeAwaitingApproval Outcome = "awaiting-approval" // passed the checks, waits for perechen approve (п. 5.1–5.2)
	OutcomePublished        Outcome = "published"         // every target has the latest version
	OutcomePartlyPublished  Outcome = "partly-published"  // some targets failed (Result.Failed)
	OutcomeNotPublished     Outcome = "not-published"     // every target failed
	OutcomeError            Outcome = "error"             // the cycle could not finish; retried next time
	OutcomeDryRun           Outcome = "dry-run"           // --dry-run: nothing written
)

// CycleError is one fault of a cycle. Kind is fetch, notes, render,
// publish or state.
type CycleError struct {
	Kind    string `json:"kind"`
	Target  string `json:"target,omitempty"`
	Message string `json:"message"`
}

// PendingStatus is a pending change with its deadline evaluated at the end
// of the cycle.
type PendingStatus struct {
	PendingChange
	DaysLeft int    `json:"days_left"` // working days to the deadline, negative when overdue
	State    string `json:"state"`     // "ok", "warn" or "overdue"
}

// Result is one cycle of one source, as logs, metrics and the status page
// read it.
type Result struct {
	Source   string    `json:"source"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Outcome  Outcome   `json:"outcome"`
	GridHash string    `json:"grid_hash,omitempty"`
	// Linted is false when the cycle stopped before linting (unchanged grid,
	// fetch error); Findings then repeat the last linted ones.
	Linted       bool               `json:"linted"`
	Findings     []rules.Diagnostic `json:"findings"`
	Summary      rules.Summary      `json:"summary"`
	NotesPlanned int                `json:"notes_planned"`
	NotesWritten int                `json:"notes_written"`
	// Blocked says in Russian why the site keeps the last good version.
	Blocked   string   `json:"blocked,omitempty"`
	Version   int      `json:"version"`   // latest built version, 0 if none
	Published []string `json:"published"` // targets that got a version this cycle
	// Failed are the targets without the latest version after this cycle's
	// attempts (named in the partly/not published outcomes).
	Failed []string `json:"failed"`
	// Awaiting is the version waiting for approval, if any.
	Awaiting *Candidate `json:"awaiting,omitempty"`
	// SourceUp is false when the source could not be read.
	SourceUp bool `json:"source_up"`
	// Headline is the one Russian line that says how the cycle ended: the
	// first line of `perechen run --once` and the status page's verdict.
	Headline string          `json:"headline"`
	Errors   []CycleError    `json:"errors"`
	Pending  []PendingStatus `json:"pending"`
	// Actions lists, in Russian, what the cycle did or (dry run) would do.
	Actions []string `json:"actions"`
}

func (r *Result) fail(kind, target string, err error) {
	r.Errors = append(r.Errors, CycleError{Kind: kind, Target: target, Message: err.Error()})
}

// deadlineLeft is the smallest DaysLeft among pending changes.
func (r *Result) deadlineLeft() (int, bool) {
	if len(r.Pending) == 0 {
		return 0, false
	}
	left := r.Pending[0].DaysLeft
	for _, p := range r.Pending[1:] {
		left = min(left, p.DaysLeft)
	}
	return left, true
}

// earliestDeadline is the nearest deadline among pending changes.
func (r *Result) earliestDeadline() time.Time {
	var out time.Time
	for _, p := range r.Pending {
		if out.IsZero() || p.Deadline.Before(out) {
			out = p.Deadline
		}
	}
	return out
}

// ExitCode maps the result to perechen's exit codes: 2 when the source
// could not be read, 1 when the registry has errors, publication is held
// back by findings, failed on any target, or the cycle had any other fault
// — so cron and CI notice —, 0 otherwise (published, up to date, unchanged,
// awaiting approval).
func (r *Result) ExitCode() int {
	for _, e := range r.Errors {
		if e.Kind == "fetch" || e.Kind == "setup" {
			return 2
		}
	}
	if r.Summary.Errors > 0 || r.Blocked != "" || len(r.Errors) > 0 || len(r.Failed) > 0 {
		return 1
	}
	switch r.Outcome {
	case OutcomeBlocked, OutcomePartlyPublished, OutcomeNotPublished, OutcomeError:
		return 1
	}
	return 0
}
