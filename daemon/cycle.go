package daemon

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	gosync "sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

// runner is one source with everything its cycle needs. Only the source's
// own goroutine runs cycles; the status page reads snapshots under mu.
type runner struct {
	cfg       config.Source
	settings  settings
	src       psync.Source
	targets   []publish.Target
	renderers []render.Renderer
	profile   *rules.Profile
	deps      Deps
	cal       WorkingDays
	store     *store
	log       logrus.FieldLogger
	metrics   *Metrics
	dryRun    bool

	// loc is the organisation's time zone (zone.go); zoneFixed when the
	// config names it, so the spreadsheet's own does not replace it.
	loc       *time.Location
	zoneFixed bool
	approvals approvalWatch
	// kick wakes the loop for a cycle now (an approval on the status page).
	kick chan struct{}

	state     *State
	published *rules.Registry // registry of state.Version, loaded lazily
	// dirty marks state changes an unchanged cycle must still save
	// (publish attempts, settled changes, deadline flags).
	dirty bool
	// verified is set once the renderers were shown to reproduce the
	// latest version's bytes in this process.
	verified bool
	// exported is set once the findings metrics were set in this process.
	exported bool
	// links caches the findings with their links between cycles.
	links    []Finding
	linksFor []rules.Diagnostic

	cycleMu gosync.Mutex // one cycle at a time, whoever calls
	mu      gosync.Mutex
	last    *Result
	status  SourceStatus
	cycles  int
}

// settings are the global config values a cycle uses.
type settings struct {
	deadlineDays int
	warnDays     int
}

// cycle runs one pull → lint → notes → gate → (approval) → render →
// publish pass and returns what happened. It never panics on bad input and
// never returns early without recording the result.
func (r *runner) cycle(ctx context.Context) (res Result) {
	r.cycleMu.Lock()
	defer r.cycleMu.Unlock()
	now := r.deps.now().In(r.loc)
	st := r.state
	res = Result{Source: r.cfg.Name, Start: now, Findings: st.Findings, Blocked: st.Blocked}
	if st.Version != nil {
		res.Version = st.Version.Number
	}
	defer func() { r.finish(&res, now) }()

	same, err := r.probe(ctx, st.GridHash)
	if err != nil {
		r.fetchFailed(&res, err)
		return res
	}
	if same {
		st.LastPull = now
		res.GridHash = st.GridHash
		r.idle(ctx, &res, now)
		return res
	}
	snap, err := r.src.Fetch(ctx)
	if err != nil {
		r.fetchFailed(&res, err)
		return res
	}
	if r.learnZone() {
		now = now.In(r.loc)
		res.Start = now
	}
	st.LastPull = now
	res.SourceUp = true
	res.GridHash = snap.Hash
	if snap.Hash != "" && snap.Hash == st.GridHash {
		r.idle(ctx, &res, now)
		return res
	}

	reg, diags := rules.Lint(snap.Grid, r.profile)
	res.Linted, res.Findings = true, diags
	st.Findings = diags
	complete := r.syncNotes(ctx, &res, snap, reg, diags, now)
	defer func() {
		if complete && res.Outcome != OutcomeError && res.Outcome != OutcomeDryRun {
			st.GridHash = snap.Hash
		}
	}()

	regHash := RegistryHash(reg)
	if regHash != st.RegistryHash {
		st.RegistryHash, st.RegistrySeen = regHash, now
	}
	if reg.HasHeader() {
		r.trackChanges(reg, now)
	}

	if why := r.gate(reg, diags); why != "" {
		if st.Blocked == "" {
			st.BlockedSince = now
		}
		res.Outcome, res.Blocked, st.Blocked = OutcomeBlocked, why, why
		res.Actions = append(res.Actions, "публикация приостановлена: "+why)
		r.dropCandidate(&res, "таблица изменилась и не прошла проверку")
		r.retryTargets(ctx, &res, now)
		return res
	}
	res.Blocked, st.Blocked, st.BlockedSince = "", "", time.Time{}

	if v := st.Version; v != nil && v.InputHash == r.inputHash(regHash) && r.sameAsPublished(reg) {
		r.dropCandidate(&res, "в таблице снова то же, что на сайте")
		res.Outcome = OutcomeUpToDate
		if r.retryTargets(ctx, &res, now) {
			r.publicationOutcome(&res)
		}
		return res
	}
	var approval *Approval
	n := max(r.store.highestVersion(), versionNumber(st)) + 1
	if r.cfg.Approval.Required {
		var wait bool
		approval, n, wait = r.approvalOf(ctx, &res, reg, regHash, now)
		if wait {
			return res
		}
	}
	if r.dryRun {
		res.Outcome = OutcomeDryRun
		res.Actions = append(res.Actions, fmt.Sprintf("будет опубликована версия %d (%s) в: %s",
			n, strings.Join(r.formatNames(), ", "), strings.Join(r.targetNames(), ", ")))
		return res
	}
	r.release(ctx, &res, reg, n, regHash, approval, now)
	return res
}

