package main

import (
	"errors"

	"github.com/perechen-oiv/perechen/daemon"
)

// defaultDeps wires the real sources, renderers, targets, note planner,
// change classifier and production calendar into the daemon. m is the
// daemon's metrics (runRun sets it as Deps.Metrics): wrap the sources' HTTP
// transports with m.RoundTripper to count API requests.
//
// To wire (after the sync, render, publish, history and calendar branches
// are merged):
//
//	NewSource:   google_sheets → sync.NewSheetsSource(SheetsConfig{…, HTTPClient: &http.Client{Transport: m.RoundTripper(s.Name, nil)}, Notes: s.Notes}),
//	             xlsx → sync.NewXLSXSource(XLSXConfig{Path, Sheet, Mode: s.XLSXMode(), CopyPath})
//	NewTargets:  dir/webdav/sftp/exec from s.Publish (optionally wrapped in publish.NewTracked)
//	Renderers:   render.ByFormat for each name
//	PlanNotes:   sync.PlanNotes
//	Diff:        adapt history.Diff: daemon.Change{…, Russian: c.Russian()}
//	WorkingDays: calendar.Default(); LoadCalendar: calendar.Load
func defaultDeps(m *daemon.Metrics) (daemon.Deps, error) {
	_ = m // used once the Sheets source is wired
	return daemon.Deps{}, errors.New("not wired yet: the daemon's sources, renderers and targets are connected in cmd/perechen/wire.go")
}
