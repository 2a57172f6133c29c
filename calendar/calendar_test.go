package calendar

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, Moscow())
	if err != nil {
		panic(err)
	}
	return t
}

// Official figures of the production calendar for a five-day 40-hour week
// (Минтруд), also stated in the data file's header.
func TestOfficialYearFigures(t *testing.T) {
	c := Default()
	for _, tc := range []struct{ year, days, hours int }{
		{2024, 248, 1979},
		{2025, 247, 1972},
		{2026, 247, 1972},
	} {
		if got := c.WorkingDaysIn(tc.year); got != tc.days {
			t.Errorf("WorkingDaysIn(%d) = %d, want %d", tc.year, got, tc.days)
		}
		if got := c.WorkingHoursIn(tc.year); got != tc.hours {
			t.Errorf("WorkingHoursIn(%d) = %d, want %d", tc.year, got, tc.hours)
		}
	}
}

// The header of the embedded file states its own check figures; they must
// agree with what the data computes, so an edited file cannot drift.
func TestEmbeddedHeaderFigures(t *testing.T) {
	var check string
	for _, line := range strings.Split(string(embedded), "\n") {
		if strings.Contains(line, "Check figures") {
			check = line
		}
	}
	if check == "" {
		t.Fatal("the embedded file lost its check figures line")
	}
	c := Default()
	for _, y := range c.Years() {
		want := fmt.Sprintf("%d %d/%d", y, c.WorkingDaysIn(y), c.WorkingHoursIn(y))
		if !strings.Contains(check, want) {
			t.Errorf("header %q does not state %q", check, want)
		}
	}
	if got := c.Years(); len(got) != 3 || got[0] != 2024 || got[2] != 2026 {
		t.Errorf("Years() = %v, want [2024 2025 2026]", got)
	}
}

func TestKnownDays(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		date           string
		working, short bool
		why            string
	}{
		{"2024-01-01", false, false, "New Year holidays"},
		{"2024-01-08", false, false, "New Year holidays"},
		{"2024-01-09", true, false, "first working day of 2024"},
		{"2024-02-22", true, true, "pre-holiday before 23 February"},
		{"2024-04-27", true, false, "working Saturday (moved to 29 April)"},
		{"2024-04-28", false, false, "plain Sunday"},
		{"2024-04-29", false, false, "day off moved from 27 April"},
		{"2024-04-30", false, false, "day off moved from 2 November"},
		{"2024-05-10", false, false, "day off moved from 6 January"},
		{"2024-11-02", true, true, "working Saturday, pre-holiday"},
		{"2024-12-28", true, false, "working Saturday (moved to 30 December)"},
		{"2024-12-30", false, false, "day off moved from 28 December"},
		{"2024-12-31", false, false, "day off moved from 7 January"},
		{"2025-01-09", true, false, "first working day of 2025"},
		{"2025-02-24", true, false, "23 February fell on Sunday, moved to 8 May instead of the Monday"},
		{"2025-05-02", false, false, "day off moved from 4 January"},
		{"2025-05-08", false, false, "day off moved from 23 February"},
		{"2025-06-13", false, false, "day off moved from 8 March"},
		{"2025-11-01", true, true, "working Saturday, pre-holiday"},
		{"2025-11-03", false, false, "day off moved from 1 November"},
		{"2025-12-31", false, false, "day off moved from 5 January"},
		{"2026-01-09", false, false, "day off moved from 3 January"},
		{"2026-01-12", true, false, "first working day of 2026"},
		{"2026-03-09", false, false, "8 March fell on Sunday"},
		{"2026-05-08", true, true, "pre-holiday before Victory Day"},
		{"2026-05-11", false, false, "9 May fell on Saturday"},
		{"2026-11-03", true, true, "pre-holiday before 4 November"},
		{"2026-12-31", false, false, "day off moved from 4 January"},
		{"2026-11-25", true, false, "plain Wednesday"},
	} {
		d := day(tc.date)
		if got := c.IsWorkingDay(d); got != tc.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v (%s)", tc.date, got, tc.working, tc.why)
		}
		if got := c.IsShortDay(d); got != tc.short {
			t.Errorf("IsShortDay(%s) = %v, want %v (%s)", tc.date, got, tc.short, tc.why)
		}
	}
	if got := c.Day(day("2024-01-07")); got.Kind != Holiday || got.Note != "Рождество Христово" {
		t.Errorf("Day(2024-01-07) = %+v", got)
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2025-04-25", 1, "2025-04-28"}, // Friday → Monday
		{"2025-04-25", 0, "2025-04-25"},
		{"2025-04-25", -3, "2025-04-25"},
		// New Year: 29 Dec 2025 (Mon), 30 Dec, then 31 Dec off and 1–11 Jan off.
		{"2025-12-29", 1, "2025-12-30"},
		{"2025-12-29", 2, "2026-01-12"},
		{"2025-12-29", 10, "2026-01-22"},
		// The 10-day publication deadline of a change made on 26 Dec 2024:
		// 27 Dec, 28 Dec (working Saturday), then 9 Jan onwards.
		{"2024-12-26", 2, "2024-12-28"},
		{"2024-12-26", 10, "2025-01-20"},
		// May 2025: 1–4 May off, 5–7 work, 8–11 off.
		{"2025-04-30", 1, "2025-05-05"},
		{"2025-04-30", 4, "2025-05-12"},
		{"2025-04-29", 10, "2025-05-19"},
		// May 2024: 27 April is a working Saturday, 28 April–1 May off.
		{"2024-04-26", 1, "2024-04-27"},
		{"2024-04-26", 2, "2024-05-02"},
		// Outside the data: plain Monday–Friday.
		{"2030-01-04", 1, "2030-01-07"},
	} {
		got := c.AddWorkingDays(day(tc.from), tc.n)
		if got.Format("2006-01-02") != tc.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, got.Format("2006-01-02"), tc.want)
		}
		if got.Location().String() != "MSK" || got.Hour() != 0 {
			t.Errorf("AddWorkingDays(%s, %d) = %v: want the caller's clock time and zone", tc.from, tc.n, got)
		}
		if tc.n > 0 {
			if back := c.WorkingDaysBetween(day(tc.from), got); back != tc.n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.from, tc.want, back, tc.n)
			}
		}
	}
	// The clock time is kept.
	evening := day("2025-04-25").Add(19*time.Hour + 30*time.Minute)
	if got := c.AddWorkingDays(evening, 1); got.Format("2006-01-02 15:04 MST") != "2025-04-28 19:30 MSK" {
		t.Errorf("AddWorkingDays(Friday 19:30, 1) = %v", got)
	}
	// A huge n finishes (weeks are skipped outside the data) and stays exact.
	start := day("2030-01-07") // Monday
	if got := c.AddWorkingDays(start, 500_000); !got.Equal(start.AddDate(0, 0, 700_000)) {
		t.Errorf("AddWorkingDays(2030-01-07, 5e5) = %v, want %v", got, start.AddDate(0, 0, 700_000))
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := Default()
	a, b := day("2024-01-01"), day("2024-12-31")
	if got := c.WorkingDaysBetween(a, b); got != 248 {
		t.Errorf("WorkingDaysBetween over 2024 = %d, want 248 (1 January is not worked)", got)
	}
	if got := c.WorkingDaysBetween(b, a); got != -248 {
		t.Errorf("reversed = %d, want -248", got)
	}
	if got := c.WorkingDaysBetween(a, a.Add(5*time.Hour)); got != 0 {
		t.Errorf("same day = %d, want 0", got)
	}
	// Whole-period sum equals the sum of the three years.
	if got := c.WorkingDaysBetween(day("2023-12-31"), day("2026-12-31")); got != 248+247+247 {
		t.Errorf("2024–2026 = %d, want %d", got, 248+247+247)
	}
}