// fetchFailed records a source that could not be read.
func (r *runner) fetchFailed(res *Result, err error) {
	res.Outcome = OutcomeError
	res.fail("fetch", "", err)
}

// idle is a cycle whose sheet did not change: an approval that arrived
// since is published, and targets without the latest version are retried.
func (r *runner) idle(ctx context.Context, res *Result, now time.Time) {
	res.SourceUp = true
	res.Outcome = OutcomeUnchanged
	if r.state.Candidate != nil && r.releaseApproved(ctx, res, now) {
		return
	}
	if r.retryTargets(ctx, res, now) {
		r.publicationOutcome(res)
	}
}

func (r *runner) inputHash(regHash string) string {
	return hashStrings(regHash, r.cfg.Organisation, r.profile.Name, strings.Join(r.cfg.Formats, ","))
}

// release builds version n of reg (approved by approval, when required)
// and publishes it to every target.
func (r *runner) release(ctx context.Context, res *Result, reg *rules.Registry, n int, regHash string, approval *Approval, now time.Time) {
	st := r.state
	v := &VersionState{Number: n, Time: st.RegistrySeen, Built: now, InputHash: r.inputHash(regHash),
		Changes: st.UnreleasedChanges(), ContentHash: regHash, Approval: approval}
	files, err := r.render(reg, v)
	if err != nil {
		res.Outcome = OutcomeError
		res.fail("render", "", err)
		return
	}
	v.Hash, v.Files = contentHash(files), fileNames(files)
	if err := r.store.writeVersion(n, reg, files); err != nil {
		res.Outcome = OutcomeError
		res.fail("state", "", fmt.Errorf("keep version %d: %w", n, err))
		return
	}
	st.Version, st.Candidate = v, nil
	r.verified = true
	res.Version, res.Awaiting = n, nil
	r.published = reg
	for i := range st.Pending {
		if st.Pending[i].Version == 0 {
			st.Pending[i].Version = n
		}
	}
	built := fmt.Sprintf("собрана версия %d", n)
	if approval != nil {
		built += fmt.Sprintf(", утверждённая: %s (%s)", approval.Document, approval.By)
	}
	res.Actions = append(res.Actions, built)
	r.publishTargets(ctx, res, files, now)
	r.publicationOutcome(res)
}

// publicationOutcome sets the outcome from which targets hold the latest
// version: published (all), partly published (some), not published (none).
func (r *runner) publicationOutcome(res *Result) {
	stale := r.stale()
	res.Failed = r.staleNames()
	switch {
	case len(stale) == 0:
		res.Outcome = OutcomePublished
	case len(stale) == len(r.targets):
		res.Outcome = OutcomeNotPublished
	default:
		res.Outcome = OutcomePartlyPublished
	}
}

// probe asks a source that can tell cheaply (psync.Prober) whether its data
// still hashes to the last processed grid; true skips the Fetch, which for
// an XLSX file means not parsing the workbook in every idle cycle.
func (r *runner) probe(ctx context.Context, hash string) (bool, error) {
	p, ok := r.src.(psync.Prober)
	if !ok || hash == "" {
		return false, nil
	}
	return p.Unchanged(ctx, hash)
}

