package chaos

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/publish/davfake"
)

// TestKillRestart builds perechen, runs it against the fake servers of
// this process and SIGKILLs it at random moments of its cycles (each
// preceded by a staff edit, so there is work to interrupt: lint, notes,
// render, publish), then restarts it. The last run must publish the last
// edit and stop cleanly on SIGTERM; throughout, no human note is lost, no
// value changes, and the reader never sees a partial file. KILL_COUNT
// (default 4) sets the number of kills.
func TestKillRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	kills := 4
	if v := os.Getenv("KILL_COUNT"); v != "" {
		if _, err := fmt.Sscan(v, &kills); err != nil {
			t.Fatalf("KILL_COUNT=%q: %v", v, err)
		}
	}
	bin := filepath.Join(t.TempDir(), "perechen")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/perechen").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	w := newWorld(t)
	dav := davfake.New(t, davfake.Options{})
	dav.MkdirAll("/site")
	siteDir := filepath.Join(t.TempDir(), "site")
	cfgPath := filepath.Join(t.TempDir(), "perechen.yaml")
	stateDir := t.TempDir()
	if err := os.WriteFile(cfgPath, chaosConfig(t, w, siteDir, stateDir, dav.URL+"/site/", "200ms"), 0o600); err != nil {
		t.Fatal(err)
	}
	reader := &site{dir: siteDir, dav: dav, davRoot: "/site/"}
	ctx, cancel := context.WithCancel(context.Background())
	readerDone := reader.poll(ctx, 2*time.Millisecond)
	defer func() { cancel(); <-readerDone }()

	start := func() (*exec.Cmd, *bytes.Buffer) {
		var logs bytes.Buffer
		cmd := exec.Command(bin, "run", "--config", cfgPath)
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &logs
	}
	rnd := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	var notesLost, charsLost, valuesChanged, crashes int
	var at []string
	began := time.Now()
	for i := 1; i <= kills; i++ {
		w.edit(5, 2, fmt.Sprintf("Система учёта заявок (ред. %d)", i))
		cmd, logs := start()
		wait := time.Duration(50+rnd.IntN(1500)) * time.Millisecond
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			crashes++
			t.Errorf("run %d exited by itself before the kill: %v\n%s", i, err, logs)
		case <-time.After(wait):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-exited
			at = append(at, wait.String())
		}
		lost, chars, changed := w.check()
		notesLost, charsLost, valuesChanged = notesLost+lost, charsLost+chars, valuesChanged+changed
	}
	// The last run: it must remove what the kills left, pick up after them
	// and publish the last edit.
	leftBehind := len(tempLeftovers(stateDir, siteDir))
	final := fmt.Sprintf("Система учёта заявок (ред. %d)", kills+1)
	w.edit(5, 2, final)
	cmd, logs := start()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	restart := time.Now()
	deadline := time.After(60 * time.Second)
	var recovered time.Duration
poll:
	for {
		select {
		case err := <-exited:
			crashes++
			t.Fatalf("final run exited by itself: %v\n%s", err, logs)
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("final run did not publish the last edit within 60 s\n%s", logs)
		case <-time.After(20 * time.Millisecond):
			html, err := os.ReadFile(filepath.Join(siteDir, "index.html"))
			page, ok := dav.File("/site/index.html")
			if err == nil && ok && strings.Contains(string(html), final) && strings.Contains(string(page), final) {
				recovered = time.Since(restart)
				break poll
			}
		}
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("SIGTERM: exit %v\n%s", err, logs)
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Errorf("did not stop within 15 s of SIGTERM\n%s", logs)
	}
	lost, chars, changed := w.check()
	notesLost, charsLost, valuesChanged = notesLost+lost, charsLost+chars, valuesChanged+changed
	if left := tempLeftovers(stateDir, siteDir); len(left) > 0 {
		t.Errorf("temp files of killed runs still there after a start: %v", left)
	}
	cancel()
	<-readerDone
	t.Logf("KILL run %s: SIGKILLs %d (after %s), restarts %d, crashes %d, human notes lost %d (human characters lost %d), cell values changed %d, temp files left by the kills %d (0 after the final start), "+
		"partial files seen %d of %d reads, last edit on the site %s after the final restart, API requests %v",
		time.Since(began).Round(time.Second), kills, strings.Join(at, ", "), kills, crashes, notesLost, charsLost, valuesChanged, leftBehind,
		reader.partial.Load(), reader.reads.Load(), recovered.Round(time.Millisecond), w.fake.Counts())
	if n := reader.partial.Load(); n > 0 {
		t.Errorf("reader saw %d partial files: %v", n, reader.bad)
	}
}

// tempLeftovers lists the temp files and folders of interrupted writes
// (".last.json.tmp-123", ".0004.tmp-456", ".index.html.tmp-789") under dirs.
func tempLeftovers(dirs ...string) []string {
	var out []string
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && path != dir && strings.HasPrefix(d.Name(), ".") && strings.Contains(d.Name(), ".tmp-") {
				out = append(out, path)
			}
			return nil
		})
	}
	return out
}
