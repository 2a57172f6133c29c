package daemon

import (
	"fmt"
	"slices"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// SourceStatus is what the status page and /status.json show for a source;
// a copy taken at the end of each cycle.
type SourceStatus struct {
	Name         string          `json:"name"`
	Organisation string          `json:"organisation"`
	Kind         string          `json:"kind"`   // google_sheets or xlsx
	Source       string          `json:"source"` // sync.Source.String()
	Profile      string          `json:"profile"`
	Formats      []string        `json:"formats"`
	Cycles       int             `json:"cycles"`
	LastPull     time.Time       `json:"last_pull,omitzero"`
	LastSuccess  time.Time       `json:"last_success,omitzero"`
	LastPublish  time.Time       `json:"last_publish,omitzero"`
	Last         *Result         `json:"last,omitempty"`
	Findings     []Finding       `json:"findings"`
	Summary      rules.Summary   `json:"summary"`
	Blocked      string          `json:"blocked,omitempty"`
	Version      *VersionState   `json:"version,omitempty"`
	Targets      []TargetState   `json:"targets"`
	Pending      []PendingStatus `json:"pending"`
	DeadlineDays int             `json:"deadline_working_days"`
	WarnDays     int             `json:"deadline_warn_days"`
	NotesWritten int             `json:"notes_written"`
	// TimeZone names the zone every time here is in (the organisation's).
	TimeZone     string    `json:"time_zone"`
	BlockedSince time.Time `json:"blocked_since,omitzero"`
	// ApprovalRequired is approval.required; Awaiting is the version waiting
	// for approval, nil when none does.
	ApprovalRequired bool            `json:"approval_required"`
	Awaiting         *AwaitingStatus `json:"awaiting_approval,omitempty"`
	// LastApproval is the latest approval recorded for this source.
	LastApproval *Approval `json:"last_approval,omitempty"`
	// Headline says how the last cycle ended (Result.Headline).
	Headline string `json:"headline"`
}

// AwaitingStatus is a version awaiting approval with the п. 5.5 deadline
// that keeps running meanwhile.
type AwaitingStatus struct {
	Candidate
	Clause         string    `json:"clause"`          // "5.1–5.2"
	DeadlineClause string    `json:"deadline_clause"` // "5.5"
	Deadline       time.Time `json:"deadline,omitzero"`
	DaysLeft       int       `json:"days_left"`
	State          string    `json:"state,omitempty"` // ok, warn, overdue
	Command        string    `json:"command"`         // the perechen approve line
}

// Finding is a diagnostic with a link that opens its cell.
type Finding struct {
	Diagnostic rules.Diagnostic `json:"diagnostic"`
	Link       string           `json:"link,omitempty"`
}

// snapshot publishes the runner's current state to readers; res is nil
// before the first cycle.
func (r *runner) snapshot(res *Result) {
	st := r.state
	s := SourceStatus{
		Name: r.cfg.Name, Organisation: r.cfg.Organisation, Kind: r.cfg.Kind(), Source: r.src.String(),
		Profile: r.profile.Name, Formats: slices.Clone(r.cfg.Formats),
		LastPull: st.LastPull, LastSuccess: st.LastSuccess, LastPublish: st.LastPublish,
		Summary: rules.Summarize(st.Findings), Blocked: st.Blocked,
		Targets:      slices.Clone(st.Targets),
		DeadlineDays: r.settings.deadlineDays, WarnDays: r.settings.warnDays, NotesWritten: st.NotesWritten,
	}
	s.Findings = r.findingsWithLinks()
	s.TimeZone, s.BlockedSince, s.ApprovalRequired = r.loc.String(), st.BlockedSince, r.cfg.Approval.Required
	if n := len(r.approvals.list); n > 0 {
		a := r.approvals.list[n-1]
		a.Time = a.Time.In(r.loc)
		s.LastApproval = &a
	}
	if st.Version != nil {
		v := *st.Version
		s.Version = &v
	}
	if res != nil {
		cp := *res
		cp.Findings = nil // in Findings above, with links
		s.Last = &cp
		s.Headline = res.Headline
		s.Pending = slices.Clone(res.Pending)
	} else {
		now := r.deps.now().In(r.loc)
		for i := range st.Pending {
			p := st.Pending[i]
			s.Pending = append(s.Pending, r.evaluate(&p, now, false))
		}
	}
	if c := st.Candidate; c != nil {
		s.Awaiting = r.awaitingStatus(c, s.Pending)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if res != nil {
		r.cycles++
		r.last = res
	}
	s.Cycles = r.cycles
	r.status = s
}

func (r *runner) awaitingStatus(c *Candidate, pending []PendingStatus) *AwaitingStatus {
	a := &AwaitingStatus{Candidate: *c, Clause: approvalClause(r.profile), DeadlineClause: deadlineClause(r.profile),
		Command: fmt.Sprintf("perechen approve --config ФАЙЛ --source %s --version %d --by \"Фамилия И.О.\" --document \"приказ от ДД.ММ.ГГГГ № …\"",
			r.cfg.Name, c.Number)}
	for i, p := range pending {
		if i == 0 || p.DaysLeft < a.DaysLeft {
			a.Deadline, a.DaysLeft, a.State = p.Deadline, p.DaysLeft, p.State
		}
	}
	return a
}

// findingsWithLinks builds the findings with links, once per linted
// result: an unchanged cycle reuses the last slice (readers never modify it).
func (r *runner) findingsWithLinks() []Finding {
	fs := r.state.Findings
	if r.links != nil && len(fs) == len(r.linksFor) && (len(fs) == 0 || &fs[0] == &r.linksFor[0]) {
		return r.links
	}
	out := make([]Finding, len(fs))
	for i, d := range fs {
		out[i] = Finding{Diagnostic: d, Link: r.src.Link(d.Ref)}
	}
	r.links, r.linksFor = out, fs
	return out
}

// Status returns the latest snapshot.
func (r *runner) Status() SourceStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// Statuses returns every source's status in configuration order.
func (d *Daemon) Statuses() []SourceStatus {
	d.mu.Lock()
	runners := slices.Clone(d.runners)
	d.mu.Unlock()
	out := make([]SourceStatus, len(runners))
	for i, r := range runners {
		out[i] = r.Status()
	}
	return out
}
