package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

// pickSources returns the named source, or every source when name is "".
// An unknown name is an error in Russian listing the names there are.
func pickSources(cfg *config.Config, name string) ([]config.Source, error) {
	if name == "" {
		if len(cfg.Sources) == 0 {
			return nil, fmt.Errorf("в конфигурации нет ни одного источника (sources)")
		}
		return cfg.Sources, nil
	}
	if s, ok := cfg.Source(name); ok {
		return []config.Source{s}, nil
	}
	return nil, fmt.Errorf("источника %q нет в конфигурации; есть: %s", name, sourceNames(cfg))
}

func sourceNames(cfg *config.Config) string {
	names := make([]string, len(cfg.Sources))
	for i, s := range cfg.Sources {
		names[i] = s.Name
	}
	if len(names) == 0 {
		return "(ни одного)"
	}
	return strings.Join(names, ", ")
}

// commandDeps builds the same dependencies `perechen run` uses (e.deps in
// tests, else defaultDeps). The metrics live on a private registry: a
// one-shot command exports nothing, but the sources' request counter needs
// a home.
func commandDeps(e env) (daemon.Deps, error) {
	m, err := daemon.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		return daemon.Deps{}, err
	}
	build := e.deps
	if build == nil {
		build = defaultDeps
	}
	d, err := build(m)
	if err != nil {
		return daemon.Deps{}, err
	}
	if d.NewSource == nil || d.NewTargets == nil || d.Renderers == nil {
		return daemon.Deps{}, fmt.Errorf("внутренняя ошибка: не заданы источники, цели или форматы")
	}
	if d.PlanNotes == nil {
		d.PlanNotes = psync.PlanNotes
	}
	return d, nil
}

// depsNow is the injected clock's time, or the wall clock.
func depsNow(d daemon.Deps) time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// pluralRu is n with its Russian word form: 1 ошибка, 2 ошибки, 5 ошибок.
func pluralRu(n int, one, few, many string) string { return rules.CountRu(n, one, few, many) }

// summaryLine is the last line of lint's text output for one registry.
func summaryLine(name string, sum rules.Summary) string {
	return fmt.Sprintf("%s: ошибок — %d, предупреждений — %d, замечаний — %d", name, sum.Errors, sum.Warnings, sum.Notices)
}
