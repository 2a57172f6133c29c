package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/internal/logbuf"
	"github.com/perechen-oiv/perechen/publish/davfake"
	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
	"github.com/perechen-oiv/perechen/wire"
)

// sheet is the title of the sample form's sheet in the fake.
var sheet = rules.SampleGrid().Sheet

const (
	davUser = "site"
	davPass = "s3cret-dav"
	davPath = "/perechen/mimp/"
)

// world is one Google Sheet (fake API + token server), one WebDAV site
// (fake) and one local folder, with a config file that points the real
// daemon at them.
type world struct {
	t        *testing.T
	dir      string
	sheets   *sheetsfake.Fake
	dav      *davfake.Server
	site     string // dir target
	stateDir string
	cfgPath  string
	logs     *logbuf.Buffer
}

func newWorld(t *testing.T) *world {
	t.Helper()
	dir := t.TempDir()
	w := &world{t: t, dir: dir, site: filepath.Join(dir, "site"), stateDir: filepath.Join(dir, "state"), logs: &logbuf.Buffer{}}
	w.sheets = sheetsfake.New(t)
	w.sheets.LoadGrid(rules.SampleGrid())
	w.dav = davfake.New(t, davfake.Options{Username: davUser, Password: davPass, TLS: true})
	w.dav.MkdirAll(davPath)
	creds := filepath.Join(dir, "credentials.json")
	ca := filepath.Join(dir, "dav-ca.pem")
	mustWrite(t, creds, w.sheets.CredentialsJSON())
	mustWrite(t, ca, w.dav.CertificatePEM())
	w.cfgPath = filepath.Join(dir, "config.yaml")
	mustWrite(t, w.cfgPath, []byte(w.configYAML("")))
	return w
}

// configYAML is the daemon configuration; extra is appended to the
// source's publish list.
func (w *world) configYAML(extraPublish string) string {
	return fmt.Sprintf(`interval: 200ms
state_dir: %s
status: {listen: "off"}
log: {level: debug, format: text}
shutdown_timeout: 5s
sources:
  - name: mimp
    profile: oiv
    organisation: "Министерство информации и молодежной политики Московской области"
    google_sheets:
      spreadsheet_id: %q
      sheet: %q
      credentials: %s
      endpoint: %q
    notes: on
    formats: [html, pdf]
    publish:
      - dir: %s
      - webdav: {url: %q, username: %s, password_env: E2E_DAV_PASSWORD, ca_file: %s}
%s`, w.stateDir, w.sheets.ID, sheet, filepath.Join(w.dir, "credentials.json"), w.sheets.URL,
		w.site, w.dav.URL+davPath, davUser, filepath.Join(w.dir, "dav-ca.pem"), extraPublish)
}

func (w *world) getenv(k string) string {
	if k == "E2E_DAV_PASSWORD" {
		return davPass
	}
	return ""
}

// load reads the config file as `perechen run --config` does.
func (w *world) load() (*config.Config, error) { return config.LoadEnv(w.cfgPath, w.getenv) }

// daemon builds the real daemon with the real dependencies (package wire),
// exactly as cmd/perechen does.
func (w *world) daemon() *daemon.Daemon {
	w.t.Helper()
	cfg, err := w.load()
	if err != nil {
		w.t.Fatalf("config: %v", err)
	}
	log := logrus.New()
	log.Out = w.logs
	log.SetLevel(logrus.DebugLevel)
	reg := prometheus.NewRegistry()
	m, err := daemon.NewMetrics(reg)
	if err != nil {
		w.t.Fatal(err)
	}
	deps, err := wire.Deps(m)
	if err != nil {
		w.t.Fatal(err)
	}
	deps.Metrics = m
	d, err := daemon.New(cfg, deps, log, reg)
	if err != nil {
		w.t.Fatalf("daemon.New: %v", err)
	}
	return d
}

// cycle runs one cycle of the only source.
func (w *world) cycle(d *daemon.Daemon) daemon.Result {
	w.t.Helper()
	rs := d.RunOnce(context.Background())
	if len(rs) != 1 {
		w.t.Fatalf("%d results", len(rs))
	}
	return rs[0]
}

// status reads /status.json from the daemon's handler.
func (w *world) status(d *daemon.Daemon) daemon.SourceStatus {
	w.t.Helper()
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/status.json", nil))
	if rec.Code != http.StatusOK {
		w.t.Fatalf("/status.json: %d %s", rec.Code, rec.Body)
	}
	var out struct {
		Sources []daemon.SourceStatus `json:"sources"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Sources) != 1 {
		w.t.Fatalf("/status.json: %v\n%s", err, rec.Body)
	}
	return out.Sources[0]
}

// page fetches a status page path.
func (w *world) page(d *daemon.Daemon, path string) string {
	w.t.Helper()
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		w.t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// siteFiles reads every regular file of the dir target.
func (w *world) siteFiles() map[string][]byte {
	w.t.Helper()
	out := map[string][]byte{}
	ents, err := os.ReadDir(w.site)
	if err != nil {
		w.t.Fatalf("site: %v", err)
	}
	for _, e := range ents {
		if e.Type().IsRegular() {
			b, err := os.ReadFile(filepath.Join(w.site, e.Name()))
			if err != nil {
				w.t.Fatal(err)
			}
			out[e.Name()] = b
		}
	}
	return out
}

// davFiles reads every file the WebDAV site holds.
func (w *world) davFiles() map[string][]byte {
	out := map[string][]byte{}
	for _, p := range w.dav.Files() {
		b, _ := w.dav.File(p)
		out[p] = b
	}
	return out
}

func mustWrite(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func names(m map[string][]byte) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return strings.Join(out, ", ")
}
