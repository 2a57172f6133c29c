// Command perechen lints, renders and publishes a Перечень точек
// взаимодействия с внутренним клиентом kept in a Google Sheet or XLSX file.
//
// main stays thin: it picks the subcommand, wires signals and exits with the
// subcommand's code. Each subcommand lives in its own file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"
	_ "time/tzdata" // the organisation's time zone works in a container without /usr/share/zoneinfo

	"github.com/perechen-oiv/perechen/daemon"
)

// Exit codes shared by every subcommand.
const (
	exitOK       = 0 // no errors in the registry
	exitFindings = 1 // the registry has findings at or above --fail-on, or publication failed somewhere
	exitUsage    = 2 // unusable input: bad flags, file, profile or config
)

// env is what a subcommand may touch of the outside world, so tests can run
// it in-process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// reload delivers SIGHUP to `perechen run` (nil in tests that do not reload).
	reload <-chan os.Signal
	// deps builds the daemon's dependencies around its metrics (for the
	// sources' API request counter); nil means defaultDeps.
	deps func(m *daemon.Metrics) (daemon.Deps, error)
	// now is the clock of one-shot commands (approve); nil means time.Now.
	now func() time.Time
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"lint":        {"проверить Перечень (XLSX) по Порядку", runLint},
		"check":       {"проверить Перечни из конфигурации и записать замечания в примечания к ячейкам", runCheck},
		"publish":     {"опубликовать Перечень источника сейчас (--dry-run: показать, что и куда)", runPublish},
		"rules":       {"перечислить правила проверки и пункты Порядка", runRules},
		"render":      {"записать Перечень в официальной форме: HTML, PDF, XLSX, CSV, JSON", runRender},
		"template":    {"записать пустой бланк Перечня (XLSX) по форме Порядка", runTemplate},
		"setup-sheet": {"поставить в таблицу источника выпадающие списки граф 3–5 по Порядку (--dry-run: показать план)", runSetupSheet},
		"run":         {"служба: проверять Перечни по расписанию и публиковать на сайте", runRun},
		"history":     {"история изменений опубликованных версий Перечня и их утверждений", runHistory},
		"approve":     {"утвердить версию Перечня, ждущую утверждения (п. 5.1–5.2), для публикации", runApprove},
	}
}

func main() { os.Exit(run()) }

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, reload: hup}
	return dispatch(ctx, e, os.Args[1:])
}

func dispatch(ctx context.Context, e env, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stdout, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "perechen: неизвестная команда %q\n\n", args[0])
		usage(e.stderr, cmds)
		return exitUsage
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "perechen — проверка и публикация Перечня точек взаимодействия с внутренним клиентом")
	fmt.Fprintln(w, "\nИспользование: perechen <команда> [флаги] ...\n\nКоманды:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nСправка по команде: perechen <команда> --help")
}

// parseFlags parses a subcommand's flags; when ok is false the command
// exits with code: 0 after --help, 2 after a bad flag (flag printed why).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return exitOK, true
}
