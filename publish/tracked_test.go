package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"
)

// scripted is a Target that fails the way a test tells it to.
type scripted struct {
	name  string
	calls atomic.Int64
	// errs[i] is returned by call i; calls past the end succeed.
	errs  []error
	delay time.Duration
	panic bool
}

func (s *scripted) Name() string { return s.name }

func (s *scripted) Publish(ctx context.Context, _ Version, _ []File) error {
	n := int(s.calls.Add(1)) - 1
	if s.panic {
		panic("boom")
	}
	if s.delay > 0 {
		select {
		case <-time.After(s.delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if n < len(s.errs) {
		return s.errs[n]
	}
	return nil
}

var errTransient = errors.New("connection reset")

func TestTrackedRetriesThenSucceeds(t *testing.T) {
	target := &scripted{name: "t", errs: []error{errTransient, errTransient}}
	tr := NewTracked(target, RetryPolicy{Attempts: 3, Backoff: time.Millisecond})
	if err := tr.Publish(context.Background(), Version{Number: 5, Hash: "h5"}, nil); err != nil {
		t.Fatal(err)
	}
	if n := target.calls.Load(); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
	st := tr.State()
	if st.Name != "t" || st.Version != 5 || st.Hash != "h5" || st.LastError != "" || st.LastSuccess.IsZero() || st.LastAttempt != st.LastSuccess {
		t.Errorf("state %+v", st)
	}
}

func TestTrackedGivesUpAfterAttempts(t *testing.T) {
	target := &scripted{name: "t", errs: []error{errTransient, errTransient, errTransient, errTransient}}
	tr := NewTracked(target, RetryPolicy{Attempts: 3, Backoff: time.Millisecond})
	err := tr.Publish(context.Background(), Version{Number: 1, Hash: "h"}, nil)
	if !errors.Is(err, errTransient) {
		t.Fatalf("error %v", err)
	}
	if n := target.calls.Load(); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
	if st := tr.State(); st.LastError != errTransient.Error() || !st.LastSuccess.IsZero() || st.LastAttempt.IsZero() {
		t.Errorf("state %+v", st)
	}
}

func TestTrackedDoesNotRetryFatal(t *testing.T) {
	fatal := &TargetError{Target: "t", Msg: "сервер отказал в доступе", Fatal: true}
	target := &scripted{name: "t", errs: []error{fatal, fatal}}
	tr := NewTracked(target, RetryPolicy{Attempts: 5, Backoff: time.Millisecond})
	if err := tr.Publish(context.Background(), Version{}, nil); !errors.Is(err, fatal) {
		t.Fatalf("error %v", err)
	}
	if n := target.calls.Load(); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

func TestTrackedBackoffHonoursContext(t *testing.T) {
	target := &scripted{name: "t", errs: []error{errTransient, errTransient}}
	tr := NewTracked(target, RetryPolicy{Attempts: 3, Backoff: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := tr.Publish(ctx, Version{}, nil)
	if !errors.Is(err, errTransient) {
		t.Errorf("error %v, want the target's error rather than the context's", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancelled publish took %s", d)
	}
	if n := target.calls.Load(); n != 1 {
		t.Errorf("%d calls", n)
	}
}

func TestTrackedBackoffGrowsWithJitter(t *testing.T) {
	tr := NewTracked(&scripted{}, RetryPolicy{Backoff: 100 * time.Millisecond})
	for n, base := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 30: maxBackoff} {
		seen := map[time.Duration]bool{}
		for i := 0; i < 50; i++ {
			d := tr.backoff(n)
			if d < base/2 || d > base*3/2 {
				t.Fatalf("retry %d: backoff %s outside [%s, %s]", n, d, base/2, base*3/2)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Errorf("retry %d: only %d distinct waits in 50 — no jitter", n, len(seen))
		}
	}
}

func TestTrackedSkipAndRestore(t *testing.T) {
	target := &scripted{name: "t"}
	tr := NewTracked(target, RetryPolicy{Attempts: 1})
	v1 := Version{Number: 1, Hash: "h1"}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := tr.Publish(ctx, v1, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := target.calls.Load(); n != 1 {
		t.Errorf("same hash published %d times, want once", n)
	}
	// Without a hash nothing can be deduplicated.
	tr.Publish(ctx, Version{Number: 2}, nil)
	tr.Publish(ctx, Version{Number: 2}, nil)
	if n := target.calls.Load(); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}

	// A restarted daemon restores the state and does not resend.
	saved := TargetState{Name: "old name", LastSuccess: time.Now().Add(-time.Hour), LastAttempt: time.Now().Add(-time.Hour), Version: 9, Hash: "h9"}
	fresh := &scripted{name: "t"}
	tr2 := NewTracked(fresh, RetryPolicy{Attempts: 1})
	tr2.Restore(saved)
	if st := tr2.State(); st.Name != "t" || st.Hash != "h9" || st.Version != 9 {
		t.Errorf("restored %+v", st)
	}
	if err := tr2.Publish(ctx, Version{Number: 9, Hash: "h9"}, nil); err != nil || fresh.calls.Load() != 0 {
		t.Errorf("restored version resent (%d calls, %v)", fresh.calls.Load(), err)
	}
}

func TestTrackedResendsAfterFailedAttempt(t *testing.T) {
	// v2 fails half way; going back to v1 must resend v1, because the
	// target may now hold some of v2's files.
	target := &scripted{name: "t", errs: []error{nil, errTransient}}
	tr := NewTracked(target, RetryPolicy{Attempts: 1})
	ctx := context.Background()
	tr.Publish(ctx, Version{Number: 1, Hash: "h1"}, nil)
	if err := tr.Publish(ctx, Version{Number: 2, Hash: "h2"}, nil); err == nil {
		t.Fatal("want failure")
	}
	if err := tr.Publish(ctx, Version{Number: 1, Hash: "h1"}, nil); err != nil {
		t.Fatal(err)
	}
	if n := target.calls.Load(); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}

func TestTrackedConcurrentUse(t *testing.T) {
	target := &scripted{name: "t", delay: time.Millisecond}
	tr := NewTracked(target, RetryPolicy{Attempts: 1})
	var wg gosync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			for j := 0; j < 5; j++ {
				_ = tr.Publish(context.Background(), Version{Number: j, Hash: fmt.Sprint(j)}, nil)
				_ = tr.State()
			}
		})
	}
	wg.Go(func() { tr.Restore(TargetState{Hash: "x"}) })
	wg.Wait()
	if st := tr.State(); st.LastError != "" {
		t.Errorf("state %+v", st)
	}
}

func TestPublishAllIndependent(t *testing.T) {
	ok1 := &scripted{name: "ok1"}
	failing := &scripted{name: "failing", errs: []error{errTransient}}
	panicking := &scripted{name: "panicking", panic: true}
	slow := &scripted{name: "slow", delay: 300 * time.Millisecond}
	ok2 := &scripted{name: "ok2"}
	targets := []Target{ok1, failing, panicking, slow, ok2}

	start := time.Now()
	errs := PublishAll(context.Background(), targets, Version{Number: 1}, []File{{Name: "index.html"}})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s", d)
	}
	if len(errs) != len(targets) {
		t.Fatalf("%d results for %d targets", len(errs), len(targets))
	}
	if errs[0] != nil || errs[3] != nil || errs[4] != nil {
		t.Errorf("healthy targets failed: %v", errs)
	}
	if !errors.Is(errs[1], errTransient) {
		t.Errorf("failing: %v", errs[1])
	}
	if errs[2] == nil || !strings.Contains(errs[2].Error(), "panicking") || !strings.Contains(errs[2].Error(), "boom") {
		t.Errorf("panic not reported: %v", errs[2])
	}
	for _, s := range []*scripted{ok1, failing, slow, ok2} {
		if s.calls.Load() != 1 {
			t.Errorf("%s called %d times", s.name, s.calls.Load())
		}
	}
}

func TestPublishAllConcurrent(t *testing.T) {
	var targets []Target
	for i := 0; i < 5; i++ {
		targets = append(targets, &scripted{name: fmt.Sprint(i), delay: 200 * time.Millisecond})
	}
	start := time.Now()
	PublishAll(context.Background(), targets, Version{}, nil)
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Errorf("5 targets of 200ms took %s: not concurrent", d)
	}
}
