//go:build measure

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/wire"
)

// TestMeasureDaemon builds the real perechen binary, runs it with two
// sources — a Google Sheet served by the fakesheets helper in its own
// process and an XLSX workbook (seed 003) — publishing into folders with
// interval 1s, and reports:
//
//   - RSS (VmRSS from /proc/PID/status) once both sources are in unchanged
//     cycles and again after MEASURE_SECONDS (default 150 s, longer than
//     the runtime's 2-minute forced GC) of them — the idle figure, target
//     ≤ 30 MB — and the peak (VmHWM);
//
//   - CPU per unchanged cycle: utime+stime from /proc/PID/stat over N
//     cycles, divided by N;
//
//   - time from a sheet edit to the new index.html in the publish folder.
//
//     make measure   # go test -tags measure -run Measure -v -count=1 ./e2e
func TestMeasureDaemon(t *testing.T) {
	tmp := t.TempDir()
	bin, fakeBin := filepath.Join(tmp, "perechen"), filepath.Join(tmp, "fakesheets")
	for out, pkg := range map[string]string{bin: "github.com/perechen-oiv/perechen/cmd/perechen", fakeBin: "github.com/perechen-oiv/perechen/e2e/cmd/fakesheets"} {
		// The flags of `make build`: a static binary (netgo,osusergo).
		args := []string{"build", "-trimpath", "-tags", "netgo,osusergo", "-o", out}
		if ld := os.Getenv("MEASURE_LDFLAGS"); ld != "" {
			args = append(args, "-ldflags", ld) // e.g. "-s -w"
		}
		if b, err := exec.Command("go", append(args, pkg)...).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}

	// The fake Google Sheet, in its own process.
	creds := filepath.Join(tmp, "credentials.json")
	fake := exec.Command(fakeBin, "-credentials", creds)
	fakeIn, _ := fake.StdinPipe()
	fakeOut, _ := fake.StdoutPipe()
	fake.Stderr = os.Stderr
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fakeIn.Close(); _ = fake.Wait() })
	var fs struct{ Endpoint, Spreadsheet_ID, Sheet, Control string }
	line, err := bufio.NewReader(fakeOut).ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &fs) != nil {
		t.Fatalf("fakesheets: %v %q", err, line)
	}

	xlsx := filepath.Join(tmp, "seed003.xlsx")
	if err := wire.WriteGridWorkbook(xlsx, rules.Seed003Grid()); err != nil {
		t.Fatal(err)
	}
	listen := freeAddr(t)
	siteA, siteB := filepath.Join(tmp, "site-a"), filepath.Join(tmp, "site-b")
	cfg := filepath.Join(tmp, "config.yaml")
	mustWrite(t, cfg, []byte(fmt.Sprintf(`interval: 1s
jitter: 100ms
state_dir: %s
status: {listen: %q}
log: {level: info, format: text}
sources:
  - name: sheet
    profile: oiv
    organisation: "Образец"
    google_sheets: {spreadsheet_id: %q, sheet: %q, credentials: %s, endpoint: %q}
    notes: on
    formats: [html, pdf]
    publish: [{dir: %s}]
  - name: workbook
    profile: mimp-mo
    organisation: "Министерство информации и молодежной политики Московской области"
    xlsx: {path: %s, notes: copy}
    notes: on
    formats: [html, pdf]
    publish: [{dir: %s}]
`, filepath.Join(tmp, "state"), listen, fs.Spreadsheet_ID, fs.Sheet, creds, fs.Endpoint, siteA, xlsx, siteB)))

	logPath := filepath.Join(tmp, "daemon.log")
	logf, _ := os.Create(logPath)
	defer logf.Close()
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("daemon log:\n%s", b)
		}
	})
	d := exec.Command(bin, "run", "--config", cfg)
	d.Stdout, d.Stderr = logf, logf
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Process.Signal(os.Interrupt); _ = d.Wait() })
	pid := d.Process.Pid
	status := func() []daemon.SourceStatus {
		resp, err := http.Get("http://" + listen + "/status.json")
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		var s struct{ Sources []daemon.SourceStatus }
		_ = json.NewDecoder(resp.Body).Decode(&s)
		return s.Sources
	}
	cycles := func() int {
		n := 0
		for _, s := range status() {
			n += s.Cycles
		}
		return n
	}
	published := func() bool {
		ss := status()
		// Seed 003 as it is has errors: the workbook source stays blocked.
		return len(ss) == 2 && ss[0].Version != nil && ss[1].Cycles > 0
	}
	waitLong(t, "the sheet published and the workbook checked", 30*time.Second, published)
	// Settle: the cycle after the notes were written lints once more.
	start := cycles()
	waitLong(t, "settled", 30*time.Second, func() bool { return cycles() >= start+6 })

	rss, hwm := procStatus(t, pid, "VmRSS"), procStatus(t, pid, "VmHWM")
	t.Logf("idle RSS with two sources: %.1f MB = %.1f MB private (RssAnon) + %.1f MB of the binary and other files (RssFile); peak %.1f MB; target ≤ 30 MB",
		rss/1024, procStatus(t, pid, "RssAnon")/1024, procStatus(t, pid, "RssFile")/1024, hwm/1024)

	// CPU per unchanged cycle.
	dur := 150 * time.Second
	if v := os.Getenv("MEASURE_SECONDS"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			dur = time.Duration(n) * time.Second
		}
	}
	c0, cpu0 := cycles(), cpuTicks(t, pid)
	time.Sleep(dur)
	c1, cpu1 := cycles(), cpuTicks(t, pid)
	for _, s := range status() {
		if s.Last == nil || s.Last.Outcome != daemon.OutcomeUnchanged {
			t.Errorf("source %s is not idle: %+v", s.Name, s.Last)
		}
	}
	n := c1 - c0
	perCycle := time.Duration(cpu1-cpu0) * 10 * time.Millisecond / time.Duration(max(n, 1)) // CLK_TCK = 100
	t.Logf("CPU per unchanged cycle: %v (%d cycles, %d ticks of 10 ms in %v)", perCycle, n, cpu1-cpu0, dur)
	idleRSS := procStatus(t, pid, "VmRSS")
	t.Logf("RSS after %v of unchanged cycles: %.1f MB = %.1f MB private + %.1f MB file-backed (target ≤ 30 MB)", dur, idleRSS/1024,
		procStatus(t, pid, "RssAnon")/1024, procStatus(t, pid, "RssFile")/1024)

	// Edit → site.
	orig := getCell(t, fs.Control, 5, 2)
	var lat []time.Duration
	for i, v := range []string{"СЭД", orig, "СЭД", orig, "СЭД"} {
		t0 := time.Now()
		setCell(t, fs.Control, 5, 2, v)
		waitLong(t, "site update", 30*time.Second, func() bool {
			b, _ := os.ReadFile(filepath.Join(siteA, "index.html"))
			return strings.Contains(string(b), fmt.Sprintf("версия %d ", i+2))
		})
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	t.Logf("edit → site (interval 1s, %d edits): min %v, median %v, max %v", len(lat), lat[0].Round(time.Millisecond),
		lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	t.Logf("RSS after the edits: %.1f MB (peak %.1f MB)", procStatus(t, pid, "VmRSS")/1024, procStatus(t, pid, "VmHWM")/1024)
	// The garbage of the last publishing cycle is returned to the OS by the
	// runtime's periodic GC (every 2 minutes) and scavenger, so the target
	// is checked after a full idle window.
	if dur >= 130*time.Second && idleRSS > 30*1024 {
		t.Errorf("idle RSS %.1f MB is over the 30 MB target", idleRSS/1024)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// procStatus reads a kB figure from /proc/PID/status.
func procStatus(t *testing.T, pid int, key string) float64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			f, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return f
		}
	}
	t.Fatalf("%s not in /proc/%d/status", key, pid)
	return 0
}

// cpuTicks is utime+stime from /proc/PID/stat.
func cpuTicks(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name (which may contain spaces): state is
	// field 3, utime 14, stime 15.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

func setCell(t *testing.T, control string, row, col int, v string) {
	t.Helper()
	resp, err := http.Post(fmt.Sprintf("%s/cell?row=%d&col=%d&value=%s", control, row, col, url.QueryEscape(v)), "", nil)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("set cell: %v %v", err, resp)
	}
	resp.Body.Close()
}

func getCell(t *testing.T, control string, row, col int) string {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("%s/cell?row=%d&col=%d", control, row, col))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct{ Value string }
	_ = json.NewDecoder(resp.Body).Decode(&c)
	return c.Value
}

func waitLong(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
