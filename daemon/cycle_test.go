package daemon

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

func TestCyclePublishesOnceThenNothing(t *testing.T) {
	f := newFixture(t)
	d := f.daemon()
	src, ts := f.sources["a"], f.targets["a"]

	r := f.once(d)
	if r.Outcome != OutcomePublished || r.Version != 1 || len(r.Published) != 2 || len(r.Errors) != 0 {
		t.Fatalf("first cycle: %+v", r)
	}
	if r.NotesWritten == 0 || src.noteWrites() != 1 {
		t.Errorf("notes: written %d, writes %d", r.NotesWritten, src.noteWrites())
	}
	for _, tg := range ts {
		if tg.count() != 1 || string(tg.files["perechen.html"]) == "" {
			t.Errorf("%s: %d publishes", tg.name, tg.count())
		}
	}
	if first := strings.SplitN(string(ts[0].files["perechen.html"]), "\n", 2)[0]; !strings.HasSuffix(first, "|") {
		t.Errorf("version 1 must list no changes: %q", first)
	}
	if !strings.Contains(string(ts[0].files["perechen.html"]), "версия 1 от 23.11.2026") {
		t.Errorf("label: %q", ts[0].files["perechen.html"])
	}
	renders := f.renders.Load()

	// The notes we wrote changed the sheet: one more lint pass, nothing new
	// to publish, no notes to write.
	f.clock.Add(time.Minute)
	r = f.once(d)
	if r.Outcome != OutcomeUpToDate || r.NotesPlanned != 0 || src.noteWrites() != 1 {
		t.Fatalf("second cycle: %+v", r)
	}
	// Then the sheet is unchanged: no lint, no render, no publish.
	for range 3 {
		f.clock.Add(time.Minute)
		r = f.once(d)
		if r.Outcome != OutcomeUnchanged || r.Linted {
			t.Fatalf("unchanged cycle: %+v", r)
		}
	}
	if f.renders.Load() != renders {
		t.Errorf("rendered again on unchanged cycles: %d → %d", renders, f.renders.Load())
	}
	for _, tg := range ts {
		if tg.count() != 1 {
			t.Errorf("%s published %d times", tg.name, tg.count())
		}
	}
	if r.Summary.Warnings != 3 || len(r.Findings) != 15 {
		t.Errorf("unchanged cycle must still report the last findings: %+v", r.Summary)
	}
	// A real edit publishes version 2, with its first-seen date.
	f.clock.Add(24 * time.Hour)
	src.set(func(g *rules.Grid) { g.Cells[5][2].Value = "СЭД" })
	r = f.once(d)
	if r.Outcome != OutcomePublished || r.Version != 2 || ts[0].count() != 2 {
		t.Fatalf("edit: %+v", r)
	}
	if !strings.Contains(string(ts[0].files["perechen.html"]), "версия 2 от 24.11.2026") {
		t.Errorf("v2 label: %q", ts[0].files["perechen.html"])
	}
	for _, n := range []string{"registry.json", "perechen.html", "perechen.pdf"} {
		fi, err := os.Stat(filepath.Join(f.cfg.StateDir, "a", "versions", "0002", n))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("versions/0002/%s: %v %v", n, err, fi)
		}
	}
	fi, err := os.Stat(filepath.Join(f.cfg.StateDir, "a"))
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("state dir perms: %v %v", err, fi)
	}
}

func TestErrorsBlockPublishSiteKeepsLastGood(t *testing.T) {
	f := newFixture(t)
	d := f.daemon()
	src, ts := f.sources["a"], f.targets["a"]
	f.once(d)
	good := string(ts[0].files["perechen.html"])

	src.set(breakSample)
	f.clock.Add(time.Hour)
	r := f.once(d)
	if r.Outcome != OutcomeBlocked || r.Summary.Errors != 1 {
		t.Fatalf("blocked: %+v", r)
	}
	for _, want := range []string{"1 ошибка", "п. 2.2.2", "остаётся версия 1 от 23.11.2026"} {
		if !strings.Contains(r.Blocked, want) {
			t.Errorf("blocked reason %q lacks %q", r.Blocked, want)
		}
	}
	if ts[0].count() != 1 || string(ts[0].files["perechen.html"]) != good {
		t.Error("a blocked version reached the site")
	}
	if !hasLog(f, "publication blocked") {
		t.Error("no log line says publication is blocked")
	}
	// The note about the error is on the cell.
	if !strings.Contains(src.grid.Cells[5][0].Note, "process-number") {
		t.Errorf("note on A6: %q", src.grid.Cells[5][0].Note)
	}
	src.set(fixSample)
	f.clock.Add(time.Hour)
	r = f.once(d)
	if r.Outcome != OutcomeUpToDate || r.Blocked != "" {
		t.Fatalf("after fix (same content as v1): %+v", r)
	}
	if src.grid.Cells[5][0].Note != "" {
		t.Errorf("note not removed after fix: %q", src.grid.Cells[5][0].Note)
	}
	if ts[0].count() != 1 {
		t.Error("the same content was published twice")
	}
}

