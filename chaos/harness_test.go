package chaos

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/calendar"
	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/history"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/publish/davfake"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

// durationEnv reads a duration from the environment (0 when unset).
func durationEnv(t testing.TB, name string) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return d
}

// humanNote is a note a person wrote; it must survive every cycle.
type humanNote struct {
	row, col int
	text     string
}

// world is the fake Sheets/token server with one registry in it, seeded
// with human notes, plus what the test expects the sheet to hold.
type world struct {
	t      testing.TB
	fake   *sheetsfake.Fake
	faults *wireFaults
	title  string
	mu     gosync.Mutex
	values [][]string // what staff typed: perechen must never change it
	notes  []humanNote
	// writeFaults counts the note writes failWrites made fail.
	writeFaults atomic.Int32
}

func newWorld(t testing.TB) *world {
	f := sheetsfake.New(t)
	g := rules.SampleGrid()
	f.Rename("Лист1", g.Sheet)
	f.LoadGrid(g)
	w := &world{t: t, fake: f, title: g.Sheet, faults: &wireFaults{}}
	f.SetWrap(w.faults.wrap)
	w.values = f.Values(g.Sheet)
	// Human notes on the cells perechen annotates (so its blocks and the
	// person's text share a note) and on two it never touches.
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		t.Fatal(err)
	}
	reg, diags := rules.Lint(g, p)
	planned := psync.PlanNotes(g, reg, diags, time.Now())
	if len(planned) < 3 {
		t.Fatalf("sample grid plans %d notes; the run needs cells perechen annotates", len(planned))
	}
	cells := [][2]int{{5, 1}, {6, 2}}
	for _, c := range planned {
		if cell := [2]int{c.Ref.Row, c.Ref.Col}; len(cells) < 5 && !slices.Contains(cells, cell) {
			cells = append(cells, cell)
		}
	}
	for i, c := range cells {
		text := fmt.Sprintf("Проверено: Иванова И. И., %d.11.2026 — не удалять", 10+i)
		f.SetNote(g.Sheet, c[0], c[1], text)
		w.notes = append(w.notes, humanNote{c[0], c[1], text})
	}
	return w
}

// edit types a value as a person would and records it as expected.
func (w *world) edit(row, col int, v string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fake.SetValue(w.title, row, col, v)
	for len(w.values) <= row {
		w.values = append(w.values, nil)
	}
	for len(w.values[row]) <= col {
		w.values[row] = append(w.values[row], "")
	}
	w.values[row][col] = v
}

func (w *world) value(row, col int) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.values[row][col]
}

// rename renames the sheet (as staff might) and back; the test knows.
func (w *world) rename(to string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fake.Rename(w.title, to)
	w.title = to
}

// check returns how many human notes are lost (and how many of their
// characters) and how many cell values changed.
func (w *world) check() (notesLost, charsLost, valuesChanged int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fake.SheetID(w.title) < 0 {
		return 0, 0, 0 // the sheet is deleted right now
	}
	for _, n := range w.notes {
		if got := w.fake.Note(w.title, n.row, n.col); !strings.Contains(got, n.text) {
			w.t.Errorf("human note at R%dC%d lost: now %q", n.row+1, n.col+1, got)
			notesLost++
			charsLost += utf8.RuneCountInString(n.text)
		}
	}
	got, want := trimGrid(w.fake.Values(w.title)), trimGrid(w.values)
	for i := range max(len(got), len(want)) {
		var a, b []string
		if i < len(got) {
			a = got[i]
		}
		if i < len(want) {
			b = want[i]
		}
		for j := range max(len(a), len(b)) {
			if at(a, j) != at(b, j) {
				w.t.Errorf("cell R%dC%d changed: %q, staff wrote %q", i+1, j+1, at(a, j), at(b, j))
				valuesChanged++
			}
		}
	}
	return notesLost, charsLost, valuesChanged
}

// reply adds a line under the i-th human note, as a person answering
// perechen's finding would; the reply must survive too.
func (w *world) reply(i int, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := w.notes[i]
	w.fake.SetNote(w.title, n.row, n.col, w.fake.Note(w.title, n.row, n.col)+"\n"+text)
	w.notes = append(w.notes, humanNote{n.row, n.col, text})
}

