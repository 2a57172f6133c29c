package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

// fakeSource is an in-memory sheet: WriteNotes edits the notes, so the
// next Fetch sees a new hash, as with the real sources.
type fakeSource struct {
	mu       gosync.Mutex
	name     string
	grid     rules.Grid
	fetchErr error
	notesErr error
	fetches  int
	writes   [][]psync.NoteChange
	block    chan struct{} // when set, Fetch waits on it or ctx
}

var _ psync.Source = (*fakeSource)(nil)

func newFakeSource(name string, g rules.Grid) *fakeSource {
	return &fakeSource{name: name, grid: cloneGrid(g)}
}

func cloneGrid(g rules.Grid) rules.Grid {
	out := g
	out.Cells = make([][]rules.Cell, len(g.Cells))
	for i, r := range g.Cells {
		out.Cells[i] = append([]rules.Cell(nil), r...)
	}
	return out
}

func gridHash(g rules.Grid) string {
	b, _ := json.Marshal(g)
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func (f *fakeSource) Fetch(ctx context.Context) (*psync.Snapshot, error) {
	f.mu.Lock()
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetches++
	if f.fetchErr != nil {
		return nil, f.fetchErr
	}
	g := cloneGrid(f.grid)
	return &psync.Snapshot{Grid: g, Hash: gridHash(g)}, nil
}

func (f *fakeSource) WriteNotes(_ context.Context, _ *psync.Snapshot, cs []psync.NoteChange) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.notesErr != nil {
		return f.notesErr
	}
	f.writes = append(f.writes, cs)
	for _, c := range cs {
		for len(f.grid.Cells) <= c.Ref.Row {
			f.grid.Cells = append(f.grid.Cells, nil)
		}
		for len(f.grid.Cells[c.Ref.Row]) <= c.Ref.Col {
			f.grid.Cells[c.Ref.Row] = append(f.grid.Cells[c.Ref.Row], rules.Cell{})
		}
		f.grid.Cells[c.Ref.Row][c.Ref.Col].Note = c.New
	}
	return nil
}

func (f *fakeSource) Link(r rules.Ref) string {
	return "https://sheet.example/" + f.name + "#" + r.A1()
}
func (f *fakeSource) String() string { return "fake:" + f.name }

func (f *fakeSource) set(fn func(g *rules.Grid)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(&f.grid)
}

func (f *fakeSource) noteWrites() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.writes)
}

// planNotes puts "perechen: <rules>" on cells with findings and removes it
// where the findings went.
func planNotes(g rules.Grid, _ *rules.Registry, diags []rules.Diagnostic, _ time.Time) []psync.NoteChange {
	want := map[rules.Ref][]string{}
	for _, d := range diags {
		r := rules.Ref{Row: d.Ref.Row, Col: d.Ref.Col}
		want[r] = append(want[r], d.Rule)
	}
	var out []psync.NoteChange
	for ri, row := range g.Cells {
		for ci, c := range row {
			r := rules.Ref{Row: ri, Col: ci}
			n := ""
			if rs, ok := want[r]; ok {
				n = "perechen: " + strings.Join(rs, ",")
			}
			if n != c.Note {
				out = append(out, psync.NoteChange{Ref: rules.Ref{Sheet: g.Sheet, Row: ri, Col: ci}, Old: c.Note, New: n})
			}
			delete(want, r)
		}
	}
	for r, rs := range want {
		out = append(out, psync.NoteChange{Ref: rules.Ref{Sheet: g.Sheet, Row: r.Row, Col: r.Col}, New: "perechen: " + strings.Join(rs, ",")})
	}
	return out
}

// diffTouchpoints is a small stand-in for history.Diff: touchpoints added
// or removed, by process name.
func diffTouchpoints(old, nw *rules.Registry, p *rules.Profile) []Change {
	set := func(r *rules.Registry) map[[2]string]bool {
		m := map[[2]string]bool{}
		if r != nil {
			for _, pr := range r.Processes {
				for _, t := range pr.Touchpoints {
					m[[2]string{pr.Name, t.Name}] = true
				}
			}
		}
		return m
	}
	a, b := set(old), set(nw)
	var out []Change
	for k := range b {
		if !a[k] {
			out = append(out, Change{Clause: p.Clauses.NewTouchpoint, Kind: "new_touchpoint", Process: k[0], Touchpoint: k[1],
				Russian: fmt.Sprintf("п. %s: новая точка «%s» в процессе «%s»", p.Clauses.NewTouchpoint, k[1], k[0])})
		}
	}
	for k := range a {
		if !b[k] {
			out = append(out, Change{Clause: p.Clauses.Excluded, Kind: "excluded", Process: k[0], Touchpoint: k[1]})
		}
	}
	return out
}

// fakeTarget records what it got.
type fakeTarget struct {
	name     string
	mu       gosync.Mutex
	fail     error
	versions []publish.Version
	files    map[string][]byte
}

var _ publish.Target = (*fakeTarget)(nil)

func (t *fakeTarget) Name() string { return t.name }
func (t *fakeTarget) Publish(_ context.Context, v publish.Version, fs []publish.File) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fail != nil {
		return t.fail
	}
	t.versions = append(t.versions, v)
	t.files = map[string][]byte{}
	for _, f := range fs {
		t.files[f.Name] = f.Data
	}
	return nil
}
func (t *fakeTarget) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.versions)
}
func (t *fakeTarget) setFail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fail = err
}