func TestWarningsBlockWhenConfigured(t *testing.T) {
	f := newFixture(t)
	f.cfg.Sources[0].BlockOn = "warning"
	d := f.daemon()
	r := f.once(d)
	if r.Outcome != OutcomeBlocked || !strings.Contains(r.Blocked, "3 предупреждения") || !strings.Contains(r.Blocked, "нет опубликованной версии") {
		t.Fatalf("%+v", r)
	}
}

func TestFailedTargetRetriedNextCycle(t *testing.T) {
	f := newFixture(t)
	ts := f.targets["a"]
	ts[1].setFail(errors.New("503 from dav"))
	d := f.daemon()
	r := f.once(d)
	if r.Outcome != OutcomePartlyPublished || len(r.Published) != 1 || len(r.Errors) != 1 || r.Errors[0].Kind != "publish" ||
		strings.Join(r.Failed, ",") != "webdav:https://dav/a" || r.ExitCode() != 1 ||
		!strings.HasPrefix(r.Headline, "версия 1 опубликована не везде: НЕ опубликована на webdav:https://dav/a") {
		t.Fatalf("%+v", r)
	}
	if ts[0].count() != 1 || ts[1].count() != 0 {
		t.Fatal("the healthy target must get the version regardless")
	}
	st := d.Statuses()[0]
	if st.Targets[1].LastError == "" || st.Targets[0].Version != 1 {
		t.Errorf("target states: %+v", st.Targets)
	}
	ts[1].setFail(nil)
	f.clock.Add(time.Minute)
	r = f.once(d) // notes round: up-to-date, but the retry happens
	f.clock.Add(time.Minute)
	r2 := f.once(d)
	if ts[1].count() != 1 || ts[0].count() != 1 {
		t.Fatalf("retry: dav %d dir %d; %+v %+v", ts[1].count(), ts[0].count(), r, r2)
	}
	if r2.Outcome != OutcomeUnchanged || len(r2.Published) != 0 {
		t.Errorf("after the retry nothing more: %+v", r2)
	}
	// The retry must also work on an unchanged sheet.
	ts[1].setFail(errors.New("down"))
	f.sources["a"].set(func(g *rules.Grid) { g.Cells[5][2].Value = "СЭД" })
	f.once(d)
	ts[1].setFail(nil)
	r = f.once(d)
	r = f.once(d)
	if r.Outcome != OutcomeUnchanged || ts[1].count() != 2 {
		t.Errorf("unchanged-cycle retry: %+v, dav %d", r, ts[1].count())
	}
}

func TestFetchErrorCountedNotFatal(t *testing.T) {
	f := newFixture(t)
	d := f.daemon()
	f.sources["a"].fetchErr = errors.New("429 Too Many Requests")
	r := f.once(d)
	if r.Outcome != OutcomeError || r.ExitCode() != 2 || r.Errors[0].Kind != "fetch" {
		t.Fatalf("%+v", r)
	}
	f.sources["a"].fetchErr = nil
	if r = f.once(d); r.Outcome != OutcomePublished {
		t.Fatalf("recovers: %+v", r)
	}
}

func TestNotesFailureRetriedAndPublishGoesOn(t *testing.T) {
	f := newFixture(t)
	d := f.daemon()
	src := f.sources["a"]
	src.notesErr = errors.New("sheet moved")
	r := f.once(d)
	if r.Outcome != OutcomePublished || len(r.Errors) != 1 || r.Errors[0].Kind != "notes" {
		t.Fatalf("%+v", r)
	}
	src.notesErr = nil
	r = f.once(d) // same grid, but the notes are still due: not "unchanged"
	if r.Outcome == OutcomeUnchanged || r.NotesWritten == 0 {
		t.Fatalf("notes not retried: %+v", r)
	}
}

