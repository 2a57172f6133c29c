package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

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
		fmt.Fprintln(e.stderr, "\nИстория изменений Перечня по опубликованным версиям с пунктами Порядка об актуализации, утверждения")
		fmt.Fprintln(e.stderr, "версий (кто, когда, каким документом; п. 5.1–5.2), версия, ждущая утверждения, и изменения, которые ещё")
		fmt.Fprintln(e.stderr, "ждут публикации, со сроком (п. 5.5). Даты — в часовом поясе организации.\n\nФлаги:")
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
		if err := printHistory(e.stdout, cfg, s); err != nil {
			fmt.Fprintln(e.stderr, "perechen history:", err)
			return exitUsage
		}
	}
	return exitOK
}

func printHistory(w io.Writer, cfg *config.Config, s config.Source) error {
	stateDir := cfg.StateDir
	entries, bad, err := daemon.ReadChangeLog(stateDir, s.Name)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	st, err := daemon.ReadState(stateDir, s.Name)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	loc, err := daemon.SourceLocation(cfg, s, st)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	day := func(t time.Time) string { return t.In(loc).Format("02.01.2006") }
	title := s.Name
	if s.Organisation != "" {
		title += " — " + s.Organisation
	}
	fmt.Fprintf(w, "%s (время — %s)\n", title, loc)
	if len(entries) == 0 {
		fmt.Fprintln(w, "  опубликованных изменений и утверждений нет")
	}
	version := -1
	for _, c := range entries {
		if c.Version != version {
			version = c.Version
			fmt.Fprintf(w, "  версия %d%s:\n", c.Version, publishedOn(entries, c.Version, loc))
		}
		if a := c.Approval; c.Kind == daemon.ApprovalKind && a != nil {
			fmt.Fprintf(w, "    утверждена %s: %s (утвердил(а): %s; %s)\n", a.Time.In(loc).Format("02.01.2006 15:04"), a.Document, a.By, viaRu(a.Via))
			continue
		}
		late := ""
		if c.Published.After(c.Deadline) {
			late = " — срок публикации нарушен"
		}
		fmt.Fprintf(w, "    %s (замечено %s, срок %s%s)\n", c.Text(), day(c.FirstSeen), day(c.Deadline), late)
	}
	if len(bad) > 0 {
		fmt.Fprintf(w, "  строки журнала не прочитаны: %s\n", joinInts(bad))
	}
	if st != nil && st.Candidate != nil {
		fmt.Fprintf(w, "  версия %d от %s ждёт утверждения (п. 5.1–5.2): perechen approve --source %s --version %d --by \"Фамилия И.О.\" --document \"приказ от ДД.ММ.ГГГГ № …\"\n",
			st.Candidate.Number, day(st.Candidate.Time), s.Name, st.Candidate.Number)
	}
	if st != nil && len(st.Pending) > 0 {
		fmt.Fprintln(w, "  ждут публикации:")
		for _, p := range st.Pending {
			fmt.Fprintf(w, "    %s (замечено %s, срок %s)\n", p.Text(), day(p.FirstSeen), day(p.Deadline))
		}
	}
	return nil
}

// publishedOn is ", опубликована ДД.ММ.ГГГГ ЧЧ:ММ" for a version whose
// changes were published, "" for one only approved so far.
func publishedOn(entries []daemon.LogEntry, version int, loc *time.Location) string {
	for _, e := range entries {
		if e.Version == version && !e.Published.IsZero() {
			return ", опубликована " + e.Published.In(loc).Format("02.01.2006 15:04")
		}
	}
	return ""
}

func viaRu(via string) string {
	if via == "status page" {
		return "на странице состояния"
	}
	return "командой perechen approve"
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
