package publish

import (
	"context"
	"math/rand/v2"
	gosync "sync"
	"time"
)

// RetryPolicy bounds the retries of one Publish call.
type RetryPolicy struct {
	Attempts int           // total tries per Publish; 0 means 3
	Backoff  time.Duration // wait before the 2nd try, doubled each time; 0 means 1s
}

// maxBackoff caps one wait so a cycle never stalls for long.
const maxBackoff = time.Minute

// TargetState is what the status page and metrics show for a target.
type TargetState struct {
	Name        string
	LastSuccess time.Time
	LastAttempt time.Time
	LastError   string // "" after a success
	Version     int    // version number last published successfully
	Hash        string // hash of the version last published successfully
}

// Tracked wraps a Target with retries, per-target dedup and state.
type Tracked struct {
	target Target
	policy RetryPolicy

	publishMu gosync.Mutex // serialises Publish calls to one target
	mu        gosync.Mutex // guards state
	state     TargetState
}

var _ Target = (*Tracked)(nil)

// NewTracked wraps t. The zero RetryPolicy means 3 attempts, 1s backoff.
func NewTracked(t Target, p RetryPolicy) *Tracked {
	if p.Attempts <= 0 {
		p.Attempts = 3
	}
	if p.Backoff <= 0 {
		p.Backoff = time.Second
	}
	return &Tracked{target: t, policy: p, state: TargetState{Name: t.Name()}}
}

// Name is the wrapped target's name.
func (t *Tracked) Name() string { return t.target.Name() }

// Unwrap returns the wrapped target.
func (t *Tracked) Unwrap() Target { return t.target }

// Publish sends files unless this exact content (v.Hash) was the last thing
// published successfully; otherwise it tries up to Attempts times with
// exponential backoff and jitter, stopping early on fatal errors or when
// ctx ends.
func (t *Tracked) Publish(ctx context.Context, v Version, files []File) error {
	t.publishMu.Lock()
	defer t.publishMu.Unlock()

	if t.upToDate(v) {
		return nil
	}
	var err error
	for attempt := 1; attempt <= t.policy.Attempts; attempt++ {
		if attempt > 1 {
			if werr := sleepCtx(ctx, t.backoff(attempt-1)); werr != nil {
				break // keep the target's error, it explains more than "context canceled"
			}
		}
		started := time.Now()
		err = t.target.Publish(ctx, v, files)
		t.record(v, started, err)
		if err == nil || isFatal(err) || ctx.Err() != nil {
			break
		}
	}
	return err
}

// upToDate: skip only when the last attempt succeeded with the same hash.
// A failed attempt after it may have replaced some files, so then we send
// again even if the hash matches the last success.
func (t *Tracked) upToDate(v Version) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return v.Hash != "" && v.Hash == t.state.Hash && t.state.LastError == "" && !t.state.LastSuccess.IsZero()
}

func (t *Tracked) record(v Version, started time.Time, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.state.LastAttempt = started
	if err != nil {
		t.state.LastError = err.Error()
		return
	}
	t.state.LastError = ""
	t.state.LastSuccess = started
	t.state.Version = v.Number
	t.state.Hash = v.Hash
}

// backoff for the n-th retry (n >= 1): Backoff·2^(n-1), capped, with ±50% jitter.
func (t *Tracked) backoff(n int) time.Duration {
	d := t.policy.Backoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	return d/2 + rand.N(d+1)
}

// State is a snapshot of the target's state.
func (t *Tracked) State() TargetState {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state
}

// Restore sets the state saved by a previous run, so a restarted daemon
// does not resend what the target already has. The name stays the target's.
func (t *Tracked) Restore(s TargetState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s.Name = t.target.Name()
	t.state = s
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
