package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
)

func runHistory(_ context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	path := fs.String("config", defaultConfigPath, "файл конфигурации YAML")
	source := fs.String("source", "", "только этот источник (по умолчанию все)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Использование: perechen history [--config ФАЙЛ] [--source ИМЯ]")
		fmt.Fprintln(e.stderr, "\nИстория изменений Перечня по опубликованным версиям с пунктами Порядка об актуализации,")
		fmt.Fprintln(e.stderr, "и изменения, которые ещё ждут публикации, со сроком.\n\nФлаги:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, err := config.LoadEnv(*path, e.getenv)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen history:", err)
		return exitUsage
	}
	var names []string
	for _, s := range cfg.Sources {
		if *source == "" || s.Name == *source {
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		fmt.Fprintf(e.stderr, "perechen history: источника %q нет в конфигурации\n", *source)
		return exitUsage
	}
	for _, n := range names {
		s, _ := cfg.Source(n)
		if err := printHistory(e.stdout, cfg.StateDir, s); err != nil {
			fmt.Fprintln(e.stderr, "perechen history:", err)
			return exitUsage
		}
	}
	return exitOK
}

func printHistory(w io.Writer, stateDir string, s config.Source) error {
	entries, bad, err := daemon.ReadChangeLog(stateDir, s.Name)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	title := s.Name
	if s.Organisation != "" {
		title += " — " + s.Organisation
	}
	fmt.Fprintln(w, title)
	if len(entries) == 0 {
		fmt.Fprintln(w, "  опубликованных изменений нет")
	}
	version := -1
	for _, c := range entries {
		if c.Version != version {
			version = c.Version
			fmt.Fprintf(w, "  версия %d, опубликована %s:\n", c.Version, c.Published.Local().Format("02.01.2006 15:04"))
		}
		late := ""
		if c.Published.After(c.Deadline) {
			late = " — срок публикации нарушен"
		}
		fmt.Fprintf(w, "    %s (замечено %s, срок %s%s)\n", c.Text(), c.FirstSeen.Local().Format("02.01.2006"), c.Deadline.Local().Format("02.01.2006"), late)
	}
	if len(bad) > 0 {
		fmt.Fprintf(w, "  строки журнала не прочитаны: %s\n", joinInts(bad))
	}
	st, err := daemon.ReadState(stateDir, s.Name)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	if st != nil && len(st.Pending) > 0 {
		fmt.Fprintln(w, "  ждут публикации:")
		for _, p := range st.Pending {
			fmt.Fprintf(w, "    %s (замечено %s, срок %s)\n", p.Text(), p.FirstSeen.Local().Format("02.01.2006"), p.Deadline.Local().Format("02.01.2006"))
		}
	}
	return nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