// fakeRenderer writes a deterministic text of the registry and meta.
type fakeRenderer struct {
	format string
	calls  *atomic.Int64
	tag    string // differs between "perechen releases"
}

func (r fakeRenderer) Format() string   { return r.format }
func (r fakeRenderer) FileName() string { return "perechen." + r.format }
func (r fakeRenderer) Render(w io.Writer, reg *rules.Registry, m render.Meta) error {
	r.calls.Add(1)
	fmt.Fprintf(w, "%s%s|%s|%s|%s\n", r.tag, m.Organisation, m.VersionLabel, m.Version.Format(time.RFC3339), strings.Join(m.Changes, ";"))
	if a := m.Approval; a != nil {
		fmt.Fprintf(w, "УТВЕРЖДЁН %s (%s)\n", a.Document, a.Date.Format("02.01.2006"))
	}
	for _, p := range reg.Processes {
		for _, t := range p.Touchpoints {
			fmt.Fprintf(w, "%s\t%s\t%s\n", p.Name, t.Name, t.Kind)
		}
	}
	return nil
}

// clock is a settable time.
type clock struct {
	mu gosync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a daemon over fakes with one or more sources.
type fixture struct {
	t           testing.TB
	dir         string
	cfg         *config.Config
	sources     map[string]*fakeSource
	targets     map[string][]*fakeTarget
	renders     *atomic.Int64
	clock       *clock
	reg         *prometheus.Registry
	logs        *test.Hook
	log         *logrus.Logger
	deps        Deps
	newErr      error // NewSource fails with this when set
	rendererTag string
	fmu         gosync.Mutex
}

func newFixture(t testing.TB, names ...string) *fixture {
	t.Helper()
	if len(names) == 0 {
		names = []string{"a"}
	}
	f := &fixture{t: t, dir: t.TempDir(), sources: map[string]*fakeSource{}, targets: map[string][]*fakeTarget{},
		renders: &atomic.Int64{}, clock: &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}, reg: prometheus.NewRegistry()}
	f.cfg = &config.Config{Interval: time.Hour, Jitter: time.Millisecond, StateDir: f.dir + "/state",
		Status: config.Status{Listen: config.ListenOff, Refresh: 30 * time.Second}, DeadlineWorkingDays: 10, DeadlineWarnDays: 3,
		ShutdownTimeout: 2 * time.Second, TimeZone: "UTC"} // zone_test.go tests the organisation's zone
	for _, n := range names {
		f.cfg.Sources = append(f.cfg.Sources, f.sourceCfg(n))
		f.sources[n] = newFakeSource(n, rules.SampleGridWithSlips())
		f.targets[n] = []*fakeTarget{{name: "dir:/site/" + n}, {name: "webdav:https://dav/" + n}}
	}
	f.log, f.logs = test.NewNullLogger()
	f.log.SetLevel(logrus.DebugLevel)
	f.deps = Deps{
		NewSource: func(s config.Source, _ logrus.FieldLogger) (psync.Source, error) {
			f.fmu.Lock()
			defer f.fmu.Unlock()
			if f.newErr != nil {
				return nil, f.newErr
			}
			src, ok := f.sources[s.Name]
			if !ok {
				src = newFakeSource(s.Name, rules.SampleGridWithSlips())
				f.sources[s.Name] = src
			}
			return src, nil
		},
		NewTargets: func(s config.Source) ([]publish.Target, error) {
			f.fmu.Lock()
			defer f.fmu.Unlock()
			ts, ok := f.targets[s.Name]
			if !ok {
				ts = []*fakeTarget{{name: "dir:/site/" + s.Name}}
				f.targets[s.Name] = ts
			}
			out := make([]publish.Target, len(ts))
			for i, t := range ts {
				out[i] = t
			}
			return out, nil
		},
		Renderers: func(formats []string) ([]render.Renderer, error) {
			var out []render.Renderer
			for _, fm := range formats {
				if fm == "bogus" {
					return nil, errors.New("unknown format")
				}
				out = append(out, fakeRenderer{format: fm, calls: f.renders, tag: f.rendererTag})
			}
			return out, nil
		},
		PlanNotes:   planNotes,
		Diff:        diffTouchpoints,
		WorkingDays: WeekdayCalendar{},
		Now:         f.clock.Now,
	}
	return f
}

func (f *fixture) sourceCfg(name string) config.Source {
	return config.Source{Name: name, Profile: "oiv", Organisation: "Организация " + name,
		XLSX: &config.XLSX{Path: "/x/" + name + ".xlsx", Notes: "copy"}, Notes: true, Formats: []string{"html", "pdf"}, BlockOn: "error",
		Publish: []config.Publish{{Dir: &config.DirTarget{Path: "/site/" + name}}}}
}

func (f *fixture) daemon(opts ...Option) *Daemon {
	f.t.Helper()
	f.reg = prometheus.NewRegistry()
	d, err := New(f.cfg, f.deps, f.log, f.reg, opts...)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// once runs one cycle of the first source and returns its result.
func (f *fixture) once(d *Daemon) Result {
	f.t.Helper()
	return d.RunOnce(context.Background())[0]
}

// breakSample introduces an error (bad process number) into the sample.
func breakSample(g *rules.Grid) { g.Cells[5][0].Value = "x" }
func fixSample(g *rules.Grid)   { g.Cells[5][0].Value = "1" }
