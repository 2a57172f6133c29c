package render

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// The browser test loads the HTML in real headless Chromium, driven over the
// DevTools protocol on a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out,
// NUL-terminated JSON), so it needs no Node at run time: only Chromium and
// axe-core's axe.min.js from npm.
//
// Setup (what .ci/run does):
//
//	apt-get install -y chromium
//	npm install --prefix render/testdata/node --no-audit --no-fund --no-package-lock
//
// PERECHEN_CHROMIUM and PERECHEN_AXE_DIR override where they are looked for.

// browserTools finds Chromium and axe.min.js, skipping the test when either
// is missing unless CI=true, where a missing tool is a failure.
func browserTools(t *testing.T) (chromium, axeJS string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	var missing []string
	chromium = os.Getenv("PERECHEN_CHROMIUM")
	if chromium == "" {
		if p, err := exec.LookPath("chromium"); err == nil {
			chromium = p
		} else if _, err := os.Stat("/usr/bin/chromium"); err == nil {
			chromium = "/usr/bin/chromium"
		} else {
			missing = append(missing, "chromium (apt-get install -y chromium)")
		}
	}
	candidates := []string{filepath.Join("testdata", "node", "node_modules", "axe-core", "axe.min.js")}
	if dir := os.Getenv("PERECHEN_AXE_DIR"); dir != "" {
		candidates = []string{filepath.Join(dir, "axe.min.js"), filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")}
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			axeJS = c
			break
		}
	}
	if axeJS == "" {
		missing = append(missing, "axe-core (npm install --prefix render/testdata/node --no-audit --no-fund --no-package-lock)")
	}
	if len(missing) > 0 {
		msg := "browser test needs " + strings.Join(missing, " and ")
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return chromium, axeJS
}

// cdpMessage is a DevTools protocol message: a response (ID set) or an event.
type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// browser is one headless Chromium driven over the DevTools pipe.
type browser struct {
	cmd      *exec.Cmd
	toChrome *os.File
	done     chan struct{} // closed when the reader stops

	mu      gosync.Mutex
	nextID  int
	pending map[int]chan cdpMessage
	events  []cdpMessage
	notify  chan struct{} // signalled on every event
}

func startBrowser(t *testing.T, chromium string) *browser {
	t.Helper()
	chromeIn, toChrome, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromChrome, chromeOut, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--no-default-browser-check",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{chromeIn, chromeOut} // fd 3, fd 4
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	chromeIn.Close()
	chromeOut.Close()
	b := &browser{cmd: cmd, toChrome: toChrome, done: make(chan struct{}), pending: map[int]chan cdpMessage{}, notify: make(chan struct{}, 1)}
	go b.read(fromChrome)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = b.call(ctx, "", "Browser.close", nil)
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // our own process group only
			<-exited
		}
		toChrome.Close()
		fromChrome.Close()
		if t.Failed() {
			t.Logf("chromium stderr:\n%s", lastLines(stderr.String(), 20))
		}
	})
	return b
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func (b *browser) read(r *os.File) {
	defer close(b.done)
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		frame, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if json.Unmarshal(frame[:len(frame)-1], &m) != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch, ok := b.pending[m.ID]; ok {
				delete(b.pending, m.ID)
				ch <- m
			}
		} else {
			b.events = append(b.events, m)
			select {
			case b.notify <- struct{}{}:
			default:
			}
		}
		b.mu.Unlock()
	}
}

// call sends one command and waits for its result.
func (b *browser) call(ctx context.Context, session, method string, params any) (json.RawMessage, error) {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	data, _ := json.Marshal(msg)
	if _, err := b.toChrome.Write(append(data, 0)); err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		return m.Result, nil
	case <-b.done:
		return nil, fmt.Errorf("%s: chromium exited", method)
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// waitEvent waits for an event of the session with the method, consuming it.
func (b *browser) waitEvent(ctx context.Context, session, method string) error {
	for {
		b.mu.Lock()
		for i, e := range b.events {
			if e.Method == method && e.SessionID == session {
				b.events = append(b.events[:i], b.events[i+1:]...)
				b.mu.Unlock()
				return nil
			}
		}
		b.mu.Unlock()
		select {
		case <-b.notify:
		case <-b.done:
			return errors.New("chromium exited")
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", method, ctx.Err())
		}
	}
}

// eventsOf returns the params of a session's events of a method so far.
func (b *browser) eventsOf(session, method string) []json.RawMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []json.RawMessage
	for _, e := range b.events {
		if e.Method == method && e.SessionID == session {
			out = append(out, e.Params)
		}
	}
	return out
}

