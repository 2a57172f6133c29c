package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
)

// runApprove records the approval of the version awaiting it (п. 5.1–5.2).
// It touches only the state directory, under the lock the daemon shares,
// so it is safe while `perechen run` runs; the daemon publishes the
// approved version on its next cycle.
func runApprove(_ context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("approve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	path := fs.String("config", defaultConfigPath, "файл конфигурации YAML")
	source := fs.String("source", "", "источник из конфигурации (обязательно)")
	by := fs.String("by", "", "кто утверждает: «Фамилия И.О.» (обязательно)")
	document := fs.String("document", "", "утверждающий документ: «приказ от ДД.ММ.ГГГГ № …» (обязательно, п. 5.1)")
	version := fs.Int("version", 0, "номер версии; по умолчанию — та, что ждёт утверждения")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Использование: perechen approve [--config ФАЙЛ] --source ИМЯ --by \"ФИО\" --document \"приказ от ДД.ММ.ГГГГ № …\" [--version N]")
		fmt.Fprintln(e.stderr, "\nУтверждает версию Перечня, которая прошла проверку и ждёт утверждения (approval: {required: true};")
		fmt.Fprintln(e.stderr, "п. 5.1–5.2 Порядка: на сайте размещается утверждённый Перечень). Утверждение относится к содержимому")
		fmt.Fprintln(e.stderr, "этой версии: если таблицу изменят, новая версия снова ждёт утверждения. Служба публикует утверждённую")
		fmt.Fprintln(e.stderr, "версию в следующем цикле; документ печатается в грифе «УТВЕРЖДЁН» на сайте, в PDF и XLSX.")
		fmt.Fprintln(e.stderr, "Запускайте от пользователя службы (sudo -u perechen …). Код выхода: 0 — утверждено (или уже было")
		fmt.Fprintln(e.stderr, "утверждено тем же документом), 2 — утверждать нечего, в Перечне ошибки, версия уже не текущая,\nили параметры неверны.\n\nФлаги:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(e.stderr, "perechen approve: "+format+"\n", args...)
		return exitUsage
	}
	if fs.NArg() > 0 {
		return fail("лишние аргументы: %s", strings.Join(fs.Args(), " "))
	}
	cfg, err := config.LoadEnv(*path, e.getenv)
	if err != nil {
		return fail("%v", err)
	}
	if *source == "" {
		return fail("укажите --source; источники в конфигурации: %s", sourceNames(cfg))
	}
	s, ok := cfg.Source(*source)
	if !ok {
		return fail("источника %q нет в конфигурации; есть: %s", *source, sourceNames(cfg))
	}
	if !s.Approval.Required {
		return fail("у источника %s утверждение не требуется (approval: {required: true} не задано): "+
			"проверенная версия публикуется сразу", s.Name)
	}
	st, _ := daemon.ReadState(cfg.StateDir, s.Name)
	loc, err := daemon.SourceLocation(cfg, s, st)
	if err != nil {
		return fail("%v", err)
	}
	now := time.Now()
	if e.now != nil {
		now = e.now()
	}
	a, already, err := daemon.Approve(cfg.StateDir, daemon.ApproveRequest{Source: s.Name, Version: *version,
		By: *by, Document: *document, Via: "cli", Now: now.In(loc)})
	var refused *daemon.ApproveError
	switch {
	case errors.As(err, &refused):
		return fail("%s: %s", s.Name, refused.Reason)
	case err != nil:
		return fail("%s: %v", s.Name, err)
	case already:
		fmt.Fprintf(e.stdout, "%s: версия %d уже утверждена этим документом (%s, %s); повторно не записано.\n",
			s.Name, a.Version, a.By, a.Time.In(loc).Format("02.01.2006 15:04"))
	default:
		fmt.Fprintf(e.stdout, "%s: утверждена версия %d — %s (утвердил(а): %s, %s, содержимое sha256 %s). "+
			"Служба опубликует её в следующем цикле.\n", s.Name, a.Version, a.Document, a.By, a.Time.In(loc).Format("02.01.2006 15:04"), a.ContentHash[:12])
	}
	return exitOK
}
