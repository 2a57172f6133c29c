package sync

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"google.golang.org/api/sheets/v4"

	"github.com/perechen-oiv/perechen/internal/logbuf"
	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

const sheetTitle = "Перечень"

type sheetsHarness struct {
	t    testing.TB
	fake *sheetsfake.Fake
	src  *SheetsSource
	logs *logbuf.Buffer
	errs []error
}

func newSheetsHarness(t testing.TB, g rules.Grid, mod func(*SheetsConfig)) *sheetsHarness {
	t.Helper()
	f := sheetsfake.New(t)
	f.Rename("Лист1", g.Sheet) // the sheet becomes the first one, gid 0
	f.LoadGrid(g)
	h := &sheetsHarness{t: t, fake: f, logs: &logbuf.Buffer{}}
	logger := logrus.New()
	logger.Out = h.logs
	logger.Level = logrus.DebugLevel
	cfg := SheetsConfig{
		SpreadsheetID: f.ID, Sheet: g.Sheet, CredentialsJSON: f.CredentialsJSON(),
		Endpoint: f.URL, HTTPClient: f.Client(), Notes: true,
		Timeout: 5 * time.Second, RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond, Logger: logger,
	}
	if mod != nil {
		mod(&cfg)
	}
	src, err := NewSheetsSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.src = src
	t.Cleanup(h.assertNoSecrets)
	return h
}

// cycle is one daemon cycle: fetch, lint, plan, write.
func (h *sheetsHarness) cycle(now time.Time) ([]NoteChange, error) {
	h.t.Helper()
	changes, _, err := h.cycleDiags(now)
	return changes, err
}

// cycleDiags is cycle that also returns the findings it planned from.
func (h *sheetsHarness) cycleDiags(now time.Time) ([]NoteChange, []rules.Diagnostic, error) {
	h.t.Helper()
	snap, err := h.src.Fetch(context.Background())
	if err != nil {
		h.errs = append(h.errs, err)
		return nil, nil, err
	}
	reg, diags := lintGrid(h.t, snap.Grid)
	changes := PlanNotes(snap.Grid, reg, diags, now)
	err = h.src.WriteNotes(context.Background(), snap, changes)
	if err != nil {
		h.errs = append(h.errs, err)
	}
	return changes, diags, err
}

// assertNoSecrets checks that no key material or token reached an error or a log line.
func (h *sheetsHarness) assertNoSecrets() {
	keyLine := h.fake.PrivateKeyPEMLine()
	texts := []string{h.logs.String()}
	for _, err := range h.errs {
		texts = append(texts, err.Error())
	}
	for _, s := range texts {
		for _, secret := range []string{keyLine, "PRIVATE KEY", "ya29.", "Bearer", "assertion"} {
			if strings.Contains(s, secret) {
				h.t.Errorf("secret %q leaked into %q", secret, s)
			}
		}
	}
}

func flaggedCells(t testing.TB, g rules.Grid) map[[2]int]int {
	_, diags := lintGrid(t, g)
	out := map[[2]int]int{}
	for _, d := range diags {
		out[[2]int{d.Ref.Row, d.Ref.Col}]++
	}
	return out
}

