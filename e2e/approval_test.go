package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/daemon"
)

// approvalWorld is the world with approval required for its source.
func approvalWorld(t *testing.T) *world {
	w := newWorld(t)
	mustWrite(t, w.cfgPath, []byte(strings.Replace(w.configYAML(""), "    notes: on\n", "    notes: on\n    approval: {required: true}\n", 1)))
	return w
}

func (w *world) approve(version int, doc string) (daemon.Approval, bool, error) {
	return daemon.Approve(w.stateDir, daemon.ApproveRequest{Source: "mimp", Version: version, By: "Швелидзе К.Г.",
		Document: doc, Via: "cli", Now: time.Now()})
}

// TestApprovalBeforePublication is issue 14's acceptance path against the
// fake Sheets API: a clean registry is not published until it is approved;
// then it is, with the approving document in the HTML and in the PDF's
// text; an edit after approval waits for a new approval; content with
// errors cannot be approved. Dates follow the spreadsheet's time zone.
func TestApprovalBeforePublication(t *testing.T) {
	w := approvalWorld(t)
	d := w.daemon()
	res := w.cycle(d)
	if res.Outcome != daemon.OutcomeAwaitingApproval || res.Awaiting == nil || res.Awaiting.Number != 1 {
		t.Fatalf("first cycle: %s %s", res.Outcome, res.Headline)
	}
	if entries, _ := os.ReadDir(w.site); len(entries) != 0 || len(w.dav.Files()) != 0 {
		t.Fatalf("published before approval: %d files in the folder, %v on WebDAV", len(entries), w.dav.Files())
	}
	st := w.status(d)
	if st.Awaiting == nil || st.Awaiting.Deadline.IsZero() || st.TimeZone != "Europe/Moscow" {
		t.Errorf("status.json: awaiting %+v, zone %q (the fake spreadsheet's is Europe/Moscow)", st.Awaiting, st.TimeZone)
	}
	page := w.page(d, "/source/mimp")
	for _, want := range []string{"Версия 1 от ", "ждёт утверждения", "Срок размещения по п. 5.5 продолжает идти", "perechen approve --config ФАЙЛ --source mimp --version 1"} {
		if !strings.Contains(page, want) {
			t.Errorf("status page lacks %q", want)
		}
	}

	const doc1 = "приказ Министерства информации и молодежной политики Московской области от 01.12.2026 № 27П-50"
	if _, _, err := w.approve(1, doc1); err != nil {
		t.Fatal(err)
	}
	res = w.cycle(d)
	if res.Outcome != daemon.OutcomePublished || res.Version != 1 || len(res.Published) != 2 {
		t.Fatalf("after approval: %s %+v", res.Outcome, res.Errors)
	}
	site := w.siteFiles()
	html := string(site["index.html"])
	for _, want := range []string{"УТВЕРЖДЁН", "приказом Министерства информации и молодежной политики Московской области", "от 01.12.2026 № 27П-50"} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if text := pdfText(t, site["perechen.pdf"]); !strings.Contains(text, "УТВЕРЖДЁН") || !strings.Contains(squeeze(text), squeeze("приказом Министерства информации и молодежной политики Московской области от 01.12.2026 № 27П-50")) {
		t.Errorf("PDF text lacks the grif:\n%s", text[:min(len(text), 1500)])
	}
	if b, ok := w.dav.File(davPath + "index.html"); !ok || !bytes.Equal(b, site["index.html"]) {
		t.Error("WebDAV lacks the approved version")
	}

	// An edit after approval is not published until approved again.
	w.sheets.SetValue(sheet, rowA6, colC, "СЭД")
	res = w.cycle(d)
	if res.Outcome != daemon.OutcomeAwaitingApproval || res.Awaiting.Number != 2 || !sameFiles(w.siteFiles(), site) {
		t.Fatalf("edit after approval: %s %s", res.Outcome, res.Headline)
	}
	w.cycle(d) // the notes round
	if _, _, err := w.approve(1, doc1); !isRefusal(err, "версия 1 уже не текущая") {
		t.Errorf("approving the old version: %v", err)
	}
	const doc2 = "приказ от 03.12.2026 № 27П-51"
	if _, _, err := w.approve(0, doc2); err != nil {
		t.Fatal(err)
	}
	if res = w.cycle(d); res.Outcome != daemon.OutcomePublished || res.Version != 2 || !strings.Contains(string(w.siteFiles()["index.html"]), "от 03.12.2026 № 27П-51") {
		t.Fatalf("version 2: %s %s", res.Outcome, res.Headline)
	}

	// Content with errors cannot be approved.
	w.sheets.SetValue(sheet, rowA6, colA, "x")
	if res = w.cycle(d); res.Outcome != daemon.OutcomeBlocked {
		t.Fatalf("broken: %s", res.Outcome)
	}
	if _, _, err := w.approve(0, doc2); !isRefusal(err, "не прошло проверку") {
		t.Errorf("approving content with errors: %v", err)
	}
}