// page is one tab of the browser.
type page struct {
	t       *testing.T
	ctx     context.Context
	b       *browser
	session string
}

func (b *browser) newPage(ctx context.Context, t *testing.T) *page {
	t.Helper()
	res, err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"})
	if err != nil {
		t.Fatal(err)
	}
	var target struct{ TargetID string }
	_ = json.Unmarshal(res, &target)
	res, err = b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true})
	if err != nil {
		t.Fatal(err)
	}
	var att struct{ SessionID string }
	_ = json.Unmarshal(res, &att)
	p := &page{t: t, ctx: ctx, b: b, session: att.SessionID}
	for _, m := range []string{"Page.enable", "Network.enable", "Runtime.enable"} {
		p.call(m, nil)
	}
	return p
}

func (p *page) call(method string, params any) json.RawMessage {
	p.t.Helper()
	res, err := p.b.call(p.ctx, p.session, method, params)
	if err != nil {
		p.t.Fatal(err)
	}
	return res
}

// viewport emulates a window width (CSS px); mobile also sets a touch viewport.
func (p *page) viewport(width, height int, mobile bool) {
	p.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
}

func (p *page) navigate(url string) {
	p.t.Helper()
	p.call("Page.navigate", map[string]any{"url": url})
	if err := p.b.waitEvent(p.ctx, p.session, "Page.loadEventFired"); err != nil {
		p.t.Fatal(err)
	}
}

// eval runs JavaScript (awaiting a promise) and decodes its JSON value into out.
func (p *page) eval(expr string, out any) {
	p.t.Helper()
	res := p.call("Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true})
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(res, &r); err != nil {
		p.t.Fatal(err)
	}
	if r.ExceptionDetails != nil {
		p.t.Fatalf("evaluate %.60q: %s %s", expr, r.ExceptionDetails.Text, r.ExceptionDetails.Exception.Description)
	}
	if out != nil {
		if err := json.Unmarshal(r.Result.Value, out); err != nil {
			p.t.Fatalf("evaluate %.60q: %v (%s)", expr, err, r.Result.Value)
		}
	}
}

// screenshot captures the viewport (or the whole page) as PNG and checks it
// is a real picture of the page, not a blank or broken one.
func (p *page) screenshot(full bool) []byte {
	p.t.Helper()
	params := map[string]any{"format": "png"}
	var size struct{ W, H float64 }
	p.eval(`({W: document.documentElement.scrollWidth, H: `+map[bool]string{true: "document.documentElement.scrollHeight", false: "innerHeight"}[full]+`})`, &size)
	if full {
		params["captureBeyondViewport"] = true
		params["clip"] = map[string]any{"x": 0, "y": 0, "width": size.W, "height": size.H, "scale": 1}
	}
	res := p.call("Page.captureScreenshot", params)
	var shot struct{ Data string }
	_ = json.Unmarshal(res, &shot)
	data, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		p.t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		p.t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != int(size.W) || b.Dy() != int(size.H) || b.Dy() < 400 {
		p.t.Errorf("screenshot is %dx%d, page is %.0fx%.0f", b.Dx(), b.Dy(), size.W, size.H)
	}
	if dark := darkShare(img); dark < 0.01 || dark > 0.5 {
		p.t.Errorf("screenshot has %.1f%% dark pixels: blank or broken page", dark*100)
	}
	return data
}

// darkShare is the share of pixels dark enough to be text or rules.
func darkShare(img image.Image) float64 {
	b := img.Bounds()
	dark, total := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 < 0x8000 {
				dark++
			}
			total++
		}
	}
	return float64(dark) / float64(total)
}

