package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/wire"
)

// approvalConfig is one XLSX source "good" (served by testDeps) that needs
// approval, publishing into dir/site/good.
func approvalConfig(t *testing.T, dir, interval string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "site", "good"), 0o755); err != nil {
		t.Fatal(err)
	}
	y := fmt.Sprintf(`state_dir: %[1]s/state
interval: %[2]s
status: {listen: "off"}
log: {level: warn}
time_zone: Europe/Moscow
sources:
  - name: good
    xlsx: {path: %[1]s/good.xlsx}
    organisation: Хорошая
    formats: [html]
    approval: {required: true}
    publish:
      - dir: %[1]s/site/good
  - name: plain
    xlsx: {path: %[1]s/plain.xlsx}
`, dir, interval)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func cli(t *testing.T, grid rules.Grid, args ...string) (int, string, string) {
	t.Helper()
	e, out, errb := runEnv(testDeps(map[string]rules.Grid{"good": grid, "plain": grid}), nil)
	code := dispatch(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestApproveCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := approvalConfig(t, dir, "60s")
	g := rules.SampleGrid()
	approve := func(extra ...string) (int, string, string) {
		return cli(t, g, append([]string{"approve", "--config", cfg, "--source", "good"}, extra...)...)
	}
	const doc = "приказ Министерства от 01.12.2026 № 27П-50"
	if code, _, errs := approve("--by", "Иванова И.И.", "--document", doc); code != exitUsage || !strings.Contains(errs, "служба ещё не проверяла источник good") {
		t.Errorf("before the daemon: %d %s", code, errs)
	}
	code, out, _ := cli(t, g, "run", "--config", cfg, "--once")
	if code != exitOK || !strings.Contains(out, "== good: версия 1 от ") || !strings.Contains(out, "ждёт утверждения (п. 5.1–5.2) и не опубликована") {
		t.Fatalf("run --once: %d\n%s", code, out)
	}
	site := filepath.Join(dir, "site", "good", "perechen.html")
	if _, err := os.Stat(site); err == nil {
		t.Fatal("published before approval")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--document", doc}, "укажите, кто утверждает: --by"},
		{[]string{"--by", "Иванова И.И."}, "укажите утверждающий документ (п. 5.1)"},
		{[]string{"--by", "Иванова И.И.", "--document", doc, "--version", "2"}, "версии 2 нет; утверждения ждёт версия 1"},
	} {
		if code, _, errs := approve(c.args...); code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: %d %q, want %q", c.args, code, errs, c.want)
		}
	}
	if code, _, errs := cli(t, g, "approve", "--config", cfg, "--source", "plain", "--by", "И", "--document", doc); code != exitUsage || !strings.Contains(errs, "утверждение не требуется") {
		t.Errorf("source without approval: %d %s", code, errs)
	}
	code, out, errs := approve("--by", "Иванова И.И.", "--document", doc)
	if code != exitOK || !strings.HasPrefix(out, "good: утверждена версия 1 — "+doc+" (утвердил(а): Иванова И.И.") {
		t.Fatalf("approve: %d %s %s", code, out, errs)
	}
	if code, out, _ := approve("--by", "Иванова И.И.", "--document", doc); code != exitOK || !strings.Contains(out, "уже утверждена этим документом") {
		t.Errorf("approve twice: %d %s", code, out)
	}
	code, out, _ = cli(t, g, "run", "--config", cfg, "--once")
	if b, _ := os.ReadFile(site); code != exitOK || !strings.HasPrefix(out, "== good: опубликована версия 1 — на всех целях") || !strings.Contains(string(b), "УТВЕРЖДЁН "+doc) {
		t.Fatalf("after approval: %d %q\n%s", code, b, out)
	}
	code, out, _ = cli(t, g, "history", "--config", cfg, "--source", "good")
	if code != exitOK || !strings.Contains(out, "утверждена ") || !strings.Contains(out, doc+" (утвердил(а): Иванова И.И.; командой perechen approve)") ||
		!strings.Contains(out, "(время — Europe/Moscow)") {
		t.Errorf("history: %d\n%s", code, out)
	}

	// Content with errors: nothing to approve.
	broken := rules.SampleGrid()
	breakCell(&broken)
	if code, out, _ := cli(t, broken, "run", "--config", cfg, "--once"); code != exitFindings || !strings.Contains(out, "== good: публикация приостановлена") {
		t.Fatalf("broken: %d\n%s", code, out)
	}
	if code, _, errs := cli(t, broken, "approve", "--config", cfg, "--source", "good", "--by", "И", "--document", doc); code != exitUsage || !strings.Contains(errs, "не прошло проверку") {
		t.Errorf("approving content with errors: %d %s", code, errs)
	}
}

