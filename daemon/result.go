package daemon

import (
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// Outcome is how a cycle ended; it is the "result" label of cycles_total.
type Outcome string

// Outcomes of a cycle.
const (
	OutcomeUnchanged Outcome = "unchanged"  // same grid as last cycle: nothing done
	OutcomeUpToDate  Outcome = "up-to-date" // grid changed, but the site already has this content
	OutcomeBlocked   Outcome = "blocked"    // findings hold publication back (п. 2.2.2)
	OutcomePublished Outcome = "published"  // a new version was built and sent to the targets
	OutcomeError     Outcome = "error"      // the cycle could not finish; retried next time
	OutcomeDryRun    Outcome = "dry-run"    // --dry-run: nothing written
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
	Blocked   string          `json:"blocked,omitempty"`
	Version   int             `json:"version"`   // latest built version, 0 if none
	Published []string        `json:"published"` // targets that got a version this cycle
	Errors    []CycleError    `json:"errors"`
	Pending   []PendingStatus `json:"pending"`
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

// ExitCode maps the result to perechen's exit codes as lint does: 2 when
// the source could not be read or linted, 1 when the registry has errors,
// 0 otherwise.
func (r *Result) ExitCode() int {
	for _, e := range r.Errors {
		if e.Kind == "fetch" || e.Kind == "setup" {
			return 2
		}
	}
	if r.Summary.Errors > 0 {
		return 1
	}
	return 0
}
