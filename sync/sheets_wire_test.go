package sync

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// wireCounter counts the bytes that cross the client's TCP connections:
// request and response, headers and (compressed) bodies.
type wireCounter struct{ sent, received atomic.Int64 }

func (w *wireCounter) client() *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &countingConn{Conn: c, w: w}, nil
		},
	}}
}

func (w *wireCounter) total() int64 { return w.sent.Load() + w.received.Load() }

type countingConn struct {
	net.Conn
	w *wireCounter
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.w.received.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.w.sent.Add(int64(n))
	return n, err
}

// oldUserAgent puts back the User-Agent perechen sent before it asked for
// gzip (the Go client's own), so the fake, like Google, answers plain JSON.
type oldUserAgent struct{ base http.RoundTripper }

func (o oldUserAgent) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", "google-api-go-client/0.5")
	return o.base.RoundTrip(r)
}

// TestSheetsAsksForGzip: every API request says gzip in its User-Agent and
// Accept-Encoding, the fake compresses, and the grid read is the same.
func TestSheetsAsksForGzip(t *testing.T) {
	var uas []string
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	h.fake.SetWrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/token" {
				uas = append(uas, r.Header.Get("User-Agent")+" | "+r.Header.Get("Accept-Encoding"))
			}
			next.ServeHTTP(w, r)
		})
	})
	if _, err := h.cycle(now0); err != nil {
		t.Fatal(err)
	}
	if len(uas) == 0 || h.fake.Count("gzip") != len(uas) {
		t.Fatalf("%d of %d API responses compressed", h.fake.Count("gzip"), len(uas))
	}
	for _, ua := range uas {
		if !strings.HasPrefix(ua, "perechen/") || !strings.Contains(ua, "(gzip) | gzip") {
			t.Fatalf("request headers %q", ua)
		}
	}
	snap, err := h.src.Fetch(context.Background())
	if err != nil || snap.Hash != HashGrid(h.fake.Grid(sheetTitle)) {
		t.Fatalf("gzip read differs: %v", err)
	}
}

// variedGrid is SyntheticGrid with every process name and every fifth
// column made of words drawn at random from the sample registry, so the
// text compresses like a real registry's varied wording rather than the
// synthetic one's repeats.
func variedGrid(rows int) rules.Grid {
	var words []string
	for _, row := range rules.SampleGrid().Cells {
		for _, c := range row {
			words = append(words, strings.Fields(c.Value)...)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	phrase := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(w, " ")
	}
	g := rules.SyntheticGrid(rows)
	for r := 3; r < len(g.Cells); r++ {
		if g.Cells[r][1].Value != "" {
			g.Cells[r][1].Value = phrase(6 + rng.IntN(8))
		}
		if g.Cells[r][4].Value != "" {
			g.Cells[r][4].Value += ". " + phrase(4+rng.IntN(10))
		}
	}
	return g
}

// TestSheetsWireBytesPerIdleCycle measures the bytes on the wire of one
// unchanged cycle on a 10,000-row registry with its notes in place:
// without gzip (perechen's old User-Agent), with gzip, and with the Drive
// version pre-check. go test -run WireBytes -v ./sync prints the figures
// (docs/google-sheets.md).
func TestSheetsWireBytesPerIdleCycle(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 10,000-row sheet several times")
	}
	rows := 10_000
	if raceEnabled {
		rows = 2_000 // the figures come from runs without -race; this checks the ratios
	}
	for _, grid := range []struct {
		name string
		g    rules.Grid
	}{{"synthetic", rules.SyntheticGrid(rows)}, {"varied text", variedGrid(rows)}} {
		t.Run(grid.name, func(t *testing.T) { measureIdleCycles(t, grid.g) })
	}
}

func measureIdleCycles(t *testing.T, g rules.Grid) {
	measure := func(name string, mod func(*SheetsConfig, *wireCounter)) (int64, int64) {
		var w wireCounter
		h := newSheetsHarness(t, g, func(c *SheetsConfig) { mod(c, &w) })
		h.fake.SetGzipLevel(gzip.DefaultCompression) // Google's level is not published: zlib's default
		if _, err := h.cycle(now0); err != nil {     // notes in place
			t.Fatal(err)
		}
		ctx := context.Background()
		snap, err := h.src.Fetch(ctx) // the read after perechen's own write
		if err != nil {
			t.Fatal(err)
		}
		h.fake.ResetCounts()
		const cycles = 3
		before, received := w.total(), w.received.Load()
		for i := 0; i < cycles; i++ { // the daemon's idle cycle: probe, and read only if it says so
			if same, err := h.src.Unchanged(ctx, snap.Hash); err != nil || same {
				continue
			}
			s, err := h.src.Fetch(ctx)
			if err != nil || s.Hash != snap.Hash {
				t.Fatalf("%s: idle read %v", name, err)
			}
		}
		perCycle, perCycleIn := (w.total()-before)/cycles, (w.received.Load()-received)/cycles
		t.Logf("%-28s %9d bytes on the wire per unchanged cycle (%d received), requests %v", name, perCycle, perCycleIn, h.fake.Counts())
		return perCycle, perCycleIn
	}
	plain, _ := measure("no gzip (old User-Agent)", func(c *SheetsConfig, w *wireCounter) {
		c.HTTPClient = &http.Client{Transport: oldUserAgent{w.client().Transport}}
	})
	gz, _ := measure("gzip", func(c *SheetsConfig, w *wireCounter) { c.HTTPClient = w.client() })
	drive, _ := measure("gzip + Drive version check", func(c *SheetsConfig, w *wireCounter) {
		c.HTTPClient, c.DriveVersionCheck = w.client(), true
	})
	if gz*4 > plain {
		t.Errorf("gzip cycle %d bytes, plain %d: less than 4x smaller", gz, plain)
	}
	if drive > 2048 {
		t.Errorf("idle cycle with the Drive pre-check: %d bytes", drive)
	}
}

// TestGzipTransportDamagedBodies: a compressed body cut off or garbled on
// the way is a transient failure (retried), never a silent short read.
func TestGzipTransportDamagedBodies(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"sheets":[` + strings.Repeat(`{"properties":{"title":"x"}},`, 200) + `{}]}`))
	zw.Close()
	whole := buf.Bytes()
	garbled := append([]byte(nil), whole...)
	garbled[len(garbled)-6] ^= 0xff // the CRC
	for name, body := range map[string][]byte{"ok": whole, "truncated": whole[:len(whole)/2], "garbled": garbled, "not gzip": []byte("{}")} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Accept-Encoding") != "gzip" || !strings.HasSuffix(r.Header.Get("User-Agent"), "(gzip)") {
					t.Errorf("headers %v", r.Header)
				}
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(body)
			}))
			defer srv.Close()
			c := &http.Client{Transport: &gzipTransport{base: http.DefaultTransport, userAgent: userAgent()}}
			resp, err := c.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var v map[string]any
			err = json.NewDecoder(resp.Body).Decode(&v)
			if name == "ok" {
				if err != nil || resp.Header.Get("Content-Encoding") != "" || !resp.Uncompressed {
					t.Fatalf("%v %v", err, resp.Header)
				}
				return
			}
			if _, err2 := io.ReadAll(resp.Body); err == nil {
				err = err2
			}
			if retry, _ := retryable(err); err == nil || !retry {
				t.Fatalf("err %v, retryable %v", err, retry)
			}
		})
	}
}
