package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/publish/davfake"
	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/wire"
)

// TestFailingTargetSaysNotPublished: the only target fails — WebDAV with a
// wrong password, a WebDAV server nobody listens on, a folder that cannot
// be created. `run --once` and `publish` exit 1 and their first line says
// the version was not published there; the status page says the same. (The
// report that started issue 14: an SFTP login refused, yet «опубликована
// новая версия», exit 0, outcome=published in the log.)
func TestFailingTargetSaysNotPublished(t *testing.T) {
	dav := davfake.New(t, davfake.Options{Username: "web", Password: "right"})
	dav.MkdirAll("/p/")
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close() // nothing listens there now
	for _, c := range []struct {
		name, target, why string
	}{
		{"wrong password", fmt.Sprintf("webdav: {url: %q, username: web, password_env: DAV_PW, allow_http: true}", dav.URL+"/p/"), "webdav"},
		{"unreachable", fmt.Sprintf("webdav: {url: %q, username: web, password_env: DAV_PW, allow_http: true}", closedURL+"/p/"), "webdav"},
		{"unwritable folder", "dir: %[1]s/not-a-dir/site", "dir:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := wire.WriteGridWorkbook(filepath.Join(dir, "perechen.xlsx"), rules.SampleGrid()); err != nil {
				t.Fatal(err)
			}
			// A regular file where the folder's parent should be: even root cannot create it.
			if err := os.WriteFile(filepath.Join(dir, "not-a-dir"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			y := fmt.Sprintf(`state_dir: %[1]s/state
status: {listen: "off"}
log: {level: error}
sources:
  - name: reg
    xlsx: {path: %[1]s/perechen.xlsx}
    formats: [html]
    publish:
      - `+c.target+"\n", dir)
			cfg := filepath.Join(dir, "config.yaml")
			if err := os.WriteFile(cfg, []byte(y), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"run", "--config", cfg, "--once"}, {"publish", "--config", cfg, "--source", "reg"}} {
				code, out, errs := runWithPassword(t, "wrong", args...)
				first, _, _ := strings.Cut(out, "\n")
				if code != exitFindings || !strings.HasPrefix(first, "== reg: версия 1 НЕ опубликована: сбой на ") || !strings.Contains(first, c.why) {
					t.Errorf("%s: exit %d, first line %q\n%s%s", args[0], code, first, out, errs)
				}
			}
			// The status page of the daemon with the same target.
			conf, err := config.LoadEnv(cfg, func(k string) string {
				if k == "DAV_PW" {
					return "wrong"
				}
				return ""
			})
			if err != nil {
				t.Fatal(err)
			}
			deps, err := wire.Deps(nil)
			if err != nil {
				t.Fatal(err)
			}
			d, err := daemon.New(conf, deps, nil, prometheus.NewRegistry())
			if err != nil {
				t.Fatal(err)
			}
			res := d.RunOnce(context.Background())[0]
			if res.Outcome != daemon.OutcomeNotPublished || res.ExitCode() != 1 {
				t.Errorf("outcome %s, exit %d", res.Outcome, res.ExitCode())
			}
			rec := httptest.NewRecorder()
			d.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/source/reg", nil))
			if page := rec.Body.String(); !strings.Contains(page, "версия 1 НЕ опубликована: сбой на единственной цели") {
				t.Errorf("status page lacks the outcome:\n%s", page)
			}
			rec = httptest.NewRecorder()
			d.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if !strings.Contains(rec.Body.String(), "не опубликована на: ") {
				t.Errorf("index page lacks the failed target")
			}
		})
	}
}