func TestSheetsCycle(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	h.fake.SetNote(sheetTitle, 5, 1, "Спросить у Иванова") // human note on a flagged cell
	h.fake.SetNote(sheetTitle, 0, 0, "Заметка над таблицей")
	before := h.fake.Grid(sheetTitle)

	// First cycle: one read, one guard read, one batchUpdate with exactly the flagged cells.
	changes, err := h.cycle(now0)
	if err != nil {
		t.Fatal(err)
	}
	c := h.fake.Counts()
	if c["get"] != 2 || c["batchUpdate"] != 1 || c["rejected"] != 0 || c["token"] != 1 {
		t.Fatalf("first cycle requests: %v", c)
	}
	flagged := flaggedCells(t, before)
	batch := h.fake.Batches()[0]
	if len(batch) != len(flagged) || len(changes) != len(flagged) {
		t.Fatalf("batch wrote %d notes, %d cells are flagged", len(batch), len(flagged))
	}
	for _, w := range batch {
		if flagged[[2]int{w.Row, w.Col}] == 0 || w.SheetID != h.fake.SheetID(sheetTitle) {
			t.Fatalf("note written on unflagged cell %+v", w)
		}
		_, block := SplitNote(w.Note)
		if !strings.HasPrefix(block, "perechen: ") || strings.Count(block, "\n• ") != flagged[[2]int{w.Row, w.Col}] {
			t.Fatalf("cell %v got %q", w, w.Note)
		}
	}
	if n := h.fake.Note(sheetTitle, 5, 1); !strings.HasPrefix(n, "Спросить у Иванова\n\nperechen: ") {
		t.Fatalf("human note lost: %q", n)
	}
	after := h.fake.Grid(sheetTitle)
	assertValuesEqual(t, before, after)
	if after.At(0, 0).Note != "Заметка над таблицей" {
		t.Fatal("note outside the table touched")
	}

	// Unchanged sheet: one read, no write.
	h.fake.ResetCounts()
	if changes, err := h.cycle(now0.Add(time.Hour)); err != nil || len(changes) != 0 {
		t.Fatalf("unchanged cycle: %d changes, %v", len(changes), err)
	}
	if c := h.fake.Counts(); c["get"] != 1 || c["batchUpdate"] != 0 || c["token"] != 0 {
		t.Fatalf("unchanged cycle requests: %v", c)
	}

	// A person fixes D13: its block is removed (no human text: note deleted).
	if h.fake.Note(sheetTitle, 12, 3) == "" {
		t.Fatal("D13 should carry a block")
	}
	h.fake.SetValue(sheetTitle, 12, 3, "Получение информации, в том числе о ходе рассмотрения документов\nПолучение консультации")
	h.fake.ResetCounts()
	changes, err = h.cycle(now0.Add(2 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || h.fake.Note(sheetTitle, 12, 3) != "" || h.fake.Count("batchUpdate") != 1 {
		t.Fatalf("fix cycle: %+v, D13 note %q", changes, h.fake.Note(sheetTitle, 12, 3))
	}
	if got := h.fake.Scopes(); len(got) != 1 || got[0] != SheetsScope {
		t.Fatalf("scopes requested: %q", got)
	}
}

func assertValuesEqual(t testing.TB, a, b rules.Grid) {
	t.Helper()
	rows := max(len(a.Cells), len(b.Cells))
	for r := 0; r < rows; r++ {
		w := max(len(a.Cells[min(r, len(a.Cells)-1)]), len(b.Cells[min(r, len(b.Cells)-1)]))
		for c := 0; c < w; c++ {
			if a.Value(r, c) != b.Value(r, c) {
				t.Fatalf("value at %s changed: %q -> %q", rules.Ref{Row: r, Col: c}.A1(), a.Value(r, c), b.Value(r, c))
			}
		}
	}
}

func TestSheetsFetchGrid(t *testing.T) {
	g := rules.SampleGrid()
	g.Merges = []rules.Range{{Row0: 6, Col0: 0, Row1: 7, Col1: 0}}
	h := newSheetsHarness(t, g, func(c *SheetsConfig) { c.Sheet = "" })
	h.fake.AddSheet("Другой лист")
	h.fake.SetNote(sheetTitle, 30, 7, "далеко внизу")
	snap, err := h.src.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := h.fake.Grid(sheetTitle)
	if snap.Grid.Sheet != sheetTitle || HashGrid(snap.Grid) != HashGrid(want) || snap.Hash != HashGrid(want) {
		t.Fatalf("fetched grid differs from the sheet")
	}
	if len(snap.Grid.Merges) != 1 || snap.Grid.At(30, 7).Note != "далеко внизу" {
		t.Fatalf("merges %v, H31 note %q", snap.Grid.Merges, snap.Grid.At(30, 7).Note)
	}
	// Without a title: the tab list, the first rows of every tab, the
	// chosen tab; then the tab list and the chosen tab while tabs stay.
	if h.fake.Count("get") != 3 {
		t.Fatalf("first fetch took %d requests, want 3", h.fake.Count("get"))
	}
	if _, err := h.src.Fetch(context.Background()); err != nil || h.fake.Count("get") != 5 {
		t.Fatalf("second fetch: %v, %d requests in all, want 5", err, h.fake.Count("get"))
	}
	gid := h.fake.SheetID(sheetTitle)
	link := h.src.Link(rules.Ref{Sheet: sheetTitle, Row: 21, Col: 2})
	if link != "https://docs.google.com/spreadsheets/d/"+h.fake.ID+"/edit#gid=0&range=C22" || gid != 0 {
		t.Fatalf("link = %s", link)
	}
}

func TestSheetsUnknownSheet(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.Sheet = "Перечень 2025" })
	_, err := h.src.Fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "лист «Перечень 2025» не найден") || !strings.Contains(err.Error(), "«Перечень»") {
		t.Fatalf("err = %v", err)
	}
	h.errs = append(h.errs, err)
}

