package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/daemon"
)

// scenario is one fault: start injects it, stop ends it.
type scenario struct {
	name     string
	start    func()
	stop     func()
	mustFail bool           // the first cycle under the fault must report an error
	quiet    bool           // the first cycle under the fault must report none
	write    bool           // the fault is on note writes: one must have been attempted
	want     daemon.Outcome // or end with this outcome ("" = any)
}

type chaosStats struct {
	injected      map[string]int
	cycles        int
	crashes       int
	notesLost     int
	charsLost     int
	valuesChanged int
	recovery      map[string][]time.Duration
	recoverCycles map[string][]int
	underFault    map[string]string // how the cycle under the fault ended
}

// TestChaos drives the real daemon through every fault once (the default
// suite), or in random order for CHAOS_DURATION (make chaos), checking
// after every cycle that no human note is lost and no cell value changed,
// while a reader polls the published site for partial files.
func TestChaos(t *testing.T) {
	budget := durationEnv(t, "CHAOS_DURATION")
	const timeout = time.Second
	w := newWorld(t)
	w.faults.setTokenTTL(11 * time.Second) // the client refreshes 10 s early: a new token every second
	w.faults.limit = 50_000                // bound the run in requests, not only in time
	siteDir, full := tinyDisk(t)
	rg := newRig(t, w, siteDir, sheetsTuning{timeout: timeout, retries: 2})
	reader := &site{dir: siteDir, dav: rg.dav, davRoot: "/site/"}
	ctx, cancel := context.WithCancel(context.Background())
	readerDone := reader.poll(ctx, 2*time.Millisecond)
	defer func() { cancel(); <-readerDone }()

	st := &chaosStats{injected: map[string]int{}, recovery: map[string][]time.Duration{}, recoverCycles: map[string][]int{}, underFault: map[string]string{}}
	cycle := func() (res daemon.Result) {
		st.cycles++
		func() {
			defer func() {
				if p := recover(); p != nil {
					st.crashes++
					t.Errorf("cycle panicked: %v", p)
					res = daemon.Result{Outcome: daemon.OutcomeError}
				}
			}()
			res = rg.d.RunOnce(context.Background())[0]
		}()
		lost, chars, changed := w.check()
		st.notesLost += lost
		st.charsLost += chars
		st.valuesChanged += changed
		return res
	}
	if res := cycle(); failed(res) || res.Outcome != daemon.OutcomePublished {
		t.Fatalf("first cycle: %s %+v", res.Outcome, res.Errors)
	}

	const retries = 2
	edits := 0
	staffEdit := func() {
		edits++
		w.edit(5, 2, fmt.Sprintf("Система учёта заявок (ред. %d)", edits))
	}
	api := func(n int, f func()) func() {
		return func() {
			for range n {
				f()
			}
		}
	}
	var savedSheet = w.fake.Grid(w.title)
	// Note writes that fail while a person edits: C7 (a cell with a human
	// note) gets an error, so the next write touches its note; the write
	// fails and, during the backoff, the person replies under the note or
	// inserts a row above it. stop takes the error (and the row) back.
	const goodC7, badC7 = "Система учёта заявок", "Кабинеты клиентов"
	setC7 := func(v string) {
		r, c := w.noteAt(1)
		w.edit(r, c, v)
	}
	replies := 0
	reply := func() {
		replies++
		w.reply(1, fmt.Sprintf("ОТВЕТ: согласовано с отделом, исправим (%d)", replies))
	}
	undoC7 := func() {
		w.fake.SetHook(nil)
		setC7(goodC7)
	}
	scenarios := []scenario{
		{name: "429 Retry-After", mustFail: true, start: api(retries+1, func() { w.fake.FailNext(http.StatusTooManyRequests, time.Second) })},
		{name: "429", mustFail: true, start: api(retries+1, func() { w.fake.FailNext(http.StatusTooManyRequests, 0) })},
		{name: "500", mustFail: true, start: api(retries+1, func() { w.fake.FailNext(500, 0) })},
		{name: "502", mustFail: true, start: api(retries+1, func() { w.fake.FailNext(502, 0) })},
		{name: "503", mustFail: true, start: api(retries+1, func() { w.fake.FailNext(503, 0) })},
		{name: "slow past timeout", mustFail: true, start: api(retries+1, func() { w.fake.StallNext(3 * timeout) })},
		{name: "connection dropped", start: api(retries+1, w.fake.DropNext)},
		{name: "connection reset", start: func() { w.faults.push("reset", retries+1) }},
		{name: "truncated JSON", mustFail: true, start: func() { w.faults.push("truncate", retries+1) }},
		{name: "malformed JSON", mustFail: true, start: func() { w.faults.push("malformed", retries+1) }},
		{name: "token endpoint 500", start: func() {
			for range retries + 1 {
				w.fake.FailTokenNext(500)
			}
			time.Sleep(1100 * time.Millisecond) // the token is due for refresh
		}},
		{name: "token expired", start: func() { time.Sleep(1100 * time.Millisecond) }},
		{name: "token revoked (401)", start: w.faults.revokeAll},
		{name: "403 share revoked", mustFail: true, start: func() { w.fake.SetForbidden(true) }, stop: func() { w.fake.SetForbidden(false) }},
		{name: "sheet renamed", mustFail: true, start: func() { w.rename("Перечень (архив)") }, stop: func() { w.rename(savedSheet.Sheet) }},
		{name: "sheet deleted", mustFail: true, start: func() {
			savedSheet = w.fake.Grid(w.title)
			w.fake.DeleteSheet(w.title)
		}, stop: func() { w.fake.LoadGrid(savedSheet) }},
		{name: "header changed", want: daemon.OutcomeBlocked, start: func() { w.edit(3, 1, "Процесс") },
			stop: func() {
				w.edit(3, 1, "Процесс взаимодействия с внутренним клиентом")
			}},
		{name: "staff error on a noted cell", want: daemon.OutcomeBlocked, start: func() { w.edit(5, 1, "") },
			stop: func() {
				w.edit(5, 1, "Рассмотрение заявок на снабжение ПО и техникой")
			}},
		{name: "batchUpdate 503, reply during the backoff", quiet: true, write: true,
			start: func() { setC7(badC7); w.failWrites(1, 503, 0, reply) }, stop: undoC7},
		{name: "batchUpdate 429 Retry-After, row inserted during the backoff", quiet: true, write: true,
			start: func() {
				setC7(badC7)
				w.failWrites(1, http.StatusTooManyRequests, time.Second, func() { w.insertRow(6) })
			},
			stop: func() { w.deleteEmptyRow(6); undoC7() }},
		{name: "batchUpdate 500 until retries run out, reply during the backoff", mustFail: true, write: true,
			start: func() { setC7(badC7); w.failWrites(retries+1, 500, 0, reply) }, stop: undoC7},
		{name: "WebDAV 500", mustFail: true, start: func() {
			rg.dav.SetFault(func(m, _ string) int { return map[bool]int{true: 500}[m == "PUT"] })
			staffEdit()
		}, stop: func() { rg.dav.SetFault(nil) }},
		{name: "WebDAV 507 full", mustFail: true, start: func() {
			rg.dav.SetFault(func(m, _ string) int { return map[bool]int{true: 507}[m == "PUT"] })
			staffEdit()
		}, stop: func() { rg.dav.SetFault(nil) }},
	}
	if full != nil {
		scenarios = append(scenarios, scenario{name: "dir disk full", mustFail: true,
			start: func() { full(true); staffEdit() }, stop: func() { full(false) }})
	}
	injected := func(sc scenario) {
		st.injected[sc.name]++
	}
	run := func(sc scenario) {
		injected(sc)
		before, writeFaults := w.fake.Count("token"), w.writeFaults.Load()
		sc.start()
		first := cycle()
		how := string(first.Outcome)
		if k := errorKinds(first); k != "" {
			how += " (" + k + " error)"
		}
		st.underFault[sc.name] = how
		if sc.mustFail && !failed(first) {
			t.Errorf("%s: the cycle under the fault did not report it (outcome %s)", sc.name, first.Outcome)
		}
		if sc.write && w.writeFaults.Load() == writeFaults {
			t.Errorf("%s: no note write was attempted under the fault", sc.name)
		}
		if sc.quiet && failed(first) {
			t.Errorf("%s: the cycle under the fault reported errors: %+v", sc.name, first.Errors)
		}
		if sc.want != "" && first.Outcome != sc.want {
			t.Errorf("%s: outcome %s, want %s (errors %+v)", sc.name, first.Outcome, sc.want, first.Errors)
		}
		if strings.HasPrefix(sc.name, "token") && w.fake.Count("token") == before {
			t.Errorf("%s: no new token was fetched", sc.name)
		}
		if sc.stop != nil {
			sc.stop()
		}
		end := time.Now()
		for n := 1; n <= 10; n++ {
			res := cycle()
			if !failed(res) && res.Outcome != daemon.OutcomeBlocked {
				st.recovery[sc.name] = append(st.recovery[sc.name], time.Since(end))
				st.recoverCycles[sc.name] = append(st.recoverCycles[sc.name], n)
				return
			}
			t.Logf("%s: cycle %d after the fault: %s (%s)", sc.name, n, res.Outcome, errorKinds(res))
			time.Sleep(50 * time.Millisecond)
		}
		t.Errorf("%s: no clean cycle within 10 cycles after the fault ended", sc.name)
	}
	started := time.Now()
	for _, sc := range scenarios {
		run(sc)
	}
	for rnd := rand.New(rand.NewPCG(1, 2)); time.Since(started) < budget; {
		run(scenarios[rnd.IntN(len(scenarios))])
	}
	cancel()
	<-readerDone
	report(t, st, reader, w, time.Since(started))
	if reader.partial.Load() > 0 {
		t.Errorf("reader saw %d partial files: %v", reader.partial.Load(), reader.bad)
	}
	if reader.reads.Load() == 0 {
		t.Error("the reader read no published file")
	}
}