func TestCoversAndFallback(t *testing.T) {
	c := Default()
	if !c.Covers(day("2025-06-01")) || c.Covers(day("2027-01-01")) || c.Covers(day("2023-12-31")) {
		t.Error("Covers: want 2024–2026 only")
	}
	// 2027 is unknown: 1 January falls back to a plain Friday.
	if !c.IsWorkingDay(day("2027-01-01")) {
		t.Error("outside the data the calendar falls back to Monday–Friday")
	}
	if got := c.WorkingDaysIn(2027); got != 261 {
		t.Errorf("WorkingDaysIn(2027) by Monday–Friday = %d, want 261", got)
	}
}

func TestLoadExtendsAndOverrides(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "extra.tsv")
	data := "# user data\n" +
		"date\tkind\tnote\n" +
		"2027-01-01\tholiday\tНовогодние каникулы\n" +
		"2027-01-04 праздник Новогодние каникулы\n" +
		// 2025 replaced entirely by one entry: every other 2025 date is plain.
		"2025-05-05\toff\tгипотетический указ\r\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Covers(day("2027-03-01")) || c.IsWorkingDay(day("2027-01-01")) || c.IsWorkingDay(day("2027-01-04")) {
		t.Error("2027 from the file not applied")
	}
	if c.IsWorkingDay(day("2025-05-05")) {
		t.Error("2025-05-05 from the file not applied")
	}
	if !c.IsWorkingDay(day("2025-05-02")) {
		t.Error("a year in the file must replace the embedded year entirely")
	}
	if c.IsWorkingDay(day("2024-04-29")) || c.WorkingDaysIn(2026) != 247 {
		t.Error("years absent from the file must stay embedded")
	}
	if Default().IsWorkingDay(day("2025-05-02")) {
		t.Error("Load must not change the embedded calendar")
	}
	if _, err := Load(filepath.Join(dir, "missing.tsv")); err == nil || !strings.Contains(err.Error(), "не прочитан") {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2025-01-01\tholiday\n2025-13-01\tholiday\n", "строка 2"},
		{"2025-01-01\tholiday\n2025-01-02\tvacation\n", "line 2: unknown kind"},
		{"# c\n\n2025-01-01\n", "строка 3: после даты нет вида дня"},
		{"2025-01-01\tholiday\n2025-01-01\toff\n", "уже указана в строке 1"},
		{"# nothing\n", "нет ни одной даты"},
		{"01.01.2025\tholiday\n", "не дата ГГГГ-ММ-ДД"},
	} {
		_, err := Parse(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error = %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
	// BOM, CRLF, Russian kinds and a missing final newline are fine.
	c, err := Parse(strings.NewReader("\ufeffдата\tвид\n2028-01-03\tвыходной\r\n2028-01-08\tрабочий"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(day("2028-01-03")) || !c.IsWorkingDay(day("2028-01-08")) {
		t.Error("Russian kinds not applied")
	}
}

func TestZoneDecidesTheDay(t *testing.T) {
	c := Default()
	// 2025-12-30 22:30 UTC is already 31 December (a day off) in Moscow.
	utc := time.Date(2025, 12, 30, 22, 30, 0, 0, time.UTC)
	if !c.IsWorkingDay(utc) || c.IsWorkingDay(utc.In(Moscow())) {
		t.Error("the date must be taken in the time's own location")
	}
}
