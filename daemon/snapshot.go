package daemon

import (
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
	if st.Version != nil {
		v := *st.Version
		s.Version = &v
	}
	if res != nil {
		cp := *res
		cp.Findings = nil // in Findings above, with links
		s.Last = &cp
		s.Pending = slices.Clone(res.Pending)
	} else {
		now := r.deps.now()
		for i := range st.Pending {
			p := st.Pending[i]
			s.Pending = append(s.Pending, r.evaluate(&p, now, false))
		}
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