// syncNotes plans and writes note changes; false when writing failed, so
// the same grid is processed again next cycle.
func (r *runner) syncNotes(ctx context.Context, res *Result, snap *psync.Snapshot, reg *rules.Registry, diags []rules.Diagnostic, now time.Time) bool {
	if !r.cfg.Notes || r.deps.PlanNotes == nil {
		return true
	}
	// Notices stay on the status page unless the source asks for them in
	// the sheet: a note is something a person has to act on.
	changes := r.deps.PlanNotes(snap.Grid, reg, rules.AtLeast(diags, r.cfg.NoteSeverity()), now)
	res.NotesPlanned = len(changes)
	if len(changes) == 0 {
		return true
	}
	if r.dryRun {
		res.Actions = append(res.Actions, fmt.Sprintf("будут обновлены примечания в %s: %s", plural(len(changes), "ячейке", "ячейках", "ячейках"), noteRefs(changes)))
		return true
	}
	err := r.src.WriteNotes(ctx, snap, changes)
	written, complete := len(changes), err == nil
	var moved *psync.MovedError
	switch {
	case errors.As(err, &moved):
		written = moved.Written
	case errors.Is(err, psync.ErrSheetMoved):
		written = 0
	case err != nil:
		res.fail("notes", "", err)
		return false
	}
	if !complete {
		// Not a fault: people edited the cells meanwhile. The source logged
		// it; the next cycle lints what they hold now.
		res.Actions = append(res.Actions, err.Error())
	} else if h, ok := r.src.(psync.NoteHasher); ok && snap.Hash != "" {
		// The next read will carry these notes: expect its hash, so our own
		// write is not taken for an edit.
		snap.Hash = h.HashAfterNotes(snap, changes)
	}
	res.NotesWritten = written
	r.state.NotesWritten += written
	if written > 0 {
		res.Actions = append(res.Actions, fmt.Sprintf("обновлены примечания в %s", plural(written, "ячейке", "ячейках", "ячейках")))
	}
	return complete
}

func noteRefs(cs []psync.NoteChange) string {
	var refs []string
	for i, c := range cs {
		if i == 10 {
			refs = append(refs, "…")
			break
		}
		refs = append(refs, c.Ref.A1())
	}
	return strings.Join(refs, ", ")
}

// gate returns why publication is held back, in Russian, or "".
func (r *runner) gate(reg *rules.Registry, diags []rules.Diagnostic) string {
	sum := rules.Summarize(diags)
	site := "на сайте пока нет опубликованной версии"
	if v := r.state.Version; v != nil {
		site = fmt.Sprintf("на сайте остаётся версия %d от %s", v.Number, v.Time.Format("02.01.2006"))
	}
	const why = "По п. 2.2.2 Порядка Перечень размещается только после проверки"
	switch {
	case !reg.HasHeader():
		return fmt.Sprintf("лист не похож на Перечень: не найдена шапка формы. %s; %s.", why, site)
	case sum.Errors > 0:
		return fmt.Sprintf("в Перечне %s. %s; %s. Исправьте ошибки, отмеченные в примечаниях к ячейкам, — после исправления публикация пройдёт сама.",
			plural(sum.Errors, "ошибка", "ошибки", "ошибок"), why, site)
	case sum.Warnings > 0 && r.cfg.BlocksOnWarnings():
		return fmt.Sprintf("в Перечне %s, а в настройках (block_on: warning) публикация останавливается и при предупреждениях. %s; %s.",
			plural(sum.Warnings, "предупреждение", "предупреждения", "предупреждений"), why, site)
	}
	return ""
}

// plural is n with its Russian word form: 1 ошибка, 2 ошибки, 5 ошибок.
func plural(n int, one, few, many string) string { return rules.CountRu(n, one, few, many) }

// sameAsPublished reports whether the renderers still produce the bytes of
// the latest version from reg. It renders once per process (renderers may
// have changed with an upgrade); after that equal inputs mean equal bytes.
func (r *runner) sameAsPublished(reg *rules.Registry) bool {
	if r.verified {
		return true
	}
	v := r.state.Version
	files, err := r.render(reg, v)
	if err != nil {
		return false // the new-version path reports the render error
	}
	r.verified = true
	if contentHash(files) != v.Hash {
		r.log.WithField("version", v.Number).Info("rendered files differ from the published version (perechen upgraded?); publishing anew")
		return false
	}
	return true
}

// VersionMeta is the render.Meta of version v of source s: the daemon and
// `perechen publish` build it the same way, so the same version renders to
// the same bytes. It carries no Source: a public page must not show internal
// paths or sheet ids. Dates are v.Time's, in the organisation's time zone.
func VersionMeta(s config.Source, p *rules.Profile, rs []render.Renderer, v *VersionState) render.Meta {
	m := render.Meta{
		Organisation: s.Organisation,
		Profile:      p,
		Version:      v.Time,
		VersionLabel: fmt.Sprintf("версия %d от %s", v.Number, v.Time.Format("02.01.2006")),
		Changes:      v.Changes,
		Downloads:    render.DownloadsFor(rs),
		Grif:         s.Approval.Grif,
	}
	if a := v.Approval; a != nil {
		m.Approval = &render.Approval{Document: a.Document, Date: a.Time.In(v.Time.Location()), Version: v.Number,
			Appendix: s.Approval.Appendix}
	}
	return m
}