func breakCell(g *rules.Grid) { g.Cells[5][0].Value = "x" }

// TestApproveRacesRunningDaemon runs the daemon (interval 20 ms: it reads
// the approvals, writes last.json and appends to changes.jsonl all the
// time) while six `perechen approve` processes approve the same version at
// once, three with one document and three with another. Exactly one
// approval is recorded, the processes with its document exit 0, the others
// 2, and the daemon publishes the version with that document; every line
// of changes.jsonl is whole.
func TestApproveRacesRunningDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	cfg := approvalConfig(t, dir, "20ms")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		deps := testDeps(map[string]rules.Grid{"good": rules.SampleGrid(), "plain": rules.SampleGrid()})
		withDiff := func(m *daemon.Metrics) (daemon.Deps, error) {
			d, err := deps(m)
			d.Diff = wire.Diff // the daemon appends the version's changes to changes.jsonl too
			return d, err
		}
		e, _, _ := runEnv(withDiff, nil)
		done <- dispatch(ctx, e, []string{"run", "--config", cfg})
	}()
	defer func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("daemon exit %d", code)
		}
	}()
	stateDir := filepath.Join(dir, "state")
	waitFor(t, "a version awaiting approval", func() bool {
		st, _ := daemon.ReadState(stateDir, "good")
		return st != nil && st.Candidate != nil
	})

	docs := []string{"приказ от 01.12.2026 № 1", "приказ от 02.12.2026 № 2"}
	type outcome struct {
		doc  string
		code int
		out  string
	}
	results := make([]outcome, 6)
	var wg gosync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc := docs[i%2]
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "PERECHEN_TEST_AS_MAIN=1",
				"PERECHEN_TEST_ARGV="+strings.Join([]string{"approve", "--config", cfg, "--source", "good", "--version", "1",
					"--by", fmt.Sprintf("Утверждающий %d", i), "--document", doc}, "\n"))
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Error(err)
			}
			results[i] = outcome{doc, code, out.String()}
		}()
	}
	wg.Wait()

	entries, bad, err := daemon.ReadChangeLog(stateDir, "good")
	if err != nil || len(bad) != 0 {
		t.Fatalf("changes.jsonl: %v, torn lines %v", err, bad)
	}
	var approvals []daemon.Approval
	for _, e := range entries {
		if e.Kind == daemon.ApprovalKind {
			approvals = append(approvals, *e.Approval)
		}
	}
	if len(approvals) != 1 {
		t.Fatalf("%d approvals recorded, want exactly 1: %+v", len(approvals), approvals)
	}
	won, recorded := approvals[0].Document, 0
	for _, r := range results {
		switch {
		case r.doc == won && r.code == exitOK:
			if strings.Contains(r.out, "утверждена версия 1") {
				recorded++
			} else if !strings.Contains(r.out, "уже утверждена этим документом") {
				t.Errorf("winner's output: %s", r.out)
			}
		case r.doc != won && r.code == exitUsage && strings.Contains(r.out, "уже утверждена другим документом: "+won):
		default:
			t.Errorf("approve with %q: exit %d\n%s", r.doc, r.code, r.out)
		}
	}
	if recorded != 1 {
		t.Errorf("%d processes say they recorded the approval, want 1", recorded)
	}
	site := filepath.Join(dir, "site", "good", "perechen.html")
	waitFor(t, "the approved version on the site", func() bool {
		b, _ := os.ReadFile(site)
		return strings.Contains(string(b), "УТВЕРЖДЁН "+won)
	})
	waitFor(t, "the version's changes in the log", func() bool {
		entries, _, _ := daemon.ReadChangeLog(stateDir, "good")
		return len(entries) > 1
	})
	if _, bad, err := daemon.ReadChangeLog(stateDir, "good"); err != nil || len(bad) != 0 {
		t.Errorf("changes.jsonl after both wrote: %v, torn lines %v", err, bad)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a loaded machine
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