// TestApproveRacesRunningDaemon: the daemon's loop runs against the fake
// sheet (cycles every 200 ms) while staff edit the sheet and four
// approvers approve whatever waits, all at once. Nothing is lost or
// doubled: each (version, content) is approved at most once, every
// approval that returned is in changes.jsonl, the log has no torn line,
// and once the edits stop the last approved version is what the site shows.
func TestApproveRacesRunningDaemon(t *testing.T) {
	w := approvalWorld(t)
	d := w.daemon()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, nil, w.load) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	var mu gosync.Mutex
	var recorded []daemon.Approval
	stop := make(chan struct{})
	var wg gosync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-time.After(37 * time.Millisecond):
				}
				a, already, err := w.approve(0, fmt.Sprintf("приказ от 01.12.2026 № %d-%d", i, n))
				var refused *daemon.ApproveError
				switch {
				case errors.As(err, &refused):
				case err != nil:
					t.Error(err)
				case !already:
					mu.Lock()
					recorded = append(recorded, a)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range 6 {
		time.Sleep(250 * time.Millisecond)
		// two clean contents in turn: each edit makes a new version to approve
		w.sheets.SetValue(sheet, rowA6+1, colC, []string{"Электронная почта ОИВ", "СЭД"}[i%2])
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()

	// Quiet now: approve what waits (if anything) and see it on the site.
	var last daemon.Approval
	waitFor(t, "the daemon to settle on the last content", func() bool {
		st, _ := daemon.ReadState(w.stateDir, "mimp")
		if st == nil {
			return false
		}
		if st.Candidate != nil {
			a, _, err := w.approve(st.Candidate.Number, "приказ от 04.12.2026 № финал")
			if err == nil {
				last = a
			}
			return false
		}
		return st.Version != nil && st.Version.Approval != nil && st.Version.ContentHash == st.RegistryHash && len(st.Pending) == 0
	})
	entries, bad, err := daemon.ReadChangeLog(w.stateDir, "mimp")
	if err != nil || len(bad) != 0 {
		t.Fatalf("changes.jsonl: %v, torn lines %v", err, bad)
	}
	seen := map[string]int{}
	logged := map[string]bool{}
	for _, e := range entries {
		if e.Kind == daemon.ApprovalKind {
			key := fmt.Sprintf("%d/%s", e.Approval.Version, e.Approval.ContentHash)
			seen[key]++
			logged[e.Approval.Document] = true
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("version %s approved %d times", k, n)
		}
	}
	if last.Document != "" {
		recorded = append(recorded, last)
	}
	for _, a := range recorded {
		if !logged[a.Document] {
			t.Errorf("approval %q returned but is not in changes.jsonl", a.Document)
		}
	}
	st, _ := daemon.ReadState(w.stateDir, "mimp")
	if html := string(w.siteFiles()["index.html"]); !strings.Contains(html, strings.TrimPrefix(st.Version.Approval.Document, "приказ ")) {
		t.Errorf("the site does not show the approval of version %d (%s)", st.Version.Number, st.Version.Approval.Document)
	}
	t.Logf("%d approvals recorded during the race, %d versions approved", len(recorded), len(seen))
}

func isRefusal(err error, want string) bool {
	var ae *daemon.ApproveError
	return errors.As(err, &ae) && strings.Contains(ae.Reason, want)
}

// pdfText extracts a PDF's text with poppler's pdftotext; without the tool
// the test is skipped, except under CI=true where .ci/run installs it.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found; CI must install poppler-utils")
		}
		t.Skip("pdftotext not found (apt-get install poppler-utils)")
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	mustWrite(t, in, pdf)
	out, err := exec.Command(bin, "-enc", "UTF-8", "-raw", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }
