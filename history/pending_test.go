package history

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/calendar"
)

func msk(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Moscow())
	if err != nil {
		panic(err)
	}
	return t
}

var (
	chA = Change{Clause: "5.3.1", Kind: TouchpointAdded, Process: "П", Touchpoint: "А"}
	chB = Change{Clause: "5.3.4", Kind: TouchpointExcluded, Process: "П", Touchpoint: "Б"}
)

func TestPendingDeadlineOverMayHolidays(t *testing.T) {
	p := NewPending(calendar.Default(), 0) // 0 → the Порядок's 10 days
	if _, ok := p.Deadline(); ok {
		t.Fatal("empty tracker has no deadline")
	}
	if s := p.Status(msk("2025-04-29 12:00"), 3); s.Level != LevelOK || s.Pending != 0 {
		t.Errorf("empty status = %+v", s)
	}
	// Change made on Tuesday 29 April 2025, evening. Working days after it:
	// 30 Apr, 5, 6, 7, 12, 13, 14, 15, 16, 19 May (1–4 and 8–11 May are off).
	p.Observe([]Change{chA}, msk("2025-04-29 19:30"))
	dl, ok := p.Deadline()
	if !ok || dl.Format("2006-01-02 15:04:05") != "2025-05-19 23:59:59" {
		t.Fatalf("Deadline = %v, %v; want the end of 19 May 2025", dl, ok)
	}
	for _, tc := range []struct {
		now   string
		left  int
		level string
	}{
		{"2025-04-29 20:00", 10, LevelOK},
		{"2025-05-08 10:00", 6, LevelOK}, // holiday: 12–16 and 19 May left
		{"2025-05-13 09:00", 4, LevelOK},
		{"2025-05-14 09:00", 3, LevelWarn},
		{"2025-05-19 23:00", 0, LevelWarn},
		{"2025-05-20 00:00", -1, LevelOverdue},
		{"2025-05-24 12:00", -4, LevelOverdue}, // Saturday: 20–23 May worked since
	} {
		s := p.Status(msk(tc.now), 3)
		if s.DaysLeft != tc.left || s.Level != tc.level || s.Pending != 1 || !s.Covered {
			t.Errorf("Status(%s) = %+v, want %d days left, %s", tc.now, s, tc.left, tc.level)
		}
	}
}

func TestPendingObserveAndPublish(t *testing.T) {
	p := NewPending(nil, 10)
	t1, t2, t3 := msk("2026-12-24 10:00"), msk("2026-12-25 10:00"), msk("2026-12-28 10:00")
	p.Observe([]Change{chA}, t1)
	p.Observe([]Change{chA, chB, chB}, t2) // A keeps t1; duplicate B counted once
	if got := p.Changes(); len(got) != 2 || !got[0].FirstSeen.Equal(t1) || !got[1].FirstSeen.Equal(t2) || !got[0].Change.Time.Equal(t1) {
		t.Fatalf("Changes = %+v", got)
	}
	// Deadline from 24 Dec 2026: 25, 28, 29, 30 Dec (31 Dec off), then 2027,
	// which is outside the data: Monday–Friday assumed (1, 4–8 Jan), and
	// the status says so.
	s := p.Status(t2, 3)
	if s.Deadline.Format("2006-01-02") != "2027-01-08" || s.Covered || s.FirstSeen != t1 {
		t.Errorf("Status = %+v; want deadline 2027-01-08, not covered", s)
	}
	// The sheet went back for A: only B is owed, from t2.
	p.Observe([]Change{chB}, t3)
	if s := p.Status(t3, 3); s.Pending != 1 || !s.FirstSeen.Equal(t2) {
		t.Errorf("after revert: %+v", s)
	}
	// A publication of the sheet as of before t2 does not cover B.
	p.Published(t1)
	if s := p.Status(t3, 3); s.Pending != 1 {
		t.Errorf("publish of an older sheet cleared a newer change: %+v", s)
	}
	p.Published(t3)
	if s := p.Status(t3, 3); s.Pending != 0 || s.Level != LevelOK {
		t.Errorf("after publish: %+v", s)
	}
	if !p.LastPublished().Equal(t3) {
		t.Errorf("LastPublished = %v", p.LastPublished())
	}
	p.Observe([]Change{chA}, t3)
	p.Observe(nil, t3)
	if _, ok := p.Deadline(); ok {
		t.Error("Observe(nil) must clear the tracker")
	}
}

func TestPendingPersistence(t *testing.T) {
	p := NewPending(calendar.Default(), 10)
	p.Observe([]Change{chA, chB}, msk("2025-04-29 19:30"))
	p.Published(msk("2025-04-01 10:00"))
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q := NewPending(calendar.Default(), 10)
	if err := json.Unmarshal(data, q); err != nil {
		t.Fatal(err)
	}
	now := msk("2025-05-14 09:00")
	if a, b := p.Status(now, 3), q.Status(now, 3); a.Pending != b.Pending || !a.Deadline.Equal(b.Deadline) || a.DaysLeft != b.DaysLeft {
		t.Errorf("restored %+v, want %+v", b, a)
	}
	if !q.LastPublished().Equal(p.LastPublished()) {
		t.Error("last published time lost")
	}
	empty, _ := json.Marshal(NewPending(nil, 0))
	if !strings.Contains(string(empty), `"changes":[]`) {
		t.Errorf("empty state = %s", empty)
	}
	for _, bad := range []string{`{`, `{"version":2}`, `{"version":1,"changes":[{"change":{},"first_seen":"2025-01-01T00:00:00Z"}]}`} {
		if err := json.Unmarshal([]byte(bad), q); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
	if q.Status(now, 3).Pending != 2 {
		t.Error("a failed Unmarshal must leave the tracker unchanged")
	}
}

func TestPendingConcurrent(t *testing.T) {
	p := NewPending(nil, 10)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				at := msk("2025-04-29 10:00").Add(time.Duration(j) * time.Minute)
				switch i {
				case 0:
					p.Observe([]Change{chA, chB}, at)
				case 1:
					p.Published(at)
				case 2:
					p.Status(at, 3)
				default:
					json.Marshal(p)
				}
			}
		}(i)
	}
	wg.Wait()
}