func TestSheetsAccessErrors(t *testing.T) {
	t.Run("403", func(t *testing.T) {
		h := newSheetsHarness(t, rules.SampleGrid(), nil)
		h.fake.SetForbidden(true)
		_, err := h.cycle(now0)
		want := "нет доступа к таблице: поделитесь таблицей с " + sheetsfake.ClientEmail + " (права редактора)"
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v", err)
		}
		if n := h.fake.Count("get"); n != 1 {
			t.Fatalf("403 retried: %d requests", n)
		}
	})
	t.Run("404", func(t *testing.T) {
		h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.SpreadsheetID = "1WrongId" })
		_, err := h.cycle(now0)
		if err == nil || err.Error() != "таблица 1WrongId не найдена: проверьте spreadsheet_id" {
			t.Fatalf("err = %v", err)
		}
		var se *SheetsError
		if !errors.As(err, &se) || se.Status != 404 || h.fake.Count("get") != 1 {
			t.Fatalf("404: %#v, %d requests", se, h.fake.Count("get"))
		}
	})
	t.Run("token refused", func(t *testing.T) {
		h := newSheetsHarness(t, rules.SampleGrid(), nil)
		h.fake.FailTokenNext(http.StatusBadRequest)
		_, err := h.cycle(now0)
		if err == nil || !strings.Contains(err.Error(), "Google не выдал токен доступа (HTTP 400") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad key file", func(t *testing.T) {
		_, err := NewSheetsSource(SheetsConfig{SpreadsheetID: "x", CredentialsJSON: []byte(`{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}`)})
		if err == nil || strings.Contains(err.Error(), "AAAA") || !strings.Contains(err.Error(), "ключ сервисного аккаунта") {
			t.Fatalf("err = %v", err)
		}
		_, err = NewSheetsSource(SheetsConfig{SpreadsheetID: "x", Credentials: "/nonexistent/key.json"})
		if err == nil || !strings.Contains(err.Error(), "не читается") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestSheetsRetries(t *testing.T) {
	cases := map[string]func(f *sheetsfake.Fake){
		"429 with Retry-After": func(f *sheetsfake.Fake) { f.FailNext(429, time.Second); f.FailNext(429, 0) },
		"500 then 503":         func(f *sheetsfake.Fake) { f.FailNext(500, 0); f.FailNext(503, 0) },
		"dropped connection":   func(f *sheetsfake.Fake) { f.DropNext() },
		"timeout":              func(f *sheetsfake.Fake) { f.StallNext(5 * time.Second) },
		"token endpoint 503":   func(f *sheetsfake.Fake) { f.FailTokenNext(503) },
	}
	for name, inject := range cases {
		t.Run(name, func(t *testing.T) {
			h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.Timeout = 300 * time.Millisecond })
			inject(h.fake)
			if _, err := h.cycle(now0); err != nil {
				t.Fatalf("not retried to success: %v", err)
			}
			if h.fake.Count("batchUpdate") != 1 || h.fake.Note(sheetTitle, 12, 3) == "" {
				t.Fatalf("notes not written after retries: %v", h.fake.Counts())
			}
		})
	}
	t.Run("retries are bounded", func(t *testing.T) {
		h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.Retries = 2 })
		for i := 0; i < 5; i++ {
			h.fake.FailNext(503, 0)
		}
		_, err := h.cycle(now0)
		var se *SheetsError
		if !errors.As(err, &se) || se.Attempts != 3 || !strings.Contains(err.Error(), "сервис Google Таблиц недоступен (HTTP 503, попыток: 3)") {
			t.Fatalf("err = %v", err)
		}
		if n := h.fake.Count("get"); n != 3 {
			t.Fatalf("%d attempts, want 3", n)
		}
	})
	t.Run("Retry-After honoured", func(t *testing.T) {
		h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.RetryMax = 3 * time.Second })
		h.fake.FailNext(429, time.Second)
		start := time.Now()
		if _, err := h.src.Fetch(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < time.Second {
			t.Fatalf("retried after %v despite Retry-After: 1", d)
		}
	})
}

