package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Parse never panics, and what it accepts answers every question without
// panicking and consistently with its own entries.
func FuzzCalendarParse(f *testing.F) {
	f.Add(embedded)
	f.Add([]byte("2025-01-01\tholiday\n2025-01-02 off x\n"))
	f.Add([]byte("date kind\n\ufeff2025-13-01\twork\n"))
	f.Add([]byte("2025-01-01\tholiday\n2025-01-01\tholiday\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(bytes.NewReader(data))
		if err != nil {
			if !strings.Contains(err.Error(), "/") {
				t.Errorf("error %q is not bilingual", err)
			}
			return
		}
		for d, day := range c.days {
			tm := d.time(time.UTC)
			if !c.Covers(tm) {
				t.Errorf("%v not covered", tm)
			}
			if got := c.IsWorkingDay(tm); got != day.Kind.working(tm.Weekday()) {
				t.Errorf("IsWorkingDay(%v) = %v for %v", tm, got, day.Kind)
			}
			next := c.AddWorkingDays(tm, 3)
			if c.WorkingDaysBetween(tm, next) != 3 {
				t.Errorf("AddWorkingDays/WorkingDaysBetween disagree at %v", tm)
			}
		}
	})
}