func report(t *testing.T, st *chaosStats, reader *site, w *world, took time.Duration) {
	names := make([]string, 0, len(st.injected))
	total := 0
	for n, k := range st.injected {
		names = append(names, n)
		total += k
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "\n| fault | injected | cycle under the fault | cycles to recover (max) | time to recover after the fault ended (max) |\n|---|---|---|---|---|\n")
	for _, n := range names {
		maxC, maxD := 0, time.Duration(0)
		for i, d := range st.recovery[n] {
			maxC, maxD = max(maxC, st.recoverCycles[n][i]), max(maxD, d)
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %d | %s |\n", n, st.injected[n], st.underFault[n], maxC, maxD.Round(time.Millisecond))
	}
	w.faults.mu.Lock()
	wire := fmt.Sprint(w.faults.injected)
	w.faults.mu.Unlock()
	fmt.Fprintf(&b, "\nCHAOS run %s: faults injected %d (wire-level: %s), cycles completed %d, crashes %d, human notes lost %d "+
		"(human characters lost %d), cell values changed %d, partial files seen %d of %d reads, API requests %v\n",
		took.Round(time.Second), total, wire, st.cycles, st.crashes, st.notesLost, st.charsLost, st.valuesChanged,
		reader.partial.Load(), reader.reads.Load(), w.fake.Counts())
	t.Log(b.String())
}

// tinyDisk returns the site directory: on a 2 MiB tmpfs when mounting
// works (root), with full(true) filling it up and full(false) freeing it;
// otherwise a plain directory and a nil full.
func tinyDisk(t *testing.T) (dir string, full func(bool)) {
	dir = filepath.Join(t.TempDir(), "site")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Logf("disk-full fault skipped: cannot mount a tmpfs (%v: %s)", err, strings.TrimSpace(string(out)))
		return dir, nil
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	filler := filepath.Join(dir, ".filler")
	return dir, func(on bool) {
		if !on {
			if err := os.Remove(filler); err != nil {
				t.Errorf("free the disk: %v", err)
			}
			return
		}
		f, err := os.Create(filler)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		buf := make([]byte, 4096)
		for {
			if _, err := f.Write(buf); err != nil {
				return // ENOSPC: the disk is full
			}
		}
	}
}
