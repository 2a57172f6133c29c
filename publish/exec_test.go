package publish

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
)

// recorderScript records its environment, arguments and working folder
// into $RECORD and then does what $RECORD/mode says: fail, failonce, hang.
const recorderScript = `#!/bin/sh
env | grep '^PERECHEN_' | sort > "$RECORD/env.txt"
printf '%s\n' "$@" > "$RECORD/args.txt"
pwd > "$RECORD/pwd.txt"
: > "$RECORD/cat.txt"
for f in $PERECHEN_FILES; do cat "$f" >> "$RECORD/cat.txt"; done
echo run >> "$RECORD/runs.txt"
case "$(cat "$RECORD/mode" 2>/dev/null)" in
fail)
	echo "step 1 ok"
	echo "ошибка импорта: CMS недоступна" >&2
	exit 3 ;;
failonce)
	if [ ! -f "$RECORD/failed" ]; then
		: > "$RECORD/failed"
		echo "temporary failure" >&2
		exit 1
	fi ;;
hang)
	sleep 30 &
	echo $! > "$RECORD/child.pid"
	wait ;;
esac
echo "imported version $PERECHEN_VERSION"
`

func recorder(t *testing.T, mode string) (script, record string) {
	t.Helper()
	needTool(t, "sh")
	dir := t.TempDir()
	script = filepath.Join(dir, "import.sh")
	if err := os.WriteFile(script, []byte(recorderScript), 0o755); err != nil {
		t.Fatal(err)
	}
	record = filepath.Join(dir, "record")
	if err := os.Mkdir(record, 0o755); err != nil {
		t.Fatal(err)
	}
	if mode != "" {
		if err := os.WriteFile(filepath.Join(record, "mode"), []byte(mode), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return script, record
}

func readRecord(t *testing.T, record, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(record, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var execFiles = []File{
	{Name: "index.html", Data: []byte("<p>перечень</p>\n")},
	{Name: "perechen.pdf", Data: []byte("%PDF-1.7\n")},
}

func TestExecEnvironmentAndArgs(t *testing.T) {
	script, record := recorder(t, "")
	logger, hook := logtest.NewNullLogger()
	target, err := NewExecTarget(ExecConfig{
		Command: []string{script, "two words", "$HOME;rm -rf /"}, // no shell: passed literally
		Env:     []string{"RECORD=" + record},
		Timeout: 20 * time.Second,
		Logger:  logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	vt := time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)
	if err := target.Publish(context.Background(), Version{Source: "minzdrav", Number: 3, Time: vt, Hash: "abc"}, execFiles); err != nil {
		t.Fatal(err)
	}
	dir := strings.TrimSpace(readRecord(t, record, "pwd.txt"))
	wantEnv := []string{
		"PERECHEN_DIR=" + dir,
		"PERECHEN_FILES=" + filepath.Join(dir, "index.html") + " " + filepath.Join(dir, "perechen.pdf"),
		"PERECHEN_FILE_INDEX_HTML=" + filepath.Join(dir, "index.html"),
		"PERECHEN_FILE_PERECHEN_PDF=" + filepath.Join(dir, "perechen.pdf"),
		"PERECHEN_HASH=abc",
		"PERECHEN_SOURCE=minzdrav",
		"PERECHEN_VERSION=3",
		"PERECHEN_VERSION_TIME=2026-03-02T10:30:00Z",
	}
	if got := strings.TrimSpace(readRecord(t, record, "env.txt")); got != strings.Join(wantEnv, "\n") {
		t.Errorf("environment:\n%s\nwant:\n%s", got, strings.Join(wantEnv, "\n"))
	}
	if got := readRecord(t, record, "args.txt"); got != "two words\n$HOME;rm -rf /\n" {
		t.Errorf("args %q", got)
	}
	if got := readRecord(t, record, "cat.txt"); got != string(execFiles[0].Data)+string(execFiles[1].Data) {
		t.Errorf("files seen by the command: %q", got)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temp dir %s left behind (%v)", dir, err)
	}
	res, ok := target.LastResult()
	if !ok || res.ExitCode != 0 || !strings.Contains(res.Output, "imported version 3") || res.Dir != dir {
		t.Errorf("result %+v", res)
	}
	if e := hook.LastEntry(); e == nil || e.Level != logrus.InfoLevel || !strings.Contains(e.Data["output"].(string), "imported version 3") {
		t.Errorf("log entry %+v", e)
	}
}

func TestExecShellAndWorkDir(t *testing.T) {
	_, record := recorder(t, "")
	work := filepath.Join(t.TempDir(), "out")
	target, err := NewExecTarget(ExecConfig{
		Command: []string{`echo "$1 $(cat "$PERECHEN_FILE_INDEX_HTML")" > "$RECORD/shell.txt"`, "привет"},
		Shell:   true,
		WorkDir: work,
		Env:     []string{"RECORD=" + record},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := target.Publish(context.Background(), Version{Number: 1}, execFiles); err != nil {
		t.Fatal(err)
	}
	if got := readRecord(t, record, "shell.txt"); got != "привет <p>перечень</p>\n" {
		t.Errorf("shell output %q", got)
	}
	if b, err := os.ReadFile(filepath.Join(work, "perechen.pdf")); err != nil || string(b) != "%PDF-1.7\n" {
		t.Errorf("work_dir keeps the files: %q %v", b, err)
	}
}

func TestExecFailureReportsOutput(t *testing.T) {
	script, record := recorder(t, "fail")
	logger, hook := logtest.NewNullLogger()
	target, err := NewExecTarget(ExecConfig{Command: []string{script}, Env: []string{"RECORD=" + record}, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	err = target.Publish(context.Background(), Version{Number: 1}, execFiles)
	if err == nil {
		t.Fatal("a failing command must fail the publish")
	}
	if e := containsAll(err.Error(), target.Name(), "кодом 3", "ошибка импорта: CMS недоступна", "step 1 ok"); e != nil {
		t.Error(e)
	}
	if e := hook.LastEntry(); e == nil || e.Level != logrus.WarnLevel {
		t.Errorf("failure not logged as a warning: %+v", e)
	}
}

func TestExecTimeoutKillsProcessGroup(t *testing.T) {
	script, record := recorder(t, "hang")
	target, err := NewExecTarget(ExecConfig{Command: []string{script}, Env: []string{"RECORD=" + record}, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = target.Publish(context.Background(), Version{Number: 1}, execFiles)
	elapsed := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "не завершилась за 300ms") {
		t.Fatalf("error %v, want a timeout", err)
	}
	t.Logf("publish returned after %s", elapsed)
	if elapsed > 5*time.Second {
		t.Errorf("publish took %s with a 300ms timeout", elapsed)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(readRecord(t, record, "child.pid")))
	if err != nil {
		t.Fatal(err)
	}
	// The script's own child (sleep 30) must be gone too, not just the script.
	deadline := time.Now().Add(3 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("child process %d of the timed-out command is still running", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if res, _ := target.LastResult(); !res.TimedOut {
		t.Errorf("result %+v not marked as timed out", res)
	}
}

func TestExecFailureRetriedByTracked(t *testing.T) {
	script, record := recorder(t, "failonce")
	target, err := NewExecTarget(ExecConfig{Command: []string{script}, Env: []string{"RECORD=" + record}})
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTracked(target, RetryPolicy{Attempts: 3, Backoff: 10 * time.Millisecond})
	if err := tr.Publish(context.Background(), Version{Number: 4, Hash: "h4"}, execFiles); err != nil {
		t.Fatalf("retry did not recover: %v", err)
	}
	if runs := strings.Count(readRecord(t, record, "runs.txt"), "run"); runs != 2 {
		t.Errorf("%d runs, want 2 (one failure, one success)", runs)
	}
	if st := tr.State(); st.LastError != "" || st.Version != 4 {
		t.Errorf("state %+v", st)
	}
	// Same version again: the command is not run.
	if err := tr.Publish(context.Background(), Version{Number: 4, Hash: "h4"}, execFiles); err != nil {
		t.Fatal(err)
	}
	if runs := strings.Count(readRecord(t, record, "runs.txt"), "run"); runs != 2 {
		t.Errorf("same version ran the command again (%d runs)", runs)
	}
}

func TestNewExecTargetErrors(t *testing.T) {
	for _, c := range []ExecConfig{{}, {Command: []string{" "}}, {Command: []string{"true"}, Env: []string{"NOEQUALS"}}} {
		if _, err := NewExecTarget(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	tg, err := NewExecTarget(ExecConfig{Command: []string{"/definitely/missing/program"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.Publish(context.Background(), Version{}, execFiles); err == nil || !strings.Contains(err.Error(), "не удалось запустить") {
		t.Errorf("missing program: %v", err)
	}
}

func TestEnvName(t *testing.T) {
	for in, want := range map[string]string{"index.html": "INDEX_HTML", "perechen-2026.pdf": "PERECHEN_2026_PDF", "данные.csv": "_______CSV"} {
		if got := envName(in); got != want {
			t.Errorf("envName(%q) = %q, want %q", in, got, want)
		}
	}
}

// alive reports whether pid runs; a zombie waiting for init to reap it
// (slow in some containers) counts as dead.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) == 0 || fields[0] != "Z"
}

func TestExecCancelledByCaller(t *testing.T) {
	script, record := recorder(t, "hang")
	target, err := NewExecTarget(ExecConfig{Command: []string{script}, Env: []string{"RECORD=" + record}, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = target.Publish(ctx, Version{}, execFiles)
	if err == nil || !strings.Contains(err.Error(), "прервана") {
		t.Errorf("error %v, want the command interrupted", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestExecCommandEnvDropsSecrets(t *testing.T) {
	env := commandEnv([]string{"PATH=/bin", "LANG=ru_RU.UTF-8", "LC_ALL=C", "PERECHEN_DAV_PASSWORD=hunter2",
		"PERECHEN_STATUS_TOKEN=t", "GOOGLE_APPLICATION_CREDENTIALS=/etc/k.json", "AWS_SECRET_ACCESS_KEY=x"})
	got := strings.Join(env, " ")
	if got != "PATH=/bin LANG=ru_RU.UTF-8 LC_ALL=C" {
		t.Errorf("command environment = %q", got)
	}
}
