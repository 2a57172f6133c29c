package sync

import (
	"context"
	"errors"
	"sort"
	gosync "sync"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

// maxInWindow is the largest number of times in any window [t, t+w).
func maxInWindow(times []time.Time, w time.Duration) int {
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	best, j := 0, 0
	for i := range times {
		for times[i].Sub(times[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// TestQuotaSharedBySources runs 50 sources of one service account against
// the fake as fast as they can, with the quota at 60 requests per second
// (an accelerated minute): the fake never sees more than 60 reads in any
// 2 s, and the limiter does not throttle far below the quota either.
func TestQuotaSharedBySources(t *testing.T) {
	const (
		sources = 50
		perWin  = 60
		window  = 2 * time.Second
		slack   = 500 * time.Millisecond // NewQuota adds 1 s to the minute; a loaded 2-CPU -race run delays requests more
		run     = 5 * time.Second
	)
	f := sheetsfake.New(t)
	g := rules.SampleGrid()
	f.Rename("Лист1", g.Sheet)
	f.LoadGrid(g)
	var mu gosync.Mutex
	var reads []time.Time
	f.SetHook(func(method string, _ int) {
		if method == "get" {
			mu.Lock()
			reads = append(reads, time.Now())
			mu.Unlock()
		}
	})
	quotas := &QuotaSet{perMinute: perWin, byAccount: map[string]*Quota{
		sheetsfake.ClientEmail: NewQuotaWindow(perWin, window+slack)}}
	srcs := make([]*SheetsSource, sources)
	for i := range srcs {
		src, err := NewSheetsSource(SheetsConfig{SpreadsheetID: f.ID, Sheet: g.Sheet, CredentialsJSON: f.CredentialsJSON(),
			Endpoint: f.URL, HTTPClient: f.Client(), Timeout: 5 * time.Second, RetryBase: time.Millisecond, Quotas: quotas})
		if err != nil {
			t.Fatal(err)
		}
		if src.cfg.Limiter != quotas.For(sheetsfake.ClientEmail) {
			t.Fatal("source did not take its account's limiter from the QuotaSet")
		}
		srcs[i] = src
	}
	// First reads fetch 50 tokens (RSA-signed JWTs): not what is measured.
	var warm gosync.WaitGroup
	for _, src := range srcs {
		warm.Add(1)
		go func() {
			defer warm.Done()
			if _, err := src.Fetch(context.Background()); err != nil {
				t.Errorf("first fetch: %v", err)
			}
		}()
	}
	warm.Wait()
	mu.Lock()
	warmed := len(reads)
	mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), run)
	defer cancel()
	var wg gosync.WaitGroup
	for _, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := src.Fetch(ctx); err != nil && ctx.Err() == nil {
					t.Errorf("fetch: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	peak := maxInWindow(reads, window)
	t.Logf("quota %d/%s (+%s slack): %d sources made %d reads in %s after %d first reads; peak %d in any %s window", perWin, window, slack, sources, len(reads)-warmed, run, warmed, peak, window)
	if peak > perWin {
		t.Errorf("fake saw %d reads in one %s window, quota is %d", peak, window, perWin)
	}
	if minWant := perWin * int(run/(window+slack)) * 8 / 10; len(reads)-warmed < minWant {
		t.Errorf("only %d reads in %s: the limiter throttles below the quota (want at least %d)", len(reads)-warmed, run, minWant)
	}
}

func TestQuotaReadsAndWritesSeparate(t *testing.T) {
	q := NewQuotaWindow(2, time.Hour) // one grant per half hour of each kind
	ctx := context.Background()
	if err := q.Wait(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := q.Wait(ctx, true); err != nil {
		t.Fatalf("a write must not wait for reads: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := q.Wait(short, false); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second read in the half hour: got %v, want to wait until the context ends", err)
	}
}

func TestQuotaSetPerAccount(t *testing.T) {
	s := NewQuotaSet(0)
	a, b := s.For("a@x"), s.For("b@x")
	if a == b || s.For("a@x") != a {
		t.Fatal("want one Quota per account, the same on every call")
	}
	if a.n != DefaultQuotaPerMinute || a.interval != (time.Minute+quotaSlack)/DefaultQuotaPerMinute {
		t.Fatalf("default quota %s", a)
	}
}

// TestQuotaSpent: after Google refused a request for the minute's quota,
// no read is granted for a whole window — also not one booked before the
// refusal — while writes go on; a second refusal in the same window does
// not push the time out.
func TestQuotaSpent(t *testing.T) {
	const window = 300 * time.Millisecond
	q := NewQuotaWindow(2, window) // one read every 150 ms
	ctx := context.Background()
	booked := make(chan time.Time)
	if err := q.Wait(ctx, false); err != nil { // the refused request
		t.Fatal(err)
	}
	go func() { // a read booked for 150 ms, granted before the refusal
		q.Wait(ctx, false)
		booked <- time.Now()
	}()
	start := time.Now()
	until := q.Spent(false)
	if again := q.Spent(false); !again.Equal(until) {
		t.Fatalf("second refusal moved the time: %v → %v", until, again)
	}
	if err := q.Wait(ctx, true); err != nil || time.Since(start) > window/2 {
		t.Fatalf("a write waited for the read quota (%v)", time.Since(start))
	}
	if err := q.Wait(ctx, false); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < window-10*time.Millisecond {
		t.Fatalf("read granted %v after the refusal, inside the spent window %v", d, window)
	}
	if at := <-booked; at.Sub(start) < window-10*time.Millisecond {
		t.Fatalf("read booked before the refusal went %v after it", at.Sub(start))
	}
}