// insertRow inserts an empty row as staff would; the expected values and
// notes below it move down with the sheet.
func (w *world) insertRow(row int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fake.InsertRow(w.title, row)
	if row < len(w.values) {
		w.values = slices.Insert(w.values, row, nil)
	}
	for i := range w.notes {
		if w.notes[i].row >= row {
			w.notes[i].row++
		}
	}
}

// deleteEmptyRow deletes a row staff left empty (no values, no human notes).
func (w *world) deleteEmptyRow(row int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fake.DeleteRow(w.title, row)
	if row < len(w.values) {
		w.values = slices.Delete(w.values, row, row+1)
	}
	for i := range w.notes {
		if w.notes[i].row > row {
			w.notes[i].row--
		}
	}
}

// noteAt is where the i-th human note is now.
func (w *world) noteAt(i int) (row, col int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.notes[i].row, w.notes[i].col
}

// failWrites makes the next n note writes (batchUpdate) fail with code and
// runs during, as a person editing, in the backoff after the first: the
// retry must read again and keep the edit.
func (w *world) failWrites(n, code int, retryAfter time.Duration, during func()) {
	var left atomic.Int32
	left.Store(int32(n))
	w.fake.SetHook(func(method string, _ int) {
		if method != "batchUpdate" {
			return
		}
		k := left.Add(-1)
		if k < 0 {
			return
		}
		w.fake.FailNext(code, retryAfter)
		w.writeFaults.Add(1)
		if k == int32(n-1) && during != nil {
			during()
		}
	})
}

func at(row []string, j int) string {
	if j < len(row) {
		return row[j]
	}
	return ""
}

func trimGrid(g [][]string) [][]string {
	out := make([][]string, len(g))
	for i, row := range g {
		n := len(row)
		for n > 0 && row[n-1] == "" {
			n--
		}
		out[i] = row[:n]
	}
	n := len(out)
	for n > 0 && len(out[n-1]) == 0 {
		n--
	}
	return out[:n]
}

// wireFaults injects what the fake cannot express by itself: truncated
// and malformed bodies, reset connections, short-lived tokens that the
// server really expires. It also counts and bounds every request.
type wireFaults struct {
	mu       gosync.Mutex
	queue    []string // "truncate", "malformed", "reset" for the next API requests
	tokenTTL time.Duration
	expiry   map[string]time.Time // access token → when the server stops accepting it
	requests atomic.Int64
	injected map[string]int
	limit    int64 // 0: no bound
}

func (wf *wireFaults) push(kind string, n int) {
	wf.mu.Lock()
	defer wf.mu.Unlock()
	for range n {
		wf.queue = append(wf.queue, kind)
	}
}

func (wf *wireFaults) count(kind string) {
	wf.mu.Lock()
	defer wf.mu.Unlock()
	if wf.injected == nil {
		wf.injected = map[string]int{}
	}
	wf.injected[kind]++
}

func (wf *wireFaults) setTokenTTL(d time.Duration) {
	wf.mu.Lock()
	defer wf.mu.Unlock()
	wf.tokenTTL = d
}

// revokeAll makes the server refuse every token issued so far, as when a
// token is revoked before the expiry it was announced with.
func (wf *wireFaults) revokeAll() {
	wf.mu.Lock()
	defer wf.mu.Unlock()
	for tok := range wf.expiry {
		wf.expiry[tok] = time.Now().Add(-time.Second)
	}
}

