package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/wire"
)

// defaultConfigPath is where the systemd unit keeps the configuration.
const defaultConfigPath = "/etc/perechen/config.yaml"

type runOptions struct {
	config string
	once   bool
	dryRun bool
	demo   string
}

func runRun(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o runOptions
	fs.StringVar(&o.config, "config", defaultConfigPath, "файл конфигурации YAML")
	fs.BoolVar(&o.once, "once", false, "один цикл для каждого источника и выход; код выхода как у lint")
	fs.BoolVar(&o.dryRun, "dry-run", false, "без примечаний и публикации: показать, что было бы сделано (один цикл)")
	fs.StringVar(&o.demo, "demo", "", "демонстрация на встроенном образце: рабочая папка (XLSX, сайт, состояние)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Использование: perechen run [--config ФАЙЛ] [--once] [--dry-run] [--demo ПАПКА]")
		fmt.Fprintln(e.stderr, "\nСлужба: по расписанию читает Перечни, проверяет их по Порядку, пишет замечания в примечания")
		fmt.Fprintln(e.stderr, "к ячейкам и публикует проверенную версию. SIGHUP перечитывает конфигурацию.")
		fmt.Fprintln(e.stderr, "Первая строка по каждому источнику — итог: опубликована (на всех целях), опубликована не везде (какие цели")
		fmt.Fprintln(e.stderr, "не получили версию), не опубликована, публикация приостановлена, ждёт утверждения.")
		fmt.Fprintln(e.stderr, "Коды выхода с --once: 0 — опубликовано, без изменений или ждёт утверждения; 1 — в Перечне есть ошибки,")
		fmt.Fprintln(e.stderr, "публикация приостановлена или не удалась хотя бы на одной цели; 2 — источник или конфигурация непригодны.\n\nФлаги:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "perechen run: лишние аргументы: %s\n", strings.Join(fs.Args(), " "))
		return exitUsage
	}
	load := func() (*config.Config, error) { return config.LoadEnv(o.config, e.getenv) }
	if o.demo != "" {
		load = func() (*config.Config, error) { return demoConfig(o.demo), nil }
		if err := prepareDemo(o.demo); err != nil {
			fmt.Fprintln(e.stderr, "perechen run --demo:", err)
			return exitUsage
		}
	}
	cfg, err := load()
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen run:", err)
		return exitUsage
	}
	log := newLogger(cfg.Log, e.stderr)
	log.WithField("config", cfg.String()).Debug("effective configuration (secrets redacted)")
	setGCPercent(cfg.GCPercent, e.getenv, log)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics, err := daemon.NewMetrics(reg)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen run:", err)
		return exitUsage
	}
	depsFn := e.deps
	if depsFn == nil {
		depsFn = func(m *daemon.Metrics) (daemon.Deps, error) { return wire.DepsWithQuota(m, cfg.SheetsQuotaPerMinute) }
	}
	deps, err := depsFn(metrics)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen run:", err)
		return exitUsage
	}
	deps.Metrics = metrics
	var opts []daemon.Option
	if o.dryRun {
		opts = append(opts, daemon.WithDryRun())
	}
	d, err := daemon.New(cfg, deps, log, reg, opts...)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen run:", err)
		return exitUsage
	}
	if o.once || o.dryRun {
		return printResults(e.stdout, d.RunOnce(ctx), o.dryRun)
	}
	if o.demo != "" {
		printDemo(e.stdout, cfg)
	} else if cfg.Status.Listen != config.ListenOff {
		fmt.Fprintf(e.stdout, "perechen: страница состояния — http://%s/\n", cfg.Status.Listen)
	}
	if err := d.Run(ctx, e.reload, load); err != nil {
		fmt.Fprintln(e.stderr, "perechen run:", err)
		return exitUsage
	}
	return exitOK
}

// setGCPercent applies gc_percent (see config.DefaultGCPercent) unless GOGC
// is set in the environment: the runtime has read that already, and an
// operator's explicit choice wins. It is read at start only; a reload does
// not change it.
func setGCPercent(percent int, getenv func(string) string, log logrus.FieldLogger) {
	if v := getenv("GOGC"); v != "" {
		log.WithField("GOGC", v).Info("GOGC is set in the environment; gc_percent is not applied")
		return
	}
	if percent < config.MinGCPercent {
		// A Config built in code rather than parsed (0 would mean "collect
		// all the time").
		percent = config.DefaultGCPercent
	}
	debug.SetGCPercent(percent)
}

// printResults writes one block per source and returns the worst exit
// code. A block's first line is the cycle's headline: how it ended, which
// targets did not get the version, what waits for approval.
func printResults(w io.Writer, rs []daemon.Result, dry bool) int {
	code := exitOK
	for _, r := range rs {
		fmt.Fprintf(w, "== %s: %s\n", r.Source, r.Headline)
		for _, e := range r.Errors {
			fmt.Fprintf(w, "сбой (%s%s): %s\n", e.Kind, targetSuffix(e.Target), e.Message)
		}
		for _, d := range r.Findings {
			fmt.Fprintln(w, d.Text())
		}
		if r.Linted {
			fmt.Fprintf(w, "ошибок — %d, предупреждений — %d, замечаний — %d\n", r.Summary.Errors, r.Summary.Warnings, r.Summary.Notices)
		}
		prefix := ""
		if dry {
			prefix = "(пробный прогон) "
		}
		for _, a := range r.Actions {
			fmt.Fprintln(w, prefix+a)
		}
		for _, p := range r.Pending {
			fmt.Fprintf(w, "ждёт публикации до %s: %s\n", p.Deadline.Format("02.01.2006"), p.Text())
		}
		code = max(code, r.ExitCode())
	}
	return code
}

func targetSuffix(t string) string {
	if t == "" {
		return ""
	}
	return ", " + t
}

// newLogger configures logrus from the config: English key=value or JSON.
func newLogger(c config.Log, w io.Writer) *logrus.Logger {
	l := logrus.New()
	l.Out = w
	if lvl, err := logrus.ParseLevel(c.Level); err == nil {
		l.SetLevel(lvl)
	}
	if c.Format == "json" {
		l.SetFormatter(&logrus.JSONFormatter{TimestampFormat: time.RFC3339})
	} else {
		l.SetFormatter(&logrus.TextFormatter{FullTimestamp: true, TimestampFormat: time.RFC3339, DisableColors: true})
	}
	return l
}

func printDemo(w io.Writer, cfg *config.Config) {
	s := cfg.Sources[0]
	fmt.Fprintln(w, "perechen: демонстрация на встроенном образце Перечня")
	fmt.Fprintf(w, "  таблица (правьте её):      %s\n", s.XLSX.Path)
	fmt.Fprintf(w, "  замечания пишутся в копию рядом с ней (режим copy)\n")
	fmt.Fprintf(w, "  опубликованный сайт:       %s\n", filepath.Join(s.Publish[0].Dir.Path, "index.html"))
	fmt.Fprintf(w, "  страница состояния:        http://%s/\n", cfg.Status.Listen)
	fmt.Fprintf(w, "  состояние и история:       %s\n", cfg.StateDir)
	fmt.Fprintf(w, "  проверка каждые %s; остановить — Ctrl+C\n", cfg.Interval)
}
