package e2e

import (
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

// Cells of the sample form (0-based): A6 is the first process number, C6 a
// touchpoint of it.
const (
	rowA6, colA = 5, 0
	colC        = 2
	humanNote   = "Проверить с отделом кадров — Иванова"
)

// TestEditNotesFixPublish is the main acceptance path: an edit in the sheet
// gets a note on the right cell in one batchUpdate while publishing is held
// back; the fix removes perechen's block but keeps the person's text; the
// fixed version is published once; unchanged cycles then cost one read and
// no writes anywhere.
func TestEditNotesFixPublish(t *testing.T) {
	w := newWorld(t)
	w.sheets.SetNote(sheet, rowA6, colA, humanNote)
	d := w.daemon()

	// First cycle: the clean sample is published to both targets.
	res := w.cycle(d)
	if res.Outcome != daemon.OutcomePublished || res.Version != 1 || len(res.Published) != 2 || len(res.Errors) != 0 {
		t.Fatalf("first cycle: %+v", res)
	}
	if got := w.sheets.Note(sheet, rowA6, colA); got != humanNote {
		t.Fatalf("a clean cell's human note changed: %q", got)
	}
	site1, dav1 := w.siteFiles(), w.davFiles()
	for _, f := range []string{"index.html", "perechen.pdf"} {
		if _, ok := site1[f]; !ok {
			t.Errorf("dir target lacks %s (has %s)", f, names(site1))
		}
		if _, ok := dav1[davPath+f]; !ok {
			t.Errorf("WebDAV lacks %s (has %s)", f, names(dav1))
		}
	}
	if !strings.Contains(string(site1["index.html"]), "версия 1") {
		t.Errorf("index.html does not name version 1")
	}

	// The notes the first cycle wrote (the sample's warnings) are expected
	// in the next read's hash, so an unchanged sheet is not even linted
	// again: one read, no writes.
	idleCycle(t, w, d, daemon.OutcomeUnchanged, site1, dav1)
	idleCycle(t, w, d, daemon.OutcomeUnchanged, site1, dav1)

	// Edit: a broken process number (error) plus a real content change.
	w.sheets.SetValue(sheet, rowA6, colA, "x")
	w.sheets.SetValue(sheet, rowA6, colC, "СЭД")
	w.sheets.ResetCounts()
	w.dav.ResetCounts()
	res = w.cycle(d)
	if res.Outcome != daemon.OutcomeBlocked || res.Summary.Errors == 0 {
		t.Fatalf("edit: outcome %s, summary %+v", res.Outcome, res.Summary)
	}
	if n := w.sheets.Count("batchUpdate"); n != 1 {
		t.Errorf("edit: %d batchUpdates, want exactly 1", n)
	}
	if n := w.sheets.Count("rejected"); n != 0 {
		t.Errorf("edit: %d batchUpdates touched more than notes", n)
	}
	batches := w.sheets.Batches()
	if len(batches) != 1 || !touches(batches[0], rowA6, colA) {
		t.Errorf("edit: batch does not write A6: %+v", batches)
	}
	note := w.sheets.Note(sheet, rowA6, colA)
	if !strings.HasPrefix(note, humanNote+"\n\n") || !strings.Contains(note, "perechen: ") || !strings.Contains(note, "п. ") {
		t.Errorf("A6 note lacks the human text or perechen's block:\n%s", note)
	}
	if got := w.sheets.Value(sheet, rowA6, colA); got != "x" {
		t.Errorf("cell value changed by the daemon: %q", got)
	}
	// The site keeps version 1 on both targets; the status page says why.
	if !sameFiles(w.siteFiles(), site1) || !sameFiles(w.davFiles(), dav1) || w.dav.Writes() != 0 {
		t.Errorf("blocked cycle changed the site (dav writes %d)", w.dav.Writes())
	}
	st := w.status(d)
	if !strings.Contains(st.Blocked, "п. 2.2.2") || !strings.Contains(st.Blocked, "ошиб") || !strings.Contains(st.Blocked, "версия 1") {
		t.Errorf("status.json blocked reason: %q", st.Blocked)
	}
	if st.Summary.Errors == 0 || len(st.Findings) == 0 {
		t.Errorf("status.json lacks findings: %+v", st.Summary)
	}
	if len(st.Pending) == 0 {
		t.Errorf("status.json: the C6 change is not pending")
	}
	var link string
	for _, f := range st.Findings {
		if f.Diagnostic.Severity.String() == "error" && f.Link != "" {
			link = f.Link
		}
	}
	if !strings.Contains(link, w.sheets.ID) || !strings.Contains(link, "A6") {
		t.Errorf("error finding has no deep link to A6: %q", link)
	}
	page := w.page(d, "/source/mimp")
	deadline := "срок — <strong>" + st.Pending[0].Deadline.Local().Format("02.01.2006") + "</strong>"
	for _, want := range []string{"п. 2.2.2", `range=A6">Перечень!A6</a>`, deadline, "остаётся версия 1"} {
		if !strings.Contains(page, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	if index := w.page(d, "/"); !strings.Contains(index, "на сайте — версия 1") || !strings.Contains(index, "срок — ") {
		t.Errorf("index page does not show what the site has and the deadline")
	}

	// Unchanged while blocked: one read, no writes, not even a lint (our own notes are expected).
	idleCycle(t, w, d, daemon.OutcomeUnchanged, site1, dav1)
	idleCycle(t, w, d, daemon.OutcomeUnchanged, site1, dav1)

	// Fix: perechen's block goes, the human text stays, version 2 goes out once.
	w.sheets.SetValue(sheet, rowA6, colA, "1")
	w.sheets.ResetCounts()
	w.dav.ResetCounts()
	res = w.cycle(d)
	if res.Outcome != daemon.OutcomePublished || res.Version != 2 || len(res.Published) != 2 {
		t.Fatalf("fix: %+v", res)
	}
	if n := w.sheets.Count("batchUpdate"); n != 1 {
		t.Errorf("fix: %d batchUpdates, want 1", n)
	}
	if got := w.sheets.Note(sheet, rowA6, colA); got != humanNote {
		t.Errorf("after the fix A6's note is %q, want the human text only", got)
	}
	site2, dav2 := w.siteFiles(), w.davFiles()
	if !strings.Contains(string(site2["index.html"]), "СЭД") || string(dav2[davPath+"index.html"]) != string(site2["index.html"]) {
		t.Errorf("version 2 not on both targets")
	}
	if w.dav.Writes() == 0 {
		t.Errorf("no WebDAV writes for version 2")
	}
	st = w.status(d)
	if st.Blocked != "" || len(st.Pending) != 0 || st.Version == nil || st.Version.Number != 2 {
		t.Errorf("status after publishing: blocked %q, pending %d, version %+v", st.Blocked, len(st.Pending), st.Version)
	}

	// Unchanged cycles publish nothing: one read, no note or site writes.
	idleCycle(t, w, d, daemon.OutcomeUnchanged, site2, dav2)
	for range 3 {
		idleCycle(t, w, d, daemon.OutcomeUnchanged, site2, dav2)
	}
}

// idleCycle runs a cycle that must end with want and cost one read and no
// writes.
func idleCycle(t *testing.T, w *world, d *daemon.Daemon, want daemon.Outcome, site, dav map[string][]byte) {
	t.Helper()
	w.sheets.ResetCounts()
	w.dav.ResetCounts()
	if res := w.cycle(d); res.Outcome != want || len(res.Published) != 0 || res.NotesWritten != 0 || len(res.Errors) != 0 {
		t.Fatalf("idle cycle: outcome %s (want %s), published %v, notes %d, errors %v", res.Outcome, want, res.Published, res.NotesWritten, res.Errors)
	}
	assertIdle(t, w, site, dav)
}

// assertIdle checks that the cycle just run cost exactly one Sheets read
// and wrote nothing: no notes, no WebDAV request that changes state, the
// same files in the folder.
func assertIdle(t *testing.T, w *world, site, dav map[string][]byte) {
	t.Helper()
	c := w.sheets.Counts()
	reads := c["get"] + c["values.get"]
	if reads != 1 || c["batchUpdate"] != 0 {
		t.Errorf("unchanged cycle: %d reads, %d batchUpdates (counts %v); want 1 and 0", reads, c["batchUpdate"], c)
	}
	if n := w.dav.Writes(); n != 0 {
		t.Errorf("unchanged cycle: %d WebDAV writes", n)
	}
	if !sameFiles(w.siteFiles(), site) || !sameFiles(w.davFiles(), dav) {
		t.Errorf("unchanged cycle changed the site")
	}
}

func touches(ws []sheetsfake.NoteWrite, row, col int) bool {
	for _, x := range ws {
		if x.Row == row && x.Col == col {
			return true
		}
	}
	return false
}