// TestSheetsRowInsertedBetweenReadAndWrite: a row inserted between the
// lint and the write moves the cells below it; their notes wait for the
// next cycle, the cells above it get theirs.
func TestSheetsRowInsertedBetweenReadAndWrite(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	const at = 10
	h.fake.SetHook(func(method string, n int) {
		if method == "get" && n == 2 { // the guard read: a person inserted a row meanwhile
			h.fake.InsertRow(sheetTitle, at)
		}
	})
	changes, err := h.cycle(now0)
	var moved *MovedError
	if !errors.As(err, &moved) || !errors.Is(err, ErrSheetMoved) {
		t.Fatalf("err = %v, want a MovedError", err)
	}
	above := 0
	for _, c := range changes {
		if c.Ref.Row < at {
			above++
		}
	}
	if moved.Written != above || moved.Written+len(moved.Skipped) != len(changes) || above == 0 {
		t.Fatalf("%d written, %d skipped of %d planned (%d above the new row): %v", moved.Written, len(moved.Skipped), len(changes), above, err)
	}
	for _, w := range h.fake.Batches()[0] {
		if w.Row >= at {
			t.Fatalf("note written at %s, below the inserted row", rules.Ref{Row: w.Row, Col: w.Col}.A1())
		}
	}
	h.fake.SetHook(nil)
	if _, err := h.cycle(now0); err != nil {
		t.Fatal(err)
	}
	g := h.fake.Grid(sheetTitle)
	flagged := flaggedCells(t, g)
	for r, row := range g.Cells {
		for c, cell := range row {
			_, block := SplitNote(cell.Note)
			if (block != "") != (flagged[[2]int{r, c}] > 0) {
				t.Fatalf("%s: block %q but %d findings", rules.Ref{Row: r, Col: c}.A1(), block, flagged[[2]int{r, c}])
			}
		}
	}
}

func TestSheetsNotesOff(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.Notes = false })
	changes, err := h.cycle(now0)
	if err != nil || len(changes) == 0 {
		t.Fatalf("changes %d, err %v", len(changes), err)
	}
	if c := h.fake.Counts(); c["batchUpdate"] != 0 || c["get"] != 1 {
		t.Fatalf("read-only source wrote: %v", c)
	}
}

func TestNoteBatchesSplit(t *testing.T) {
	big := strings.Repeat("п", 20_000) // 40 KB of UTF-8 per note
	var changes []NoteChange
	for i := 0; i < 120; i++ {
		changes = append(changes, NoteChange{Ref: rules.Ref{Row: i, Col: 2}, New: big})
	}
	changes = append(changes, NoteChange{Ref: rules.Ref{Row: 0, Col: 3}, New: "x"}, NoteChange{Ref: rules.Ref{Row: 0, Col: 4}})
	chunks := chunkChanges(changes)
	if len(chunks) < 2 {
		t.Fatalf("4.8 MB of notes in %d batch(es)", len(chunks))
	}
	total := 0
	var first []*sheets.Request
	for _, c := range chunks {
		reqs := noteRequests(7, c)
		if first == nil {
			first = reqs
		}
		for _, r := range reqs {
			uc := r.UpdateCells
			if uc == nil || uc.Fields != "note" || uc.Start.SheetId != 7 {
				t.Fatalf("bad request %+v", r)
			}
			total += len(uc.Rows[0].Values)
		}
	}
	if total != len(changes) || len(first[0].UpdateCells.Rows[0].Values) != 3 {
		t.Fatalf("%d cells written, first run %d cells (C1:E1 adjacent)", total, len(first[0].UpdateCells.Rows[0].Values))
	}
}

func TestSheetsCredentialSources(t *testing.T) {
	f := sheetsfake.New(t)
	f.LoadGrid(rules.SampleGrid())
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, f.CredentialsJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	base := SheetsConfig{SpreadsheetID: f.ID, Sheet: sheetTitle, Endpoint: f.URL, HTTPClient: f.Client(), RetryBase: time.Millisecond}
	fromPath := base
	fromPath.Credentials = path
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", path)
	for name, cfg := range map[string]SheetsConfig{"credentials path": fromPath, "GOOGLE_APPLICATION_CREDENTIALS": base} {
		s, err := NewSheetsSource(cfg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := s.Fetch(context.Background()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	user := filepath.Join(t.TempDir(), "user.json")
	os.WriteFile(user, []byte(`{"type":"authorized_user","client_id":"c","client_secret":"SECRET","refresh_token":"R"}`), 0o600)
	bad := base
	bad.Credentials = user
	_, err := NewSheetsSource(bad)
	if err == nil || !strings.Contains(err.Error(), "нужен ключ сервисного аккаунта") || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("err = %v", err)
	}
}
