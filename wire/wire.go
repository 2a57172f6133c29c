// Package wire builds the daemon's real dependencies from the
// configuration: Google Sheets and XLSX sources, publish targets,
// renderers, the note planner, the change classifier and the production
// calendar. cmd/perechen and the end-to-end tests share it, so the tests
// run exactly what `perechen run` runs.
package wire

import (
	"fmt"
	"net/http"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/calendar"
	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	psync "github.com/perechen-oiv/perechen/sync"
)

// Deps wires the real sources, renderers, targets, note planner, change
// classifier and production calendar into the daemon, with Google's default
// Sheets quota. m counts the sources' API requests (nil: not counted).
func Deps(m *daemon.Metrics) (daemon.Deps, error) {
	return DepsWithQuota(m, config.DefaultSheetsQuotaPerMinute)
}

// DepsWithQuota is Deps with sheets_quota_per_minute: every Sheets source
// of one service account shares one limiter, so many sources stay under
// the account's per-minute quota by design. It holds for the process's
// life (a reload keeps it).
func DepsWithQuota(m *daemon.Metrics, perMinute int) (daemon.Deps, error) {
	quotas := psync.NewQuotaSet(perMinute)
	return daemon.Deps{
		NewSource: func(s config.Source, log logrus.FieldLogger) (psync.Source, error) {
			return sourceWithQuota(s, m, quotas, log)
		},
		NewTargets:   Targets,
		Renderers:    Renderers,
		PlanNotes:    psync.PlanNotes,
		Diff:         Diff,
		WorkingDays:  calendar.Default(),
		LoadCalendar: LoadCalendar,
	}, nil
}

// Source opens the Google Sheet or XLSX file of one config entry, with a
// quota of its own (one-shot commands), logging nothing.
func Source(s config.Source, m *daemon.Metrics) (psync.Source, error) {
	return sourceWithQuota(s, m, psync.NewQuotaSet(config.DefaultSheetsQuotaPerMinute), nil)
}

func sourceWithQuota(s config.Source, m *daemon.Metrics, quotas *psync.QuotaSet, log logrus.FieldLogger) (psync.Source, error) {
	switch {
	case s.GoogleSheets != nil:
		gs := s.GoogleSheets
		var client *http.Client
		if m != nil {
			client = &http.Client{Transport: m.RoundTripper(s.Name, nil)}
		}
		// The profile finds the form's header when no sheet is named.
		profile, err := s.LoadProfile()
		if err != nil {
			return nil, fmt.Errorf("источник %q: %w", s.Name, err)
		}
		return psync.NewSheetsSource(psync.SheetsConfig{SpreadsheetID: gs.SpreadsheetID, Sheet: gs.Sheet, Profile: profile,
			Credentials: gs.Credentials, Endpoint: gs.Endpoint, DriveVersionCheck: gs.DriveVersionCheck,
			HTTPClient: client, Notes: s.Notes, Quotas: quotas, Logger: log})
	case s.XLSX != nil:
		return psync.NewXLSXSource(psync.XLSXConfig{Path: s.XLSX.Path, Sheet: s.XLSX.Sheet, Mode: s.XLSXMode(), CopyPath: s.XLSX.CopyPath, Logger: log})
	}
	return nil, fmt.Errorf("источник %q: укажите google_sheets или xlsx", s.Name)
}
