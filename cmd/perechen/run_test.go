package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

// memSource serves a fixed grid.
type memSource struct{ g rules.Grid }

func (m *memSource) Fetch(context.Context) (*psync.Snapshot, error) {
	b, _ := json.Marshal(m.g)
	return &psync.Snapshot{Grid: m.g, Hash: fmt.Sprintf("%x", sha256.Sum256(b))}, nil
}
func (m *memSource) WriteNotes(context.Context, *psync.Snapshot, []psync.NoteChange) error {
	return nil
}
func (m *memSource) Link(r rules.Ref) string { return "" }
func (m *memSource) String() string          { return "mem" }

type dirTarget struct{ dir string }

func (d dirTarget) Name() string { return "dir:" + d.dir }
func (d dirTarget) Publish(_ context.Context, _ publish.Version, fs []publish.File) error {
	for _, f := range fs {
		if err := publish.WriteFileAtomic(filepath.Join(d.dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

type textRenderer struct{ format string }

func (t textRenderer) Format() string   { return t.format }
func (t textRenderer) FileName() string { return "perechen." + t.format }
func (t textRenderer) Render(w io.Writer, reg *rules.Registry, m render.Meta) error {
	_, err := fmt.Fprintf(w, "%s %s %d\n", m.Organisation, m.VersionLabel, len(reg.Processes))
	if a := m.Approval; a != nil && err == nil {
		_, err = fmt.Fprintf(w, "УТВЕРЖДЁН %s\n", a.Document)
	}
	return err
}

func testDeps(grids map[string]rules.Grid) func(*daemon.Metrics) (daemon.Deps, error) {
	var mu gosync.Mutex
	return func(m *daemon.Metrics) (daemon.Deps, error) {
		if m == nil {
			return daemon.Deps{}, fmt.Errorf("no metrics for the RoundTripper")
		}
		return daemon.Deps{
			NewSource: func(s config.Source, _ logrus.FieldLogger) (psync.Source, error) {
				mu.Lock()
				defer mu.Unlock()
				return &memSource{g: grids[s.Name]}, nil
			},
			NewTargets: func(s config.Source) ([]publish.Target, error) {
				var ts []publish.Target
				for _, p := range s.Publish {
					ts = append(ts, dirTarget{p.Dir.Path})
				}
				return ts, nil
			},
			Renderers: func(fs []string) ([]render.Renderer, error) {
				var rs []render.Renderer
				for _, f := range fs {
					rs = append(rs, textRenderer{f})
				}
				return rs, nil
			},
			WorkingDays: daemon.WeekdayCalendar{},
		}, nil
	}
}

func writeConfig(t *testing.T, dir string, extra string) string {
	t.Helper()
	for _, n := range []string{"good", "bad"} {
		if err := os.MkdirAll(filepath.Join(dir, "site", n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	y := fmt.Sprintf(`state_dir: %[1]s/state
status: {listen: "off"}
log: {level: warn}
%[2]s
sources:
  - name: good
    xlsx: {path: %[1]s/good.xlsx}
    organisation: Хорошая
    formats: [html, csv]
    publish:
      - dir: %[1]s/site/good
`, dir, extra)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func runEnv(deps func(*daemon.Metrics) (daemon.Deps, error), reload chan os.Signal) (env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" },
		deps: deps, reload: reload}, &out, &errb
}

func TestRunOnceExitCodes(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	broken := rules.SampleGrid()
	broken.Cells[5][0].Value = "x"

	e, out, errb := runEnv(testDeps(map[string]rules.Grid{"good": rules.SampleGrid()}), nil)
	if code := dispatch(context.Background(), e, []string{"run", "--config", cfg, "--once"}); code != exitOK {
		t.Fatalf("clean: %d\n%s%s", code, out, errb)
	}
	if !strings.HasPrefix(out.String(), "== good: опубликована версия 1 — на всех целях: dir:") || !strings.Contains(out.String(), "предупреждений — 0, замечаний — 12") {
		t.Errorf("output:\n%s", out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "site", "good", "perechen.html")); err != nil || !strings.Contains(string(b), "Хорошая версия 1") {
		t.Errorf("site: %q %v", b, err)
	}

	e, out, _ = runEnv(testDeps(map[string]rules.Grid{"good": broken}), nil)
	if code := dispatch(context.Background(), e, []string{"run", "--config", cfg, "--once"}); code != exitFindings {
		t.Fatalf("errors: %d\n%s", code, out)
	}
	if !strings.HasPrefix(out.String(), "== good: публикация приостановлена: в Перечне 1 ошибка") || !strings.Contains(out.String(), "п. 2.2.2") {
		t.Errorf("no reason printed:\n%s", out)
	}
}

func TestRunDryRunPrintsPlanOnly(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	e, out, errb := runEnv(testDeps(map[string]rules.Grid{"good": rules.SampleGrid()}), nil)
	if code := dispatch(context.Background(), e, []string{"run", "--config", cfg, "--dry-run"}); code != exitOK {
		t.Fatalf("%d %s", code, errb)
	}
	if !strings.Contains(out.String(), "(пробный прогон) будет опубликована версия 1 (perechen.html, perechen.csv)") {
		t.Errorf("plan:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "site", "good", "perechen.html")); !os.IsNotExist(err) {
		t.Error("dry run published")
	}
}

func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("sources:\n  - name: a\n    xlsx: {path: x}\n    colour: red\n"), 0o600)
	e, _, errb := runEnv(testDeps(nil), nil)
	if code := dispatch(context.Background(), e, []string{"run", "--config", bad, "--once"}); code != exitUsage ||
		!strings.Contains(errb.String(), "bad.yaml:4: sources[0].colour: unknown key") {
		t.Errorf("%d %s", code, errb)
	}
	e, _, errb = runEnv(nil, nil) // the real wiring: the configured workbook does not exist
	if code := dispatch(context.Background(), e, []string{"run", "--config", writeConfig(t, dir, ""), "--once"}); code != exitUsage ||
		!strings.Contains(errb.String(), "не найден") {
		t.Errorf("%d %s", code, errb)
	}
	e, _, _ = runEnv(testDeps(nil), nil)
	if code := dispatch(context.Background(), e, []string{"run", "extra"}); code != exitUsage {
		t.Errorf("extra args: %d", code)
	}
}

func TestRunLoopReloadsOnHUPAndStops(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "interval: 50ms\njitter: 1ms\nshutdown_timeout: 1s")
	hup := make(chan os.Signal, 1)
	e, _, errb := runEnv(testDeps(map[string]rules.Grid{"good": rules.SampleGrid()}), hup)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- dispatch(ctx, e, []string{"run", "--config", cfg}) }()
	site := filepath.Join(dir, "site", "good", "perechen.html")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(site); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("daemon never published")
		}
	}
	// Break the file and send SIGHUP: the daemon keeps running.
	os.WriteFile(cfg, []byte("intervall: 1s\n"), 0o600)
	hup <- syscall.SIGHUP
	time.Sleep(150 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errb)
		}
		if !strings.Contains(errb.String(), "configuration reload failed; keeping the old configuration") ||
			!strings.Contains(errb.String(), "intervall: unknown key") {
			t.Errorf("the failed reload is not logged with its reason:\n%s", errb)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestDemoConfigIsValid(t *testing.T) {
	dir := t.TempDir()
	c := demoConfig(dir)
	parsed, err := config.ParseEnv([]byte(c.String()), "demo", func(string) string { return "" })
	if err != nil {
		t.Fatalf("demo config does not validate: %v\n%s", err, c)
	}
	if parsed.Sources[0].XLSX.Path != filepath.Join(dir, "perechen.xlsx") || parsed.Sources[0].XLSX.Notes != "copy" ||
		parsed.Sources[0].Publish[0].Dir.Path != filepath.Join(dir, "site") || parsed.Status.Listen != "127.0.0.1:9187" ||
		parsed.Interval != 10*time.Second {
		t.Errorf("%+v", parsed)
	}
	if err := prepareDemo(dir); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "perechen.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	g, err := psync.ReadXLSX(f, fi.Size(), "")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := rules.LoadProfile("oiv")
	reg, diags := rules.Lint(g, p)
	if !reg.HasHeader() || rules.Summarize(diags).Errors != 0 {
		t.Errorf("demo workbook does not lint clean: %+v", rules.Summarize(diags))
	}
}

func TestHistoryCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	state := filepath.Join(dir, "state", "good")
	os.MkdirAll(state, 0o700)
	seen := time.Date(2026, 11, 2, 9, 0, 0, 0, time.Local)
	lines := []daemon.LogEntry{
		{Change: daemon.Change{Clause: "5.3.1", Kind: "new_touchpoint", Process: "Закупка", Touchpoint: "СЭД", Russian: "п. 5.3.1: новая точка «СЭД» в процессе «Закупка»"},
			FirstSeen: seen, Deadline: seen.AddDate(0, 0, 14), Version: 2, Published: seen.AddDate(0, 0, 20)},
	}
	var buf bytes.Buffer
	for _, l := range lines {
		b, _ := json.Marshal(l)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	buf.WriteString("{broken\n")
	os.WriteFile(filepath.Join(state, "changes.jsonl"), buf.Bytes(), 0o600)
	e, out, errb := runEnv(nil, nil)
	if code := dispatch(context.Background(), e, []string{"history", "--config", cfg, "--source", "good"}); code != exitOK {
		t.Fatalf("%d %s", code, errb)
	}
	for _, want := range []string{"good — Хорошая", "версия 2, опубликована 22.11.2026", "п. 5.3.1: новая точка «СЭД» в процессе «Закупка»",
		"замечено 02.11.2026, срок 16.11.2026 — срок публикации нарушен", "строки журнала не прочитаны: 2"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("history lacks %q:\n%s", want, out)
		}
	}
	e, _, _ = runEnv(nil, nil)
	if code := dispatch(context.Background(), e, []string{"history", "--config", cfg, "--source", "nope"}); code != exitUsage {
		t.Errorf("unknown source: %d", code)
	}
}

func TestRunDemoOnce(t *testing.T) {
	dir := t.TempDir()
	e, out, errb := runEnv(testDeps(map[string]rules.Grid{"demo": rules.SampleGrid()}), nil)
	if code := dispatch(context.Background(), e, []string{"run", "--demo", dir, "--once"}); code != exitOK {
		t.Fatalf("%d %s", code, errb)
	}
	if !strings.Contains(out.String(), "== demo: опубликована версия 1 — на всех целях") {
		t.Errorf("%s", out)
	}
	for _, f := range []string{"perechen.xlsx", "site/perechen.html", "site/perechen.pdf", "state/demo/last.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("demo: %v", err)
		}
	}
	var buf bytes.Buffer
	printDemo(&buf, demoConfig(dir))
	for _, want := range []string{filepath.Join(dir, "perechen.xlsx"), filepath.Join(dir, "site", "index.html"), "http://127.0.0.1:9187/"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("demo banner lacks %q:\n%s", want, buf.String())
		}
	}
}