// render writes every configured format of version v.
func (r *runner) render(reg *rules.Registry, v *VersionState) ([]publish.File, error) {
	meta := VersionMeta(r.cfg, r.profile, r.renderers, v)
	files := make([]publish.File, 0, len(r.renderers))
	for _, rd := range r.renderers {
		var buf bytes.Buffer
		if err := rd.Render(&buf, reg, meta); err != nil {
			return nil, fmt.Errorf("render %s: %w", rd.Format(), err)
		}
		files = append(files, publish.File{Name: rd.FileName(), Data: buf.Bytes()})
	}
	return files, nil
}

// retryTargets sends the latest built version to every target that does
// not have it yet (a failed target is retried on the next cycle); it
// reports whether it tried.
func (r *runner) retryTargets(ctx context.Context, res *Result, now time.Time) bool {
	v := r.state.Version
	if v == nil || r.dryRun || len(r.stale()) == 0 {
		return false
	}
	files, err := r.store.readVersionFiles(v.Number, v.Files)
	if err != nil {
		res.fail("state", "", err)
		return false
	}
	r.publishTargets(ctx, res, files, now)
	return true
}

// stale lists the indexes of targets without the latest version.
func (r *runner) stale() []int {
	var out []int
	for i := range r.targets {
		if r.state.Targets[i].Hash != r.state.Version.Hash {
			out = append(out, i)
		}
	}
	return out
}

// publishTargets publishes to every stale target concurrently; each target
// succeeds or fails on its own.
func (r *runner) publishTargets(ctx context.Context, res *Result, files []publish.File, now time.Time) {
	v := r.state.Version
	pv := publish.Version{Source: r.cfg.Name, Number: v.Number, Time: v.Time, Hash: v.Hash}
	idx := r.stale()
	errs := make([]error, len(r.targets))
	var wg gosync.WaitGroup
	for _, i := range idx {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.targets[i].Publish(ctx, pv, files)
		}()
	}
	wg.Wait()
	r.dirty = r.dirty || len(idx) > 0
	for _, i := range idx {
		ts := &r.state.Targets[i]
		ts.LastAttempt = now
		if errs[i] != nil {
			ts.LastError = errs[i].Error()
			res.fail("publish", ts.Name, errs[i])
			r.log.WithFields(logrus.Fields{"target": ts.Name, "version": v.Number, "error": errs[i]}).Warn("publish failed; will retry next cycle")
			continue
		}
		ts.LastError, ts.LastSuccess, ts.Version, ts.Hash = "", now, v.Number, v.Hash
		r.state.LastPublish = now
		res.Published = append(res.Published, ts.Name)
		res.Actions = append(res.Actions, fmt.Sprintf("версия %d опубликована: %s", v.Number, ts.Name))
		r.log.WithFields(logrus.Fields{"target": ts.Name, "version": v.Number}).Info("published")
	}
}

func (r *runner) formatNames() []string {
	names := make([]string, len(r.renderers))
	for i, rd := range r.renderers {
		names[i] = rd.FileName()
	}
	return names
}

func (r *runner) targetNames() []string {
	names := make([]string, len(r.targets))
	for i, t := range r.targets {
		names[i] = t.Name()
	}
	if len(names) == 0 {
		return []string{"(целей публикации нет)"}
	}
	return names
}

func versionNumber(st *State) int {
	if st.Version == nil {
		return 0
	}
	return st.Version.Number
}

func fileNames(fs []publish.File) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// contentHash identifies a set of files by names and bytes.
func contentHash(fs []publish.File) string {
	sorted := append([]publish.File(nil), fs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	h := sha256.New()
	for _, f := range sorted {
		fmt.Fprintf(h, "%s\x00%d\x00", f.Name, len(f.Data))
		h.Write(f.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hashStrings(ss ...string) string {
	h := sha256.New()
	for _, s := range ss {
		fmt.Fprintf(h, "%d\x00%s", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}
