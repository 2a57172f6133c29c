package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/publish/davfake"
	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/wire"
)

const davPassword = "s3cret-dav-пароль"

// publishSetup writes the grid as an XLSX source "reg" publishing to a
// local folder and to a fake WebDAV server.
func publishSetup(t *testing.T, g rules.Grid, extra string) (cfg, site string, dav *davfake.Server) {
	t.Helper()
	dir := t.TempDir()
	if err := wire.WriteGridWorkbook(filepath.Join(dir, "perechen.xlsx"), g); err != nil {
		t.Fatal(err)
	}
	site = filepath.Join(dir, "site")
	if err := os.MkdirAll(site, 0o755); err != nil {
		t.Fatal(err)
	}
	dav = davfake.New(t, davfake.Options{Username: "web", Password: davPassword})
	y := fmt.Sprintf(`state_dir: %[1]s/state
status: {listen: "off"}
log: {level: error}
sources:
  - name: reg
    organisation: Министерство проверки
    xlsx: {path: %[1]s/perechen.xlsx}
    formats: [html, csv]
%[4]s
    publish:
      - dir: %[2]s
      - webdav: {url: %[3]q, username: web, password_env: DAV_PW, allow_http: true}
  - name: spare
    xlsx: {path: %[1]s/perechen.xlsx}
`, dir, site, dav.URL+"/perechen/", extra)
	cfg = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg, site, dav
}

