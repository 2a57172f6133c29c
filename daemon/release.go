package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/rules"
)

// approvalOf handles approval.required for a registry that passed the
// checks: it makes it the candidate (numbered, kept under versions/ as a
// draft for review) unless it already is, and returns the approval of its
// content with the number to build. wait is true while there is none: the
// outcome is then "awaiting approval" and the site keeps what it has.
func (r *runner) approvalOf(ctx context.Context, res *Result, reg *rules.Registry, regHash string, now time.Time) (a *Approval, n int, wait bool) {
	st := r.state
	next := max(r.store.highestVersion(), versionNumber(st)) + 1
	// Only the presentation changed (organisation, formats, perechen): the
	// content on the site was approved, and the approval goes with it.
	if v := st.Version; v != nil && v.Approval != nil && v.ContentHash == regHash {
		r.dropCandidate(res, "в таблице снова утверждённое содержимое")
		return v.Approval, next, false
	}
	if c := st.Candidate; c == nil || c.ContentHash != regHash {
		if r.dryRun {
			res.Outcome = OutcomeDryRun
			res.Actions = append(res.Actions, fmt.Sprintf("версия %d будет ждать утверждения (п. %s)", next, approvalClause(r.profile)))
			return nil, 0, true
		}
		r.dropCandidate(res, "таблица изменилась до утверждения")
		if !r.newCandidate(res, reg, next, regHash, now) {
			return nil, 0, true
		}
	}
	c := st.Candidate
	if a := r.approvalFor(res, c); a != nil {
		return a, c.Number, false
	}
	res.Outcome, res.Awaiting = OutcomeAwaitingApproval, c
	if r.retryTargets(ctx, res, now) {
		res.Failed = r.staleNames()
	}
	return nil, 0, true
}

// newCandidate keeps version n's registry and draft files (without a grif)
// for the approver to review, and makes it the candidate.
func (r *runner) newCandidate(res *Result, reg *rules.Registry, n int, regHash string, now time.Time) bool {
	st := r.state
	draft := &VersionState{Number: n, Time: st.RegistrySeen, ContentHash: regHash, Changes: st.UnreleasedChanges()}
	files, err := r.render(reg, draft)
	if err == nil {
		err = r.store.writeVersion(n, reg, files)
	}
	if err != nil {
		res.Outcome = OutcomeError
		res.fail("state", "", fmt.Errorf("keep candidate version %d: %w", n, err))
		return false
	}
	st.Candidate = &Candidate{Number: n, Time: st.RegistrySeen, Built: now, ContentHash: regHash}
	r.dirty = true
	res.Actions = append(res.Actions, fmt.Sprintf("версия %d ждёт утверждения (п. %s)", n, approvalClause(r.profile)))
	r.log.WithFields(logrus.Fields{"version": n, "content_hash": regHash[:12]}).Info("version awaits approval (perechen approve)")
	return true
}

// dropCandidate forgets a candidate whose content is no longer the sheet's:
// its approval, if one comes, will not apply.
func (r *runner) dropCandidate(res *Result, why string) {
	c := r.state.Candidate
	if c == nil || r.dryRun {
		return
	}
	r.state.Candidate, r.dirty = nil, true
	res.Actions = append(res.Actions, fmt.Sprintf("версия %d больше не ждёт утверждения: %s", c.Number, why))
	r.log.WithFields(logrus.Fields{"version": c.Number, "why": why}).Info("candidate version superseded")
}

// approvalFor is the recorded approval of candidate c, or nil.
func (r *runner) approvalFor(res *Result, c *Candidate) *Approval {
	list, err := r.approvals.refresh(r.store.dir)
	if err != nil {
		res.fail("state", "", fmt.Errorf("read approvals: %w", err))
	}
	a := findApproval(list, c.Number, c.ContentHash)
	if a != nil {
		cp := *a
		cp.Time = cp.Time.In(r.loc)
		return &cp
	}
	return nil
}

// releaseApproved publishes the candidate once its approval is recorded
// (an idle cycle: the sheet still holds the candidate's content). It
// reports whether it did anything.
func (r *runner) releaseApproved(ctx context.Context, res *Result, now time.Time) bool {
	c := r.state.Candidate
	a := r.approvalFor(res, c)
	if a == nil {
		res.Awaiting = c
		return false
	}
	reg, err := r.store.readRegistry(c.Number)
	if err != nil {
		res.Outcome = OutcomeError
		res.fail("state", "", fmt.Errorf("candidate version %d: %w", c.Number, err))
		return true
	}
	if r.dryRun {
		res.Outcome = OutcomeDryRun
		res.Actions = append(res.Actions, fmt.Sprintf("будет опубликована утверждённая версия %d в: %v", c.Number, r.targetNames()))
		return true
	}
	r.release(ctx, res, reg, c.Number, c.ContentHash, a, now)
	return true
}

func (r *runner) staleNames() []string {
	var out []string
	for _, i := range r.stale() {
		out = append(out, r.targets[i].Name())
	}
	return out
}
