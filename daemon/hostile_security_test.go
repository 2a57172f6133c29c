package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/internal/logbuf"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

// bearerRecorder remembers every access token the client sent.
type bearerRecorder struct {
	base   http.RoundTripper
	mu     gosync.Mutex
	tokens map[string]bool
}

func (b *bearerRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		b.mu.Lock()
		b.tokens[tok] = true
		b.mu.Unlock()
	}
	return b.base.RoundTrip(r)
}

func (b *bearerRecorder) seen() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for t := range b.tokens {
		out = append(out, t)
	}
	return out
}

// secureRun is a daemon wired like cmd/perechen (real Sheets source against
// the fake, real dir target and renderers, real note planner) logging at
// trace level into a buffer.
type secureRun struct {
	fake     *sheetsfake.Fake
	rec      *bearerRecorder
	d        *daemon.Daemon
	logs     *logbuf.Buffer
	cfg      *config.Config
	site     string
	state    string
	credPath string
}

func newSecureRun(t *testing.T, statusToken string) *secureRun {
	t.Helper()
	fake := sheetsfake.New(t)
	g := rules.SampleGrid()
	g.Sheet = "Перечень"
	fake.LoadGrid(g)
	dir := t.TempDir()
	s := &secureRun{fake: fake, rec: &bearerRecorder{base: http.DefaultTransport, tokens: map[string]bool{}},
		logs: &logbuf.Buffer{}, site: filepath.Join(dir, "site"), state: filepath.Join(dir, "state"),
		credPath: filepath.Join(dir, "credentials.json")}
	if err := os.WriteFile(s.credPath, fake.CredentialsJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`
state_dir: %s
interval: 1h
status: {token: %q}
log: {level: trace}
sources:
  - name: a
    google_sheets: {spreadsheet_id: %s, sheet: Перечень, credentials: %s, endpoint: %q}
    notes: true
    formats: [html, pdf, xlsx, csv, json]
    publish:
      - dir: {path: %s}
`, s.state, statusToken, sheetsfake.DefaultID, s.credPath, fake.URL, s.site)
	cfg, err := config.ParseEnv([]byte(yaml), "perechen.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	s.cfg = cfg
	log := logrus.New()
	log.SetOutput(s.logs)
	log.SetLevel(logrus.TraceLevel)
	log.SetFormatter(&logrus.JSONFormatter{})
	deps := daemon.Deps{
		NewSource: func(src config.Source, _ logrus.FieldLogger) (psync.Source, error) {
			gs := src.GoogleSheets
			return psync.NewSheetsSource(psync.SheetsConfig{SpreadsheetID: gs.SpreadsheetID, Sheet: gs.Sheet,
				Credentials: gs.Credentials, Endpoint: gs.Endpoint, HTTPClient: &http.Client{Transport: s.rec},
				Notes: src.Notes, Retries: 1, RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond, Logger: log})
		},
		NewTargets: func(src config.Source) ([]publish.Target, error) {
			tgt, err := publish.NewDirTarget(publish.DirConfig{Path: src.Publish[0].Dir.Path, Keep: src.Publish[0].Dir.Keep})
			return []publish.Target{tgt}, err
		},
		Renderers:   render.ByFormats,
		PlanNotes:   psync.PlanNotes,
		WorkingDays: daemon.WeekdayCalendar{},
	}
	d, err := daemon.New(cfg, deps, log, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	s.d = d
	return s
}

// cycle runs one cycle and returns everything it showed anyone: results
// (errors included) as JSON and the status pages.
func (s *secureRun) cycle(t *testing.T) ([]daemon.Result, string) {
	t.Helper()
	res := s.d.RunOnce(context.Background())
	out, _ := json.Marshal(res)
	var b strings.Builder
	b.Write(out)
	h := s.d.Handler()
	for _, p := range []string{"/", "/status.json", "/source/a", "/metrics"} {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		if s.cfg.Status.Token != "" {
			req.Header.Set("Authorization", "Bearer "+s.cfg.Status.Token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		b.WriteString(rec.Body.String())
	}
	return res, b.String()
}

// secrets are the strings that must never appear in logs, errors or pages:
// every line of the private key's PEM body, the key id and the access tokens.
func (s *secureRun) secrets(t *testing.T) []string {
	var cred struct {
		PrivateKey   string `json:"private_key"`
		PrivateKeyID string `json:"private_key_id"`
	}
	if err := json.Unmarshal(s.fake.CredentialsJSON(), &cred); err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode([]byte(cred.PrivateKey))
	if blk == nil {
		t.Fatal("no PEM key in the fake's credentials")
	}
	out := []string{cred.PrivateKeyID, s.fake.PrivateKeyPEMLine()}
	for _, line := range strings.Split(cred.PrivateKey, "\n") {
		if len(line) >= 16 && !strings.HasPrefix(line, "-----") {
			out = append(out, line)
		}
	}
	tokens := s.rec.seen()
	if len(tokens) == 0 {
		t.Fatal("no access token was used: the test would prove nothing")
	}
	return append(out, tokens...)
}

// TestCredentialsNeverLogged drives the daemon through a clean publish, a
// blocked cycle with note writes, a token endpoint failure, a revoked share
// (403) and a deleted spreadsheet (404), with trace logging, and greps all
// log output, cycle results and status pages for the key and the tokens.
func TestCredentialsNeverLogged(t *testing.T) {
	s := newSecureRun(t, "status-secret-token")
	var shown strings.Builder
	step := func(name string, want daemon.Outcome) {
		t.Helper()
		res, out := s.cycle(t)
		shown.WriteString(out)
		if len(res) != 1 || res[0].Outcome != want {
			t.Fatalf("%s: outcome %+v, want %s", name, res, want)
		}
	}
	step("clean sample", daemon.OutcomePublished)
	at := firstProcess(t)
	s.fake.SetValue("Перечень", at.Row, at.Col+1, `{{template "x"}} Голубиная почта`)
	step("finding written as a note", daemon.OutcomeBlocked)
	if s.fake.Count("batchUpdate") == 0 {
		t.Fatal("no notes were written")
	}
	s.fake.SetForbidden(true)
	step("share revoked (403)", daemon.OutcomeError)
	s.fake.SetForbidden(false)
	s.fake.Delete()
	step("spreadsheet deleted (404)", daemon.OutcomeError)

	// A fresh daemon whose first token request fails, then one with a broken key file.
	s2 := newSecureRun(t, "")
	// 500 is retried; a 401 makes the source reload its key and ask once more;
	// a second 401 fails the cycle.
	s2.fake.FailTokenNext(http.StatusInternalServerError)
	s2.fake.FailTokenNext(http.StatusUnauthorized)
	s2.fake.FailTokenNext(http.StatusUnauthorized)
	s2.fake.FailTokenNext(http.StatusUnauthorized)
	res, out := s2.cycle(t)
	shown.WriteString(out)
	if res[0].Outcome != daemon.OutcomeError {
		t.Errorf("token failure: %+v", res[0])
	}
	t.Logf("token failure shown as: %+v", res[0].Errors)
	if res, _ := s2.cycle(t); res[0].Outcome != daemon.OutcomePublished {
		t.Errorf("no recovery after the token endpoint came back: %+v", res[0].Errors)
	}
	cred, _ := os.ReadFile(s2.credPath)
	broken := bytes.Replace(cred, []byte("PRIVATE KEY-----\\n"), []byte("PRIVATE KEY-----\\nAAAA"), 1)
	_, err := psync.NewSheetsSource(psync.SheetsConfig{SpreadsheetID: "x", CredentialsJSON: broken, Endpoint: s2.fake.URL})
	if err != nil {
		shown.WriteString(err.Error())
	}

	all := s.logs.String() + s2.logs.String() + shown.String()
	// The logger runs at trace level; the cycles above log at info, warning and error.
	if !strings.Contains(all, `"level":"info"`) || !strings.Contains(all, `"level":"error"`) {
		t.Fatal("no log output captured: the test would prove nothing")
	}
	secrets := append(s.secrets(t), s2.secrets(t)...)
	secrets = append(secrets, "status-secret-token")
	for _, sec := range secrets {
		if n := strings.Count(all, sec); n != 0 {
			t.Errorf("secret %.12q… appears %d times in logs, errors or pages", sec, n)
		}
	}
	t.Logf("%d bytes of logs/results/pages checked against %d secrets (%d access tokens)",
		len(all), len(secrets), len(s.rec.seen())+len(s2.rec.seen()))
}

// TestFilePermissions: after a real cycle the state is private (dirs 0700,
// files 0600) and the published site world-readable (files 0644), never
// group- or world-writable.
func TestFilePermissions(t *testing.T) {
	s := newSecureRun(t, "")
	if res, _ := s.cycle(t); res[0].Outcome != daemon.OutcomePublished {
		t.Fatalf("%+v", res[0])
	}
	states, sites := 0, 0
	walk := func(root string, check func(path string, mode fs.FileMode)) {
		err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := e.Info()
			if err != nil {
				return err
			}
			check(path, info.Mode())
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	walk(s.state, func(path string, m fs.FileMode) {
		states++
		want := fs.FileMode(0o600)
		if m.IsDir() {
			want = 0o700
		}
		if m.Perm() != want {
			t.Errorf("state %s: %v, want %v", path, m.Perm(), want)
		}
	})
	walk(s.site, func(path string, m fs.FileMode) {
		sites++
		if m.Perm()&0o022 != 0 || m.Perm()&0o444 != 0o444 {
			t.Errorf("site %s: %v, want world-readable and writable only by the owner", path, m.Perm())
		}
		if !m.IsDir() && m.Perm() != 0o644 {
			t.Errorf("site file %s: %v, want 0644", path, m.Perm())
		}
	})
	if states < 2 || sites < 5 {
		t.Fatalf("checked %d state and %d site entries: the cycle wrote too little", states, sites)
	}
}

// TestNoTemplateInjectionFromSheet: template actions typed into a cell are
// shown literally on the status page and on the published page.
func TestNoTemplateInjectionFromSheet(t *testing.T) {
	s := newSecureRun(t, "")
	at := firstProcess(t)
	s.fake.SetValue("Перечень", at.Row, at.Col, `{{.}} {{template "x"}} {{printf "%v" .}}`)
	s.fake.SetValue("Перечень", at.Row, at.Col+1, `{{template "x"}} <script>alert(1)</script>`)
	res, pages := s.cycle(t)
	if res[0].Outcome != daemon.OutcomeBlocked && res[0].Outcome != daemon.OutcomePublished {
		t.Fatalf("%+v", res[0])
	}
	for _, want := range []string{`{{template &#34;x&#34;}}`, `&lt;script&gt;`} {
		if !strings.Contains(pages, want) {
			t.Errorf("status page does not show %q literally", want)
		}
	}
	if strings.Contains(pages, "<script>alert") {
		t.Error("status page carries the cell's <script> unescaped")
	}
	// Publish the same text: the process name (free text) is not a finding.
	s2 := newSecureRun(t, "")
	s2.fake.SetValue("Перечень", at.Row, at.Col, `Рассмотрение {{.}} {{template "x"}} заявок`)
	if res, _ := s2.cycle(t); res[0].Outcome != daemon.OutcomePublished {
		t.Fatalf("%+v", res[0])
	}
	page, err := os.ReadFile(filepath.Join(s2.site, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte(`Рассмотрение {{.}} {{template &#34;x&#34;}} заявок`)) {
		t.Error("published page does not show the template actions literally")
	}
}

func mustProfile(t *testing.T) *rules.Profile {
	t.Helper()
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// firstProcess is the cell of the first process name of the sample.
func firstProcess(t *testing.T) rules.Ref {
	t.Helper()
	reg, _ := rules.Lint(rules.SampleGrid(), mustProfile(t))
	return reg.Processes[0].NameAt
}

// TestStatusServerLoopbackByDefault: the default listen address is loopback,
// the server really binds there, and binding beyond localhost without a
// token logs a warning.
func TestStatusServerLoopbackByDefault(t *testing.T) {
	cfg, err := config.ParseEnv([]byte("sources: [{name: a, xlsx: {path: /nonexistent.xlsx}}]\n"), "c.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if host, _, _ := strings.Cut(cfg.Status.Listen, ":"); host != "127.0.0.1" {
		t.Fatalf("default status.listen %q is not loopback", cfg.Status.Listen)
	}
	for _, c := range []struct {
		listen, token string
		warn          bool
	}{{"127.0.0.1:0", "", false}, {"0.0.0.0:0", "", true}, {"0.0.0.0:0", "t0k3n", false}} {
		s := newSecureRun(t, c.token)
		s.cfg.Status.Listen = c.listen
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.d.Run(ctx, nil, func() (*config.Config, error) { return s.cfg, nil }) }()
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(s.logText(), "status server listening") && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		logs := s.logText()
		if !strings.Contains(logs, "status server listening") {
			t.Fatalf("%s: server did not start", c.listen)
		}
		if got := strings.Contains(logs, "reachable beyond localhost without a token"); got != c.warn {
			t.Errorf("listen %s token %q: warning %v, want %v", c.listen, c.token, got, c.warn)
		}
	}
}

func (s *secureRun) logText() string { return s.logs.String() }