func TestRestartResumesVersionsAndDeadlines(t *testing.T) {
	f := newFixture(t)
	ts := f.targets["a"]
	d := f.daemon()
	f.once(d)
	f.once(d)
	// A change appears while the sheet has an error: pending, not published.
	f.clock.Add(time.Hour)
	f.sources["a"].set(func(g *rules.Grid) { breakSample(g); g.Cells[5][2].Value = "СЭД" })
	r := f.once(d)
	if r.Outcome != OutcomeBlocked || len(r.Pending) == 0 {
		t.Fatalf("%+v", r)
	}
	first := r.Pending[0]
	wantDeadline := WeekdayCalendar{}.AddWorkingDays(first.FirstSeen, 10)
	if !first.Deadline.Equal(wantDeadline) {
		t.Errorf("deadline %s, want %s", first.Deadline, wantDeadline)
	}

	// Restart: a new daemon on the same state dir.
	f.clock.Add(9 * 24 * time.Hour) // Mon 23.11 + 9 days = Wed 02.12: deadline Mon 07.12 is 3 working days away
	d2 := f.daemon()
	st := d2.Statuses()[0]
	if st.Version == nil || st.Version.Number != 1 || len(st.Pending) != len(r.Pending) || st.Cycles != 0 {
		t.Fatalf("restart lost state: %+v", st)
	}
	r = f.once(d2)
	if r.Outcome != OutcomeBlocked || len(r.Pending) == 0 || !r.Pending[0].FirstSeen.Equal(first.FirstSeen) {
		t.Fatalf("resume: %+v", r)
	}
	if r.Pending[0].State != "warn" || r.Pending[0].DaysLeft != 3 || !hasLog(f, "publication deadline is near") {
		t.Errorf("warn at N-3: %+v", r.Pending[0])
	}
	f.clock.Add(5*24*time.Hour + 12*time.Hour) // Mon 07.12 23:00: the last day, not yet overdue
	r = f.once(d2)
	if r.Pending[0].State != "warn" || r.Pending[0].DaysLeft != 0 {
		t.Errorf("deadline day: %+v", r.Pending[0])
	}
	f.clock.Add(time.Hour) // Tue 08.12 00:00
	r = f.once(d2)
	if r.Pending[0].State != "overdue" || r.Pending[0].DaysLeft >= 0 || !hasLog(f, "publication deadline passed") {
		t.Errorf("overdue: %+v", r.Pending[0])
	}
	if got := gaugeValue(t, f, "perechen_publish_deadline_working_days", "a"); got >= 0 {
		t.Errorf("deadline gauge %v", got)
	}
	// Fix: version 2 goes out, the change is logged and no longer pending.
	f.sources["a"].set(fixSample)
	r = f.once(d2)
	if r.Outcome != OutcomePublished || r.Version != 2 || len(r.Pending) != 0 || ts[0].count() != 2 {
		t.Fatalf("publish after fix: %+v", r)
	}
	if !strings.Contains(string(ts[0].files["perechen.html"]), "новая точка «СЭД»") {
		t.Errorf("changes not passed to render: %q", ts[0].files["perechen.html"])
	}
	log, bad, err := ReadChangeLog(f.cfg.StateDir, "a")
	var v2 []LogEntry
	for _, e := range log {
		if e.Version == 2 {
			v2 = append(v2, e)
		}
	}
	if err != nil || len(bad) != 0 || len(v2) != 2 || !v2[0].FirstSeen.Equal(first.FirstSeen) || !v2[0].Published.Equal(f.clock.Now()) {
		t.Fatalf("change log: %+v %v %v", v2, bad, err)
	}
}