// axeViolation is the part of an axe-core violation the test reports.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe injects axe-core and runs every rule (WCAG 2.x A/AA and best practices).
func (p *page) axe(axeSrc string) []axeViolation {
	p.t.Helper()
	var loaded bool
	if p.eval(`typeof axe === "object"`, &loaded); !loaded {
		p.eval(axeSrc+"\n;typeof axe === 'object'", &loaded)
	}
	if !loaded {
		p.t.Fatal("axe-core did not load")
	}
	var vs []axeViolation
	p.eval(`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help,
		nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").split("\n").slice(0, 2).join(" "))})))`, &vs)
	return vs
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBrowser(t *testing.T) {
	chromium, axePath := browserTools(t)
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	b := startBrowser(t, chromium)

	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			path := writeTemp(t, "index.html", renderBytes(t, NewHTML(HTMLOptions{}), f.reg, f.meta))
			url := "file://" + path
			p := b.newPage(ctx, t)

			// Desktop width.
			p.viewport(1280, 900, false)
			p.navigate(url)
			var title string
			p.eval(`document.title`, &title)
			if !strings.HasPrefix(title, "ПЕРЕЧЕНЬ точек взаимодействия") {
				t.Errorf("title %q", title)
			}
			if vs := p.axe(string(axeSrc)); len(vs) > 0 {
				t.Errorf("axe-core at 1280px: %d violations:\n%s", len(vs), formatViolations(vs))
			}
			var layout struct {
				Rows        int    `json:"rows"`
				HeadDisplay string `json:"head"`
			}
			p.eval(`({rows: document.querySelectorAll("table.perechen tbody tr").length,
				head: getComputedStyle(document.querySelector("table.perechen thead")).display})`, &layout)
			if layout.Rows != f.reg.Rows() || layout.HeadDisplay != "table-header-group" {
				t.Errorf("desktop layout %+v, want %d rows and a table header", layout, f.reg.Rows())
			}
			wide := p.screenshot(true)

			// 320 px: the stacked layout, no horizontal scrolling.
			p.viewport(320, 640, true)
			var narrow struct {
				ScrollWidth int    `json:"scrollWidth"`
				RowDisplay  string `json:"row"`
			}
			p.eval(`({scrollWidth: document.documentElement.scrollWidth,
				row: getComputedStyle(document.querySelector("table.perechen tbody tr")).display})`, &narrow)
			if narrow.ScrollWidth > 320 || narrow.RowDisplay != "flex" {
				t.Errorf("at 320px: %+v, want no horizontal scroll and stacked rows", narrow)
			}
			if vs := p.axe(string(axeSrc)); len(vs) > 0 {
				t.Errorf("axe-core at 320px: %d violations:\n%s", len(vs), formatViolations(vs))
			}
			// The first screen of a 320 × 900 phone (kept in docs/).
			p.viewport(320, 900, true)
			small := p.screenshot(false)

			// Print: A4 landscape from @page, more than one page for the sample.
			p.viewport(1280, 900, false)
			res := p.call("Page.printToPDF", map[string]any{"preferCSSPageSize": true, "printBackground": true})
			var pdf struct{ Data string }
			_ = json.Unmarshal(res, &pdf)
			raw, _ := base64.StdEncoding.DecodeString(pdf.Data)
			checkLandscapeA4(t, raw)

			// Nothing but the page itself was requested.
			for _, ev := range b.eventsOf(p.session, "Network.requestWillBeSent") {
				var r struct {
					Request struct{ URL string } `json:"request"`
				}
				_ = json.Unmarshal(ev, &r)
				if r.Request.URL != url && !strings.HasPrefix(r.Request.URL, "data:") && r.Request.URL != "about:blank" {
					t.Errorf("page requested %s", r.Request.URL)
				}
			}

			// The CSP meta is in force: an image from outside is refused.
			var violated string
			p.eval(`new Promise(resolve => {
				document.addEventListener("securitypolicyviolation", e => resolve(e.effectiveDirective))
				const img = document.createElement("img"); img.alt = ""; img.src = "http://127.0.0.1:9/x.png"
				document.body.appendChild(img)
				setTimeout(() => resolve("none"), 3000)
			})`, &violated)
			if violated != "img-src" {
				t.Errorf("CSP did not block an outside image: %q", violated)
			}

			if *update && f.name == "sample" {
				for name, data := range map[string][]byte{"render-html.png": wide, "render-html-320.png": small} {
					if err := os.WriteFile(filepath.Join("..", "docs", name), data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}

	t.Run("print", func(t *testing.T) {
		pdftotext, err := exec.LookPath("pdftotext")
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("print check needs pdftotext (apt-get install -y poppler-utils)")
			}
			t.Skip("print check needs pdftotext (apt-get install -y poppler-utils)")
		}
		prof := mustProfile(t, "oiv")
		reg, _ := rules.Lint(rules.SyntheticGrid(300), prof)
		p := b.newPage(ctx, t)
		p.navigate("file://" + writeTemp(t, "big.html", renderBytes(t, NewHTML(HTMLOptions{}), reg, Meta{Profile: prof})))
		res := p.call("Page.printToPDF", map[string]any{"preferCSSPageSize": true})
		var pdf struct{ Data string }
		_ = json.Unmarshal(res, &pdf)
		raw, _ := base64.StdEncoding.DecodeString(pdf.Data)
		checkLandscapeA4(t, raw)
		path := writeTemp(t, "big.pdf", raw)
		text, err := exec.CommandContext(ctx, pdftotext, "-layout", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		pages := strings.Split(strings.TrimRight(string(text), "\f"), "\f")
		if len(pages) < 3 {
			t.Fatalf("300 rows printed on %d pages", len(pages))
		}
		for i, pg := range pages {
			// The header row repeats on every printed page.
			if !strings.Contains(pg, "Точка взаимодействия") || !strings.Contains(pg, "Удовлетворяемые потребности") {
				t.Errorf("printed page %d of %d has no table header", i+1, len(pages))
			}
		}
		if !strings.Contains(pages[len(pages)-1], "Процесс взаимодействия номер 38") {
			t.Errorf("last process missing from the print")
		}
	})

	t.Run("xss", func(t *testing.T) {
		reg, prof := lintGrid(t, hostileGrid(), "oiv")
		meta := Meta{Profile: prof, Organisation: xssPayloads[1], VersionLabel: xssPayloads[0], Changes: []string{xssPayloads[3]}}
		// Control: the same payload unescaped does run, so the check below
		// can see an execution.
		control := `<!DOCTYPE html><html lang="ru"><head><title>контроль</title></head><body><table><tr><td>` +
			xssPayloads[1] + `</td></tr></table></body></html>`
		p := b.newPage(ctx, t)
		p.navigate("file://" + writeTemp(t, "control.html", []byte(control)))
		var ran any
		p.eval(`new Promise(r => setTimeout(() => r(window.__xss === undefined ? null : window.__xss), 300))`, &ran)
		if ran != float64(2) {
			t.Fatalf("control payload did not run (window.__xss = %v): the check cannot see an execution", ran)
		}
		for _, fragment := range []bool{false, true} {
			out := renderBytes(t, NewHTML(HTMLOptions{Fragment: fragment}), reg, meta)
			if fragment {
				// Embedded in a page without CSP: escaping alone must hold.
				out = append([]byte(`<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>фрагмент</title></head><body><main>`), out...)
				out = append(out, "</main></body></html>"...)
			}
			p := b.newPage(ctx, t)
			p.navigate("file://" + writeTemp(t, "xss-"+strconv.FormatBool(fragment)+".html", out))
			time.Sleep(200 * time.Millisecond) // let an onerror of a broken image fire, if any
			var state struct {
				XSS   any    `json:"xss"`
				Title string `json:"title"`
				Tags  int    `json:"tags"`
				Shown bool   `json:"shown"`
			}
			p.eval(`({xss: window.__xss === undefined ? null : window.__xss, title: document.title,
				tags: document.querySelectorAll("table script, table img, table svg, header img, header script").length,
				shown: document.body.textContent.includes(`+jsString(xssPayloads[0])+`)})`, &state)
			if state.XSS != nil || strings.Contains(state.Title, "XSS") || state.Tags != 0 || !state.Shown {
				t.Errorf("fragment=%v: payload executed or lost: %+v", fragment, state)
			}
			if d := b.eventsOf(p.session, "Page.javascriptDialogOpening"); len(d) > 0 {
				t.Errorf("fragment=%v: alert() ran: %s", fragment, d[0])
			}
		}
	})
}

func jsString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

func formatViolations(vs []axeViolation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "  [%s %s] %s\n", v.Impact, v.ID, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "      %s\n", n)
		}
	}
	return b.String()
}

var mediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]`)

// checkLandscapeA4 checks Chromium's print of the page: A4 landscape pages
// (842 × 595 pt) as the @page rule asks.
func checkLandscapeA4(t *testing.T, pdf []byte) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("print is not a PDF")
	}
	boxes := mediaBox.FindAllSubmatch(pdf, -1)
	if len(boxes) == 0 {
		t.Fatal("print has no MediaBox")
	}
	for _, m := range boxes {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if w < 835 || w > 848 || h < 590 || h > 600 {
			t.Errorf("printed page is %.0f×%.0f pt, want A4 landscape 842×595", w, h)
		}
	}
}