func runWithPassword(t *testing.T, pw string, args ...string) (int, string, string) {
	t.Helper()
	e, out, errb := cliEnv()
	e.getenv = func(k string) string {
		if k == "DAV_PW" {
			return pw
		}
		return ""
	}
	code := dispatch(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestPublishDryRunThenPublish(t *testing.T) {
	cfg, site, dav := publishSetup(t, rules.SampleGridWithSlips(), "")

	code, out, errs := runWithPassword(t, davPassword, "publish", "--config", cfg, "--source", "reg", "--dry-run")
	if code != exitOK {
		t.Fatalf("dry run: %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"== reg: пробный прогон (--dry-run): версия 1, ничего не отправлено\nИсточник: xlsx:", "reg: ошибок — 0, предупреждений — 3", "Версия 1 от ",
		"служба ещё не собирала версий", "→ dir:" + site + ": будет отправлено 2 файла", "→ webdav", "index.html", "perechen.csv", "sha256 "} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+errs, davPassword) {
		t.Error("the WebDAV password was printed")
	}
	if entries, _ := os.ReadDir(site); len(entries) != 0 || dav.Writes() != 0 {
		t.Fatalf("dry run sent files: %d in the folder, %d WebDAV writes", len(entries), dav.Writes())
	}

	code, out, errs = runWithPassword(t, davPassword, "publish", "--config", cfg, "--source", "reg")
	if code != exitOK {
		t.Fatalf("publish: %d\n%s%s", code, out, errs)
	}
	if strings.Count(out, ": опубликована версия 1 (2 файла)") != 2 || !strings.HasPrefix(out, "== reg: опубликована версия 1 — на всех целях: dir:"+site+", webdav:") {
		t.Errorf("per-target report:\n%s", out)
	}
	local, err := os.ReadFile(filepath.Join(site, "index.html"))
	if err != nil || !bytes.Contains(local, []byte("Министерство проверки")) {
		t.Fatalf("local index.html: %v", err)
	}
	remote, ok := dav.File("/perechen/index.html")
	if !ok || !bytes.Equal(remote, local) {
		t.Errorf("WebDAV index.html differs from the folder's (present %v)", ok)
	}
	if _, ok := dav.File("/perechen/perechen.csv"); !ok {
		t.Error("perechen.csv not on WebDAV")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "state", "reg", "last.json")); !os.IsNotExist(err) {
		t.Errorf("publish wrote the daemon's state: %v", err)
	}
}

// After the daemon published, the same content is skipped per target
// (unless --force), and the daemon's own version is what would be sent.
func TestPublishSkipsWhatTheDaemonPublished(t *testing.T) {
	cfg, site, dav := publishSetup(t, rules.SampleGrid(), "")
	if code, out, errs := runWithPassword(t, davPassword, "run", "--config", cfg, "--once"); code != exitOK {
		t.Fatalf("daemon cycle: %d\n%s%s", code, out, errs)
	}
	writes := dav.Writes()
	if writes == 0 {
		t.Fatal("the daemon published nothing to WebDAV")
	}
	before, _ := os.ReadFile(filepath.Join(site, "index.html"))

	code, out, errs := runWithPassword(t, davPassword, "publish", "--config", cfg, "--source", "reg", "--dry-run")
	if code != exitOK {
		t.Fatalf("dry run: %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "Версия 1 от ") || !strings.Contains(out, "то же содержимое, что и у последней версии, собранной службой") ||
		strings.Count(out, ": пропуск — там уже эта версия (1)") != 2 || strings.Contains(out, "будет отправлено") {
		t.Errorf("dry run after the daemon:\n%s", out)
	}

	code, out, _ = runWithPassword(t, davPassword, "publish", "--config", cfg, "--source", "reg")
	if code != exitOK || dav.Writes() != writes || strings.Count(out, "пропуск") != 2 || !strings.HasPrefix(out, "== reg: версия 1 уже опубликована на всех целях — отправлять нечего") {
		t.Fatalf("second publish: code %d, WebDAV writes %d → %d\n%s", code, writes, dav.Writes(), out)
	}

	code, out, _ = runWithPassword(t, davPassword, "publish", "--config", cfg, "--source", "reg", "--force")
	if code != exitOK || dav.Writes() <= writes || strings.Count(out, ": опубликована версия 1 (") != 2 {
		t.Fatalf("--force: code %d, WebDAV writes %d → %d\n%s", code, writes, dav.Writes(), out)
	}
	after, _ := os.ReadFile(filepath.Join(site, "index.html"))
	if !bytes.Equal(before, after) {
		t.Error("--force sent different bytes than the daemon's version 1")
	}

	// A changed registry is a new build numbered after the daemon's versions.
	g := rules.SampleGrid()
	g.Cells[6][1].Value += " (уточнено)"
	if err := wire.WriteGridWorkbook(filepath.Join(filepath.Dir(cfg), "perechen.xlsx"), g); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runWithPassword(t, davPassword, "publish", "--config", cfg, "--source", "reg", "--dry-run")
	if code != exitOK || !strings.Contains(out, "Версия 2 от ") || strings.Count(out, "будет отправлено 2 файла") != 2 {
		t.Errorf("changed registry:\n%s", out)
	}
}

func TestPublishBlockedByErrors(t *testing.T) {
	broken := rules.SampleGrid()
	broken.Cells[5][0].Value = "x"
	cfg, site, dav := publishSetup(t, broken, "")
	for _, args := range [][]string{{"--dry-run"}, {}, {"--force"}} {
		code, out, _ := runWithPassword(t, davPassword, append([]string{"publish", "--config", cfg, "--source", "reg"}, args...)...)
		if code != exitFindings || !strings.HasPrefix(out, "== reg: публикация невозможна: в Перечне ") || !strings.Contains(out, "п. 2.2.2") {
			t.Errorf("%v: code %d\n%s", args, code, out)
		}
	}
	if entries, _ := os.ReadDir(site); len(entries) != 0 || dav.Writes() != 0 {
		t.Errorf("blocked registry was sent: %d files, %d WebDAV writes", len(entries), dav.Writes())
	}

	// block_on: warning stops a registry with warnings only.
	cfg, _, dav = publishSetup(t, rules.SampleGridWithSlips(), "    block_on: warning")
	code, out, _ := runWithPassword(t, davPassword, "publish", "--config", cfg, "--source", "reg")
	if code != exitFindings || !strings.Contains(out, "block_on: warning") || dav.Writes() != 0 {
		t.Errorf("block_on warning: code %d, writes %d\n%s", code, dav.Writes(), out)
	}
}

// A failing target fails the command (exit 1) but not the other target.
func TestPublishTargetFailureIsPerTarget(t *testing.T) {
	cfg, site, _ := publishSetup(t, rules.SampleGrid(), "")
	code, out, errs := runWithPassword(t, "wrong-password", "publish", "--config", cfg, "--source", "reg")
	if code != exitFindings {
		t.Fatalf("code %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "→ dir:"+site+": опубликована версия 1") || !strings.Contains(out, ": сбой — публикация в «webdav") {
		t.Errorf("output:\n%s", out)
	}
	if strings.Contains(out+errs, "wrong-password") {
		t.Error("password printed")
	}
	if _, err := os.Stat(filepath.Join(site, "index.html")); err != nil {
		t.Errorf("the folder target did not get the files: %v", err)
	}
}

func TestPublishUsageErrors(t *testing.T) {
	cfg, _, _ := publishSetup(t, rules.SampleGrid(), "")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--config", cfg}, "укажите --source; источники в конфигурации: reg, spare"},
		{[]string{"--config", cfg, "--source", "nope"}, `источника "nope" нет в конфигурации; есть: reg, spare`},
		{[]string{"--config", filepath.Join(t.TempDir(), "absent.yaml"), "--source", "reg"}, "конфигурация не прочитана"},
		{[]string{"--config", cfg, "--source", "reg", "more"}, "лишние аргументы"},
	}
	for _, c := range cases {
		code, out, errs := runWithPassword(t, davPassword, append([]string{"publish"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: code %d, stderr %q (want %q), stdout %q", c.args, code, errs, c.want, out)
		}
	}
	// The password variable unset: the config is unusable.
	if code, _, errs := runWithPassword(t, "", "publish", "--config", cfg, "--source", "reg"); code != exitUsage || !strings.Contains(errs, "DAV_PW") {
		t.Errorf("unset password: %d %q", code, errs)
	}
	// A source with no targets has nothing to do.
	code, out, _ := runWithPassword(t, davPassword, "publish", "--config", cfg, "--source", "spare")
	if code != exitOK || !strings.Contains(out, "нет целей публикации") {
		t.Errorf("no targets: %d\n%s", code, out)
	}
}