func (wf *wireFaults) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := wf.requests.Add(1); wf.limit > 0 && n > wf.limit {
			http.Error(w, "chaos: request budget spent", http.StatusTooManyRequests)
			return
		}
		if r.URL.Path == "/token" {
			wf.token(next, w, r)
			return
		}
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		wf.mu.Lock()
		exp, short := wf.expiry[tok]
		kind := ""
		if len(wf.queue) > 0 {
			kind, wf.queue = wf.queue[0], wf.queue[1:]
		}
		wf.mu.Unlock()
		if short && time.Now().After(exp) {
			wf.count("refused token")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`)
			return
		}
		switch kind {
		case "":
			next.ServeHTTP(w, r)
		case "reset":
			wf.count("connection reset")
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0) // RST, not FIN
				}
				conn.Close()
			}
		case "malformed":
			wf.count("malformed JSON")
			next.ServeHTTP(httptest.NewRecorder(), r) // the request still happens
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			fmt.Fprint(w, `{"spreadsheetId": "x", "sheets": [{"properties": {"title": 12, "sheetId": "gid"}, "data": [}]}`)
		case "truncate":
			wf.count("truncated JSON")
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body[:len(body)/2])
			// Returning with less than Content-Length written makes the
			// server close the connection: the client sees EOF mid-body.
		}
	})
}

// token lets the fake issue the token, then shortens its life to the TTL
// set (if any) and remembers when the server will refuse it.
func (wf *wireFaults) token(next http.Handler, w http.ResponseWriter, r *http.Request) {
	wf.mu.Lock()
	ttl := wf.tokenTTL
	wf.mu.Unlock()
	if ttl == 0 {
		next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	var tok map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &tok) != nil {
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	tok["expires_in"] = int(ttl / time.Second)
	wf.mu.Lock()
	if wf.expiry == nil {
		wf.expiry = map[string]time.Time{}
	}
	wf.expiry[fmt.Sprint(tok["access_token"])] = time.Now().Add(ttl)
	wf.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(tok)
}

// site is a reader of the published site: it polls the dir target and
// the WebDAV server and checks every published file is whole.
type site struct {
	dir     string
	dav     *davfake.Server
	davRoot string
	reads   atomic.Int64
	partial atomic.Int64
	mu      gosync.Mutex
	bad     []string
}

// poll reads every published file every interval until ctx ends.
func (s *site) poll(ctx context.Context, every time.Duration) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			s.once()
			select {
			case <-ctx.Done():
			case <-time.After(every):
			}
		}
	}()
	return done
}

func (s *site) once() {
	if s.dir != "" {
		entries, _ := os.ReadDir(s.dir)
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") || e.IsDir() {
				continue // temp files of an atomic write are not served
			}
			data, err := os.ReadFile(filepath.Join(s.dir, name))
			if errors.Is(err, os.ErrNotExist) {
				continue // pruned between list and read
			}
			s.judge("dir:"+name, data, err)
		}
	}
	if s.dav != nil {
		for _, p := range s.dav.Files() {
			name := filepath.Base(p)
			if !strings.HasPrefix(p, s.davRoot) || strings.HasPrefix(name, ".") {
				continue
			}
			if data, ok := s.dav.File(p); ok {
				s.judge("webdav:"+name, data, nil)
			}
		}
	}
}

func (s *site) judge(name string, data []byte, err error) {
	s.reads.Add(1)
	if err == nil {
		err = wholeFile(name, data)
	}
	if err != nil {
		s.partial.Add(1)
		s.mu.Lock()
		if len(s.bad) < 10 {
			s.bad = append(s.bad, fmt.Sprintf("%s: %v", name, err))
		}
		s.mu.Unlock()
	}
}

// wholeFile says whether a published file is complete for its format.
func wholeFile(name string, data []byte) error {
	switch ext := filepath.Ext(name); ext {
	case ".html":
		if !bytes.HasSuffix(bytes.TrimSpace(data), []byte("</html>")) {
			return fmt.Errorf("HTML does not end with </html> (%d bytes)", len(data))
		}
	case ".pdf":
		if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(data), []byte("%%EOF")) {
			return fmt.Errorf("PDF without header or %%%%EOF (%d bytes)", len(data))
		}
	case ".json":
		if !json.Valid(data) {
			return fmt.Errorf("invalid JSON (%d bytes)", len(data))
		}
	case ".csv":
		if len(data) == 0 || !utf8.Valid(data) || data[len(data)-1] != '\n' {
			return fmt.Errorf("CSV empty, not UTF-8 or cut mid-line (%d bytes)", len(data))
		}
	case ".xlsx":
		if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
			return fmt.Errorf("XLSX is not a whole zip: %v", err)
		}
	default:
		if len(data) == 0 {
			return errors.New("empty file")
		}
	}
	return nil
}

// rig is a daemon wired like cmd/perechen but with short timeouts, one
// source on the world's sheet publishing into a directory and WebDAV.
type rig struct {
	w       *world
	dav     *davfake.Server
	siteDir string
	cfg     *config.Config
	d       *daemon.Daemon
}

const sourceName = "chaos"

// chaosConfig is the YAML a deployment would have for this world.
func chaosConfig(t testing.TB, w *world, dir, stateDir, davURL, interval string) []byte {
	creds := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(creds, w.fake.CredentialsJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	y := fmt.Sprintf(`interval: %s
state_dir: %s
shutdown_timeout: 2s
status: {listen: "off"}
log: {level: warn}
sources:
  - name: %s
    profile: oiv
    organisation: Министерство проверки отказов
    google_sheets: {spreadsheet_id: %q, sheet: %q, credentials: %q, endpoint: %q}
    notes: true
    formats: [html, pdf, csv, json]
    publish:
      - dir: {path: %q, keep: 3}
`, interval, stateDir, sourceName, w.fake.ID, w.title, creds, w.fake.URL, dir)
	if davURL != "" {
		y += fmt.Sprintf("      - webdav: {url: %q, allow_http: true}\n", davURL)
	}
	return []byte(y)
}

// sheetsTuning is the in-process source's timing: short, so a run of
// every fault takes seconds, not minutes.
type sheetsTuning struct {
	timeout time.Duration
	retries int
	quotas  *psync.QuotaSet
	limiter *psync.Quota // one limiter for the source (an accelerated quota clock)
}

// realDeps wires the real constructors as cmd/perechen does.
func realDeps(w *world, tune sheetsTuning) daemon.Deps {
	return daemon.Deps{
		NewSource: func(s config.Source, log logrus.FieldLogger) (psync.Source, error) {
			gs := s.GoogleSheets
			return psync.NewSheetsSource(psync.SheetsConfig{SpreadsheetID: gs.SpreadsheetID, Sheet: gs.Sheet,
				Credentials: gs.Credentials, Endpoint: gs.Endpoint, HTTPClient: w.fake.Client(), Notes: s.Notes, Logger: log,
				Timeout: tune.timeout, Retries: tune.retries, RetryBase: 5 * time.Millisecond, RetryMax: 50 * time.Millisecond,
				Quotas: tune.quotas, Limiter: tune.limiter})
		},
		NewTargets: func(s config.Source) ([]publish.Target, error) {
			var out []publish.Target
			for _, p := range s.Publish {
				var t publish.Target
				var err error
				switch {
				case p.Dir != nil:
					t, err = publish.NewDirTarget(publish.DirConfig{Path: p.Dir.Path, Keep: p.Dir.Keep})
				case p.WebDAV != nil:
					t, err = publish.NewWebDAVTarget(publish.WebDAVConfig{URL: p.WebDAV.URL, AllowHTTP: true, Timeout: 2 * time.Second})
				default:
					err = fmt.Errorf("chaos rig: unsupported target %s", p.Kind())
				}
				if err != nil {
					return nil, err
				}
				out = append(out, publish.NewTracked(t, publish.RetryPolicy{Attempts: 2, Backoff: 10 * time.Millisecond}))
			}
			return out, nil
		},
		Renderers: render.ByFormats,
		PlanNotes: psync.PlanNotes,
		Diff: func(old, new *rules.Registry, p *rules.Profile) []daemon.Change {
			var out []daemon.Change
			for _, c := range history.Diff(old, new, p) {
				out = append(out, daemon.Change{Time: c.Time, Clause: c.Clause, Kind: c.Kind, Process: c.Process,
					Touchpoint: c.Touchpoint, Before: c.Before, After: c.After, Russian: c.Russian()})
			}
			return out
		},
		WorkingDays: calendar.Default(),
	}
}

func newRig(t testing.TB, w *world, siteDir string, tune sheetsTuning) *rig {
	dav := davfake.New(t, davfake.Options{})
	dav.MkdirAll("/site")
	cfg, err := config.ParseEnv(chaosConfig(t, w, siteDir, t.TempDir(), dav.URL+"/site/", "1s"), "chaos.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.New(cfg, realDeps(w, tune), nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return &rig{w: w, dav: dav, siteDir: siteDir, cfg: cfg, d: d}
}

// hasErrors says whether a cycle failed in any part.
func failed(r daemon.Result) bool { return r.Outcome == daemon.OutcomeError || len(r.Errors) > 0 }

func errorKinds(r daemon.Result) string {
	var ks []string
	for _, e := range r.Errors {
		ks = append(ks, e.Kind)
	}
	slices.Sort(ks)
	return strings.Join(slices.Compact(ks), ",")
}
