package daemon

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // as the binary: no /usr/share/zoneinfo needed

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/calendar"
	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

// TestChangeDatedInOrganisationZone: the server runs in UTC, the
// organisation in Moscow. A change at 22:30 UTC on Thursday is Friday
// 01:30 in Moscow: it counts from Friday for п. 5.5 (deadline Friday
// 11.12, not Thursday 10.12), the note says «проверено 27.11.2026 01:30»
// and the version is dated 27.11.2026.
func TestChangeDatedInOrganisationZone(t *testing.T) {
	f := newFixture(t)
	f.cfg.TimeZone = "Europe/Moscow"
	f.deps.WorkingDays = calendar.Default()
	var noted time.Time
	f.deps.PlanNotes = func(g rules.Grid, reg *rules.Registry, diags []rules.Diagnostic, now time.Time) []psync.NoteChange {
		noted = now
		return planNotes(g, reg, diags, now)
	}
	f.clock.t = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	d := f.daemon()
	f.once(d)
	f.once(d)

	f.clock.t = time.Date(2026, 11, 26, 22, 30, 0, 0, time.UTC) // Thu 22:30 UTC = Fri 27.11 01:30 MSK
	f.sources["a"].set(func(g *rules.Grid) { breakSample(g); g.Cells[5][2].Value = "СЭД" })
	r := f.once(d)
	if len(r.Pending) == 0 {
		t.Fatalf("no pending change: %+v", r)
	}
	p := r.Pending[0]
	if got := p.FirstSeen.Format("02.01.2006 15:04"); got != "27.11.2026 01:30" {
		t.Errorf("first seen %s, want the Moscow date and time 27.11.2026 01:30", got)
	}
	if got := p.Deadline.Format("02.01.2006"); got != "11.12.2026" {
		t.Errorf("deadline %s, want 11.12.2026 (10 working days from Friday 27.11, not from Thursday)", got)
	}
	if got := noted.Format("02.01.2006 15:04"); got != "27.11.2026 01:30" {
		t.Errorf("notes dated %s, want 27.11.2026 01:30", got)
	}
	f.sources["a"].set(fixSample)
	r = f.once(d)
	if r.Outcome != OutcomePublished || !strings.Contains(string(f.targets["a"][0].files["perechen.html"]), "версия 2 от 27.11.2026") {
		t.Errorf("version label: %s %q", r.Outcome, f.targets["a"][0].files["perechen.html"])
	}
	_, body, _ := get(t, d.Handler(), "/source/a", nil)
	if !strings.Contains(body, "Последнее чтение: 27.11.2026 01:30:00") || !strings.Contains(body, "Время — Europe/Moscow") {
		t.Errorf("status page not in Moscow time")
	}
}

// zonedSource is a sheet that reports its spreadsheet's time zone.
type zonedSource struct {
	*fakeSource
	zone string
}

func (z zonedSource) TimeZone() string { return z.zone }

// Without time_zone in the config the spreadsheet's own zone dates
// everything, and is remembered across a restart.
func TestSpreadsheetZoneWhenNoneConfigured(t *testing.T) {
	f := newFixture(t)
	f.cfg.TimeZone = ""
	src := zonedSource{f.sources["a"], "Asia/Yekaterinburg"}
	newSrc := f.deps.NewSource
	f.deps.NewSource = func(s config.Source, log logrus.FieldLogger) (psync.Source, error) {
		if _, err := newSrc(s, log); err != nil {
			return nil, err
		}
		return src, nil
	}
	f.clock.t = time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC) // 24.11 01:00 in Yekaterinburg, 23:00 in Moscow
	d := f.daemon()
	if st := d.Statuses()[0]; st.TimeZone != "Europe/Moscow" {
		t.Errorf("before the first read: %s, want the default Europe/Moscow", st.TimeZone)
	}
	r := f.once(d)
	if got := r.Start.Format("02.01.2006 15:04 MST"); got != "24.11.2026 01:00 +05" || !strings.Contains(string(f.targets["a"][0].files["perechen.html"]), "версия 1 от 24.11.2026") {
		t.Errorf("cycle dated %s", got)
	}
	d2 := f.daemon()
	if st := d2.Statuses()[0]; st.TimeZone != "Asia/Yekaterinburg" {
		t.Errorf("after a restart: %s", st.TimeZone)
	}
	// A configured zone wins over the spreadsheet's.
	f.cfg.TimeZone = "Europe/Moscow"
	d3 := f.daemon()
	if r := f.once(d3); r.Start.Format("15:04") != "23:00" {
		t.Errorf("configured zone ignored: %s", r.Start)
	}
}
