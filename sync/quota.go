package sync

import (
	"context"
	"fmt"
	gosync "sync"
	"time"
)

// DefaultQuotaPerMinute is Google's default Sheets API quota: 60 read and
// 60 write requests per minute per user per project.
const DefaultQuotaPerMinute = 60

// quotaSlack is added to the window so that requests granted exactly one
// window apart cannot land in the same server-side window after uneven
// network delays.
const quotaSlack = time.Second

// Quota keeps the Sheets requests of one service account under its
// per-minute quota: at most N reads and, separately, N writes in any
// window. Every source on that account must share one Quota (see
// QuotaSet). Grants are paced one per window/N rather than handed out in
// bursts: a burst of N requests reaches Google spread out by network and
// server delays, and its tail can then fall into the next burst's window.
// Paced, a request would have to be delayed by a whole interval (a second
// at 60 per minute) more than the next one to be counted twice.
type Quota struct {
	n         int
	window    time.Duration
	interval  time.Duration // window / n
	mu        gosync.Mutex
	nextRead  time.Time // earliest time of the next grant
	nextWrite time.Time
	// spentRead and spentWrite are set when Google refused a request for
	// the per-minute quota: no grant before then, whatever was booked.
	spentRead  time.Time
	spentWrite time.Time
}

// NewQuota allows perMinute reads and perMinute writes per minute.
func NewQuota(perMinute int) *Quota { return NewQuotaWindow(perMinute, time.Minute+quotaSlack) }

// NewQuotaWindow allows n reads and n writes in any window (tests use a
// short window as an accelerated clock).
func NewQuotaWindow(n int, window time.Duration) *Quota {
	if n < 1 {
		n = 1
	}
	return &Quota{n: n, window: window, interval: window / time.Duration(n)}
}

// String describes the limit for logs.
func (q *Quota) String() string { return fmt.Sprintf("%d/%s", q.n, q.window) }

// Wait blocks until the next request may go (a write when write is true,
// else a read) and books it, or returns ctx's error without booking.
func (q *Quota) Wait(ctx context.Context, write bool) error {
	q.mu.Lock()
	next, spent := &q.nextRead, &q.spentRead
	if write {
		next, spent = &q.nextWrite, &q.spentWrite
	}
	now := time.Now()
	at := laterOf(*next, now)
	*next = at.Add(q.interval)
	q.mu.Unlock()
	return q.sleepUntil(ctx, now, at, spent)
}

// WaitReadWrite books a read and a write to go together — the read that
// checks what a write depends on, then the write — and blocks until both
// may go, so nothing waits between the two.
func (q *Quota) WaitReadWrite(ctx context.Context) error {
	q.mu.Lock()
	now := time.Now()
	at := laterOf(laterOf(q.nextRead, q.nextWrite), now)
	q.nextRead, q.nextWrite = at.Add(q.interval), at.Add(q.interval)
	q.mu.Unlock()
	return q.sleepUntil(ctx, now, at, &q.spentRead, &q.spentWrite)
}

// sleepUntil waits from now until at or until ctx ends, and then, where
// Google refused a request of the booked kinds for the per-minute quota in
// the meantime (spent), until the window that refusal announced. A slot
// booked for at stays booked either way: giving it back could let a later
// grant and an earlier one fall into the same window.
func (q *Quota) sleepUntil(ctx context.Context, now, at time.Time, spent ...*time.Time) error {
	for {
		if !at.After(now) {
			return nil
		}
		t := time.NewTimer(at.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		q.mu.Lock()
		now, at = time.Now(), time.Time{}
		for _, s := range spent {
			at = laterOf(at, *s)
		}
		q.mu.Unlock()
	}
}

// Spent records that Google refused a request of this account for its
// per-minute quota (a 429 naming the quota): Google's window is used up,
// and another request in it would be refused too, so no read (write when
// write is true) is granted until a whole window from now — Google: "After
// 1 minute, you can execute requests again". Refusals of requests already
// on their way while the quota is spent do not push the time further out.
// It returns the time the next request may go.
func (q *Quota) Spent(write bool) time.Time {
	q.mu.Lock()
	defer q.mu.Unlock()
	next, spent := &q.nextRead, &q.spentRead
	if write {
		next, spent = &q.nextWrite, &q.spentWrite
	}
	now := time.Now()
	if spent.After(now) {
		return *spent
	}
	*spent = now.Add(q.window)
	if spent.After(*next) {
		*next = *spent
	}
	return *spent
}

// QuotaSet hands out one Quota per service account, so sources sharing an
// account share its quota. Create one per process and pass it to every
// SheetsConfig.
type QuotaSet struct {
	perMinute int
	mu        gosync.Mutex
	byAccount map[string]*Quota
}

// NewQuotaSet gives every account perMinute reads and writes per minute
// (DefaultQuotaPerMinute when perMinute < 1).
func NewQuotaSet(perMinute int) *QuotaSet {
	if perMinute < 1 {
		perMinute = DefaultQuotaPerMinute
	}
	return &QuotaSet{perMinute: perMinute, byAccount: map[string]*Quota{}}
}

// For returns the account's Quota, creating it on first use.
func (s *QuotaSet) For(account string) *Quota {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.byAccount[account]
	if q == nil {
		q = NewQuota(s.perMinute)
		s.byAccount[account] = q
	}
	return q
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
