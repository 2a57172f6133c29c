package main

import (
	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/wire"
)

// The daemon's wiring lives in package wire, shared with the end-to-end
// tests; these names keep the subcommands short.

// defaultDeps wires the real dependencies around the daemon's metrics.
func defaultDeps(m *daemon.Metrics) (daemon.Deps, error) { return wire.Deps(m) }

// buildTargets turns a source's publish entries into targets, in order.
func buildTargets(s config.Source) ([]publish.Target, error) { return wire.Targets(s) }

// buildRenderers returns one renderer per format name.
func buildRenderers(formats []string) ([]render.Renderer, error) { return wire.Renderers(formats) }

// demoConfig is the `run --demo` configuration.
func demoConfig(dir string) *config.Config { return wire.DemoConfig(dir) }

// prepareDemo writes the sample workbook into dir unless it is there.
func prepareDemo(dir string) error { return wire.PrepareDemo(dir) }
