package daemon

import (
	"fmt"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
)

// The organisation's time zone dates everything staff read: notes'
// «проверено …», version dates, the status page and the п. 5.5 deadlines,
// which count from the organisation's date of a change — a change at 22:30
// UTC is the next day in Moscow. The server's zone plays no part (containers
// run in UTC). The zone is config time_zone, else the spreadsheet's own
// (Google Sheets reports it), else config.DefaultTimeZone.

// TimeZoner is a source that knows its own time zone (the Google
// spreadsheet's properties.timeZone), learnt at its last Fetch.
type TimeZoner interface {
	TimeZone() string
}

// SourceLocation is the time zone a source's dates are read in: the
// configured one, else the one the daemon learnt from the spreadsheet
// (st may be nil), else Moscow.
func SourceLocation(cfg *config.Config, s config.Source, st *State) (*time.Location, error) {
	name := cfg.TimeZoneFor(s)
	if name == "" && st != nil {
		name = st.TimeZone
	}
	if name == "" {
		name = config.DefaultTimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	return loc, nil
}

// learnZone takes the spreadsheet's time zone when the config names none;
// it reports whether the zone changed.
func (r *runner) learnZone() bool {
	if r.zoneFixed {
		return false
	}
	tz, ok := r.src.(TimeZoner)
	if !ok {
		return false
	}
	name := tz.TimeZone()
	if name == "" || name == r.state.TimeZone {
		return false
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		r.log.WithFields(logrus.Fields{"time_zone": name, "error": err}).Warn("the spreadsheet's time zone is unknown; keeping " + r.loc.String())
		return false
	}
	r.log.WithFields(logrus.Fields{"time_zone": name, "was": r.loc.String()}).Info("dates follow the spreadsheet's time zone")
	r.state.TimeZone, r.loc, r.dirty = name, loc, true
	r.state.localize(loc)
	return true
}

// localize puts the times staff read into loc: the JSON state keeps only
// their offsets.
func (st *State) localize(loc *time.Location) {
	in := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.In(loc)
		}
	}
	in(&st.RegistrySeen)
	in(&st.BlockedSince)
	if v := st.Version; v != nil {
		in(&v.Time)
	}
	if c := st.Candidate; c != nil {
		in(&c.Time)
	}
	for i := range st.Pending {
		p := &st.Pending[i]
		in(&p.FirstSeen)
		in(&p.Deadline)
		in(&p.Time)
	}
}
