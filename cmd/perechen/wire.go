package main

import (
	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/wire"
)

// The daemon's wiring lives in package wire, shared with the end-to-end
// tests; these names keep the subcommands short.

// defaultDeps wires the real dependencies around the daemon's metrics.
func defaultDeps(m *daemon.Metrics) (daemon.Deps, error) { return wire.Deps(m) }

// demoConfig is the `run --demo` configuration.
func demoConfig(dir string) *config.Config { return wire.DemoConfig(dir) }

// prepareDemo writes the sample workbook into dir unless it is there.
func prepareDemo(dir string) error { return wire.PrepareDemo(dir) }
