package daemon

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

func approvalFixture(t *testing.T) (*fixture, *Daemon) {
	t.Helper()
	f := newFixture(t)
	f.cfg.Sources[0].Approval.Required = true
	return f, f.daemon()
}

func (f *fixture) approve(version int, doc string) (Approval, bool, error) {
	return Approve(f.cfg.StateDir, ApproveRequest{Source: "a", Version: version, By: "Иванова И.И.", Document: doc, Via: "cli", Now: f.clock.Now()})
}

func refusal(t *testing.T, err error, want string) {
	t.Helper()
	var ae *ApproveError
	if !errors.As(err, &ae) || !strings.Contains(ae.Reason, want) {
		t.Errorf("Approve error = %v, want an ApproveError with %q", err, want)
	}
}

// TestApprovalRequired: a clean version waits for approval (not published,
// deadline still running); the approval publishes it with its grif; an edit
// after approval waits for a new one; errors and stale versions are refused.
func TestApprovalRequired(t *testing.T) {
	f, d := approvalFixture(t)
	ts := f.targets["a"]
	const doc1 = "приказ от 01.12.2026 № 27П-50"

	r := f.once(d)
	if r.Outcome != OutcomeAwaitingApproval || r.Awaiting == nil || r.Awaiting.Number != 1 || ts[0].count() != 0 || r.ExitCode() != 0 {
		t.Fatalf("first cycle: %s %+v", r.Outcome, r.Awaiting)
	}
	if !strings.Contains(r.Headline, "версия 1 от 23.11.2026 ждёт утверждения (п. 5.1–5.2) и не опубликована") ||
		!strings.Contains(r.Headline, "срок размещения по п. 5.5 — 07.12.2026") || !strings.Contains(r.Headline, "perechen approve --source a --version 1") {
		t.Errorf("headline: %s", r.Headline)
	}
	draft, err := os.ReadFile(filepath.Join(f.cfg.StateDir, "a", "versions", "0001", "perechen.html"))
	if err != nil || strings.Contains(string(draft), "УТВЕРЖДЁН") {
		t.Errorf("draft of version 1 for review: %v %q", err, draft)
	}
	if v := gaugeValue(t, f, "perechen_awaiting_approval_since_timestamp_seconds", "a"); v != float64(f.clock.Now().Unix()) {
		t.Errorf("awaiting gauge %v", v)
	}
	if v := gaugeValue(t, f, "perechen_publish_deadline_working_days", "a"); v != 10 {
		t.Errorf("the deadline must keep counting while awaiting approval: %v", v)
	}
	st := d.Statuses()[0]
	if st.Awaiting == nil || st.Awaiting.Number != 1 || st.Awaiting.DaysLeft != 10 || !st.ApprovalRequired {
		t.Errorf("status: %+v", st.Awaiting)
	}
	// Idle cycles keep waiting.
	f.clock.Add(time.Minute)
	f.once(d)
	f.clock.Add(time.Minute)
	if r = f.once(d); r.Outcome != OutcomeUnchanged || r.Awaiting == nil || ts[0].count() != 0 || !strings.Contains(r.Headline, "ждёт утверждения") {
		t.Fatalf("idle: %s %s", r.Outcome, r.Headline)
	}

	_, _, err = f.approve(2, doc1)
	refusal(t, err, "версии 2 нет; утверждения ждёт версия 1")
	_, _, err = Approve(f.cfg.StateDir, ApproveRequest{Source: "a", By: " ", Document: doc1})
	refusal(t, err, "--by")
	a, already, err := f.approve(0, doc1)
	if err != nil || already || a.Version != 1 {
		t.Fatalf("approve: %+v %v %v", a, already, err)
	}
	if _, already, err := f.approve(1, doc1); err != nil || !already {
		t.Errorf("the same approval again: already=%v err=%v", already, err)
	}
	_, _, err = f.approve(1, "приказ от 02.12.2026 № 1")
	refusal(t, err, "уже утверждена другим документом: "+doc1)

	f.clock.Add(time.Minute)
	r = f.once(d)
	if r.Outcome != OutcomePublished || r.Version != 1 || ts[0].count() != 1 || ts[1].count() != 1 {
		t.Fatalf("after approval: %s %+v", r.Outcome, r.Errors)
	}
	if page := string(ts[0].files["perechen.html"]); !strings.Contains(page, "УТВЕРЖДЁН "+doc1+" (23.11.2026)") {
		t.Errorf("published page lacks the approval: %q", page)
	}
	if st := d.Statuses()[0]; st.Awaiting != nil || st.Version.Approval == nil || st.Version.Approval.By != "Иванова И.И." {
		t.Errorf("status after release: %+v %+v", st.Awaiting, st.Version)
	}
	if n := testCount(t, f, "perechen_awaiting_approval_since_timestamp_seconds"); n != 0 {
		t.Errorf("awaiting gauge still exported")
	}

	// An edit after approval: a new candidate, not published, version 1's
	// approval does not carry over.
	f.clock.Add(time.Hour)
	f.sources["a"].set(func(g *rules.Grid) { g.Cells[5][2].Value = "СЭД" })
	r = f.once(d)
	if r.Outcome != OutcomeAwaitingApproval || r.Awaiting.Number != 2 || ts[0].count() != 1 {
		t.Fatalf("edit: %s %+v", r.Outcome, r.Awaiting)
	}
	_, _, err = f.approve(1, doc1)
	refusal(t, err, "версия 1 уже не текущая")

	// Errors: nothing to approve, the candidate is gone.
	f.sources["a"].set(breakSample)
	if r = f.once(d); r.Outcome != OutcomeBlocked || r.Awaiting != nil {
		t.Fatalf("broken: %s %+v", r.Outcome, r.Awaiting)
	}
	_, _, err = f.approve(0, doc1)
	refusal(t, err, "не прошло проверку")
	_, _, err = f.approve(2, doc1)
	refusal(t, err, "не прошло проверку")

	// Fixed: version 3 (2 was superseded) waits, is approved, goes out.
	f.sources["a"].set(fixSample)
	if r = f.once(d); r.Outcome != OutcomeAwaitingApproval || r.Awaiting.Number != 3 {
		t.Fatalf("fixed: %s %+v", r.Outcome, r.Awaiting)
	}
	if _, _, err := f.approve(3, "распоряжение от 03.12.2026 № 9"); err != nil {
		t.Fatal(err)
	}
	if r = f.once(d); r.Outcome != OutcomePublished || r.Version != 3 || !strings.Contains(string(ts[0].files["perechen.html"]), "распоряжение от 03.12.2026 № 9") {
		t.Fatalf("v3: %s", r.Outcome)
	}
	log, _, err := ReadChangeLog(f.cfg.StateDir, "a")
	if err != nil {
		t.Fatal(err)
	}
	var approvals []string
	for _, e := range log {
		if e.Kind == ApprovalKind {
			approvals = append(approvals, e.Russian)
		}
	}
	if len(approvals) != 2 || !strings.Contains(approvals[0], "версия 1 утверждена: "+doc1+" (утвердил(а): Иванова И.И.)") {
		t.Errorf("approvals in changes.jsonl: %q", approvals)
	}
}

