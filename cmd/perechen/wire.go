package main

import (
	"fmt"
	"net/http"

	"github.com/perechen-oiv/perechen/calendar"
	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	psync "github.com/perechen-oiv/perechen/sync"
)

// defaultDeps wires the real sources, renderers, targets, note planner,
// change classifier and production calendar into the daemon. m counts the
// sources' API requests (nil: not counted).
func defaultDeps(m *daemon.Metrics) (daemon.Deps, error) {
	return daemon.Deps{
		NewSource:    func(s config.Source) (psync.Source, error) { return buildSource(s, m) },
		NewTargets:   buildTargets,
		Renderers:    buildRenderers,
		PlanNotes:    psync.PlanNotes,
		Diff:         diffChanges,
		WorkingDays:  calendar.Default(),
		LoadCalendar: loadCalendar,
	}, nil
}

// buildSource opens the Google Sheet or XLSX file of one config entry.
func buildSource(s config.Source, m *daemon.Metrics) (psync.Source, error) {
	switch {
	case s.GoogleSheets != nil:
		gs := s.GoogleSheets
		var client *http.Client
		if m != nil {
			client = &http.Client{Transport: m.RoundTripper(s.Name, nil)}
		}
		return psync.NewSheetsSource(psync.SheetsConfig{SpreadsheetID: gs.SpreadsheetID, Sheet: gs.Sheet,
			Credentials: gs.Credentials, Endpoint: gs.Endpoint, HTTPClient: client, Notes: s.Notes})
	case s.XLSX != nil:
		return psync.NewXLSXSource(psync.XLSXConfig{Path: s.XLSX.Path, Sheet: s.XLSX.Sheet, Mode: s.XLSXMode(), CopyPath: s.XLSX.CopyPath})
	}
	return nil, fmt.Errorf("источник %q: укажите google_sheets или xlsx", s.Name)
}