func TestCorruptStateSetAside(t *testing.T) {
	f := newFixture(t)
	d := f.daemon()
	f.once(d)
	path := filepath.Join(f.cfg.StateDir, "a", "last.json")
	if err := os.WriteFile(path, []byte(`{"schema": 1, "grid_hash": `), 0o600); err != nil {
		t.Fatal(err)
	}
	d2 := f.daemon()
	matches, _ := filepath.Glob(path + ".corrupt-*")
	if len(matches) != 1 {
		t.Fatalf("corrupt file not set aside: %v", matches)
	}
	if b, _ := os.ReadFile(matches[0]); string(b) != `{"schema": 1, "grid_hash": ` {
		t.Error("set-aside file changed")
	}
	if !hasLog(f, "state file is corrupt") {
		t.Error("no log line about the corrupt state")
	}
	r := f.once(d2)
	// Fresh state numbers after the versions already kept.
	if r.Outcome != OutcomePublished || r.Version != 2 {
		t.Fatalf("%+v", r)
	}
	var st State
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &st); err != nil || st.Version.Number != 2 {
		t.Errorf("new state: %v %+v", err, st.Version)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	f := newFixture(t)
	d := f.daemon(WithDryRun())
	r := f.once(d)
	if r.Outcome != OutcomeDryRun || f.sources["a"].noteWrites() != 0 || f.targets["a"][0].count() != 0 {
		t.Fatalf("%+v", r)
	}
	if len(r.Actions) < 2 || !strings.Contains(strings.Join(r.Actions, "\n"), "будет опубликована версия 1") {
		t.Errorf("actions: %q", r.Actions)
	}
	if _, err := os.Stat(f.cfg.StateDir); !os.IsNotExist(err) {
		t.Errorf("dry run created the state dir: %v", err)
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{1: "1 ошибка", 2: "2 ошибки", 5: "5 ошибок", 11: "11 ошибок", 12: "12 ошибок", 21: "21 ошибка", 22: "22 ошибки", 112: "112 ошибок"} {
		if got := plural(n, "ошибка", "ошибки", "ошибок"); got != want {
			t.Errorf("plural(%d) = %q", n, got)
		}
	}
}

func TestWeekdayCalendar(t *testing.T) {
	c := WeekdayCalendar{}
	mon := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if got := c.AddWorkingDays(mon, 10); !got.Equal(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("AddWorkingDays = %s", got)
	}
	if n := c.WorkingDaysBetween(mon, mon.AddDate(0, 0, 14)); n != 10 {
		t.Errorf("between = %d", n)
	}
	if n := c.WorkingDaysBetween(mon.AddDate(0, 0, 7), mon); n != -5 {
		t.Errorf("between reversed = %d", n)
	}
}

func hasLog(f *fixture, msg string) bool {
	for _, e := range f.logs.AllEntries() {
		if strings.Contains(e.Message, msg) {
			return true
		}
	}
	return false
}

func TestRestartRendersOnceToCheckForUpgrades(t *testing.T) {
	f := newFixture(t)
	ts := f.targets["a"]
	f.once(f.daemon())
	// New process, same renderers: a notes-only change in the sheet does
	// not publish again.
	d := f.daemon()
	f.sources["a"].set(func(g *rules.Grid) { g.Cells[5][1].Note = "заметка сотрудника" })
	if r := f.once(d); r.Outcome != OutcomeUpToDate || ts[0].count() != 1 {
		t.Fatalf("same renderers: %+v, %d publishes", r, ts[0].count())
	}
	// New process with changed renderers (an upgrade): version 2 goes out.
	f.rendererTag = "v2 "
	d = f.daemon()
	f.sources["a"].set(func(g *rules.Grid) { g.Cells[5][1].Note = "" })
	r := f.once(d)
	if r.Outcome != OutcomePublished || r.Version != 2 || ts[0].count() != 2 || !hasLog(f, "perechen upgraded") {
		t.Fatalf("upgrade: %+v", r)
	}
}

// Only errors and warnings become cell notes by default: notices (п. 2.9
// advice, other needs) are for the status page. note_level: notice asks for
// them in the sheet too.
func TestNoteLevel(t *testing.T) {
	for _, c := range []struct {
		level string
		notes int
	}{{"", 3}, {"warning", 3}, {"notice", 15}, {"error", 0}} {
		f := newFixture(t)
		f.cfg.Sources[0].NoteLevel = c.level
		d := f.daemon()
		r := f.once(d)
		if r.NotesPlanned != c.notes || r.Summary.Notices != 12 {
			t.Errorf("note_level %q: %d notes planned, want %d (%+v)", c.level, r.NotesPlanned, c.notes, r.Summary)
		}
	}
}