// A restart keeps the candidate; an approval recorded while the daemon was
// down publishes it on the first cycle.
func TestApprovalSurvivesRestart(t *testing.T) {
	f, d := approvalFixture(t)
	f.once(d)
	if _, _, err := f.approve(1, "приказ от 01.12.2026 № 1"); err != nil {
		t.Fatal(err)
	}
	d2 := f.daemon()
	if st := d2.Statuses()[0]; st.Awaiting == nil || st.Awaiting.Number != 1 {
		t.Fatalf("restart lost the candidate: %+v", st.Awaiting)
	}
	if r := f.once(d2); r.Outcome != OutcomePublished || r.Version != 1 {
		t.Fatalf("%s %+v", r.Outcome, r.Errors)
	}
}

func TestApproveWithoutState(t *testing.T) {
	_, _, err := Approve(t.TempDir(), ApproveRequest{Source: "a", By: "Б", Document: "приказ"})
	refusal(t, err, "служба ещё не проверяла источник a")
	f := newFixture(t)
	d := f.daemon()
	f.once(d) // approval not required: published at once
	_, _, err = f.approve(0, "приказ")
	refusal(t, err, "нет версии, ожидающей утверждения (на сайте версия 1 от 23.11.2026)")
}

// TestApproveFromStatusPage: the form needs the status token and the page's
// MAC, records the same approval and wakes the source's loop.
func TestApproveFromStatusPage(t *testing.T) {
	f, d := approvalFixture(t)
	f.cfg.Status.Token = "tok"
	f.once(d)
	h := d.Handler()
	auth := map[string]string{"Authorization": "Bearer tok"}
	code, body, _ := get(t, h, "/source/a", auth)
	if code != 200 || !strings.Contains(body, `<form method="post" action="a/approve">`) || !strings.Contains(body, "Версия 1 от 23.11.2026 ждёт утверждения") {
		t.Fatalf("source page %d lacks the form:\n%s", code, body)
	}
	mac := approveMAC("tok", "a", 1, d.Statuses()[0].Awaiting.ContentHash)
	post := func(form url.Values, hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/source/a/approve", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	good := url.Values{"version": {"1"}, "csrf": {mac}, "by": {"Петров П.П."}, "document": {"приказ от 01.12.2026 № 5"}}
	if rec := post(good, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("without the token: %d", rec.Code)
	}
	forged := url.Values{"version": {"1"}, "csrf": {"00"}, "by": {"X"}, "document": {"Y"}}
	if rec := post(forged, auth); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Страница устарела") {
		t.Errorf("forged form: %d", rec.Code)
	}
	empty := url.Values{"version": {"1"}, "csrf": {mac}, "by": {"Петров П.П."}}
	if rec := post(empty, auth); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "укажите утверждающий документ") {
		t.Errorf("no document: %d %s", rec.Code, rec.Body)
	}
	rec := post(good, auth)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "../a?approved=1" {
		t.Fatalf("approve: %d %v", rec.Code, rec.Header())
	}
	select {
	case <-d.runners[0].kick:
	default:
		t.Error("the loop was not woken")
	}
	if r := f.once(d); r.Outcome != OutcomePublished || !strings.Contains(string(f.targets["a"][0].files["perechen.html"]), "приказ от 01.12.2026 № 5") {
		t.Fatalf("after the form: %s", r.Outcome)
	}
	code, body, _ = get(t, h, "/source/a?approved=1", auth)
	if code != 200 || !strings.Contains(body, "Утверждение версии 1 записано") || !strings.Contains(body, "утверждена: приказ от 01.12.2026 № 5 (Петров П.П.") {
		t.Errorf("after the redirect:\n%s", body)
	}

	// Without a token there is no form, and posting is refused.
	f2, d2 := approvalFixture(t)
	f2.once(d2)
	if _, body, _ := get(t, d2.Handler(), "/source/a", nil); strings.Contains(body, "<form") || !strings.Contains(body, "perechen approve --config ФАЙЛ --source a --version 1") {
		t.Errorf("tokenless page offers a form or lacks the command")
	}
	req := httptest.NewRequest(http.MethodPost, "/source/a/approve", strings.NewReader(good.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	d2.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("tokenless POST: %d", rec.Code)
	}
}

// testCount is how many series a metric family has.
func testCount(t *testing.T, f *fixture, name string) int {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return len(mf.GetMetric())
		}
	}
	return 0
}
