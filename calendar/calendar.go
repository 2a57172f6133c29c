package calendar

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"sort"
	"time"
)

//go:embed data/ru-production-days.tsv
var embedded []byte

// Kind is how a date differs from the plain Monday–Friday rule.
type Kind int

// The kinds of the data file.
const (
	Plain   Kind = iota // no entry: Monday–Friday work, weekends off
	Holiday             // public non-working holiday ("holiday")
	Off                 // day off moved from another date ("off")
	Short               // working day one hour shorter, even on a Saturday ("short")
	Work                // weekend day made a full working day ("work")
)

func (k Kind) String() string {
	switch k {
	case Holiday:
		return "holiday"
	case Off:
		return "off"
	case Short:
		return "short"
	case Work:
		return "work"
	}
	return "plain"
}

// Working reports whether a day of this kind is worked; weekday decides for
// Plain.
func (k Kind) working(weekday time.Weekday) bool {
	switch k {
	case Holiday, Off:
		return false
	case Short, Work:
		return true
	}
	return weekday != time.Saturday && weekday != time.Sunday
}

// Day is one entry of the calendar.
type Day struct {
	Kind Kind
	Note string // "Новогодние каникулы", "moved from 2024-04-27", …
}

// date is a calendar day without a clock or zone.
type date struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

func (d date) time(loc *time.Location) time.Time { return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, loc) }

// Calendar answers which days are worked. It is immutable once built and
// safe for concurrent use.
type Calendar struct {
	days  map[date]Day
	years map[int]bool
}

// Default is the embedded official calendar (2024–2026).
func Default() *Calendar {
	c, err := Parse(bytes.NewReader(embedded))
	if err != nil {
		panic("calendar: embedded data is invalid: " + err.Error()) // a build defect, caught by the tests
	}
	return c
}

// Load returns the embedded calendar merged with the file at path. A year
// present in the file replaces that year of the embedded data entirely (a
// corrected decree is stated in full, so no stale embedded date survives);
// other years of the file extend the calendar.
func Load(path string) (*Calendar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("производственный календарь %s не прочитан / production calendar not read: %w", path, err)
	}
	defer f.Close()
	user, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return Default().merge(user), nil
}

// merge returns c with every year of o replacing c's.
func (c *Calendar) merge(o *Calendar) *Calendar {
	out := &Calendar{days: map[date]Day{}, years: map[int]bool{}}
	for d, day := range c.days {
		if !o.years[d.y] {
			out.days[d] = day
		}
	}
	for d, day := range o.days {
		out.days[d] = day
	}
	for y := range c.years {
		out.years[y] = true
	}
	for y := range o.years {
		out.years[y] = true
	}
	return out
}

// Years lists the years the calendar knows, ascending.
func (c *Calendar) Years() []int {
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// Covers reports whether t's year is in the data. For other years the
// calendar still answers, by the plain Monday–Friday rule, and callers
// should say so (holidays and transfers of that year are unknown).
func (c *Calendar) Covers(t time.Time) bool { return c.years[t.Year()] }

// Day returns the entry for t's date (Kind Plain when there is none).
func (c *Calendar) Day(t time.Time) Day { return c.days[dateOf(t)] }

// IsWorkingDay reports whether t's date is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.working(dateOf(t), t.Weekday()) }

func (c *Calendar) working(d date, wd time.Weekday) bool { return c.days[d].Kind.working(wd) }

// IsShortDay reports whether t's date is a pre-holiday working day one hour
// shorter.
func (c *Calendar) IsShortDay(t time.Time) bool { return c.days[dateOf(t)].Kind == Short }

// AddWorkingDays returns the n-th working day after t, at t's clock time
// (like time.AddDate). Day t itself is not counted, as a period "within N
// working days from the day of the change" starts on the next day (ГК РФ,
// ст. 191): the 1st working day after Friday 2025-04-25 is Monday
// 2025-04-28. A deadline lasts to the end of the returned day (see
// history.Pending). n ≤ 0 returns t unchanged.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	day := t
	for n > 0 {
		// Far outside the data every week has five working days: skip whole
		// weeks so that a huge n cannot stall the caller.
		if n > 5 && !c.years[day.Year()] && !c.years[day.AddDate(0, 0, 7).Year()] {
			day = day.AddDate(0, 0, 7)
			n -= 5
			continue
		}
		day = day.AddDate(0, 0, 1)
		if c.working(dateOf(day), day.Weekday()) {
			n--
		}
	}
	return day
}

// WorkingDaysBetween counts the working days after a's date up to and
// including b's date, so WorkingDaysBetween(t, AddWorkingDays(t, n)) == n.
// When b is before a the count is negative; the same date gives 0.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	from := dateOf(a).time(time.UTC)
	to := dateOf(b.In(a.Location())).time(time.UTC)
	if to.Before(from) {
		return -c.WorkingDaysBetween(b, a)
	}
	n := 0
	for day := from.AddDate(0, 0, 1); !day.After(to); day = day.AddDate(0, 0, 1) {
		if c.working(dateOf(day), day.Weekday()) {
			n++
		}
	}
	return n
}

// WorkingDaysIn counts the working days of a year.
func (c *Calendar) WorkingDaysIn(year int) int {
	n := 0
	for day := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() == year; day = day.AddDate(0, 0, 1) {
		if c.working(dateOf(day), day.Weekday()) {
			n++
		}
	}
	return n
}

// WorkingHoursIn is the year's norm of working hours for a 40-hour week:
// 8 hours a working day, 7 on a short (pre-holiday) day.
func (c *Calendar) WorkingHoursIn(year int) int {
	hours := 0
	for day := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() == year; day = day.AddDate(0, 0, 1) {
		d := dateOf(day)
		switch {
		case !c.working(d, day.Weekday()):
		case c.days[d].Kind == Short:
			hours += 7
		default:
			hours += 8
		}
	}
	return hours
}

// Moscow is Moscow time (UTC+3, no daylight saving since 2014), the zone of
// most organisations using the Порядок. It is a fixed zone so it works on
// hosts without tzdata.
func Moscow() *time.Location { return time.FixedZone("MSK", 3*60*60) }
