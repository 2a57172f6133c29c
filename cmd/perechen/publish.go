package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
)

// `perechen publish` records nothing in the daemon's state directory: the
// daemon keeps its state in memory and rewrites last.json every cycle, so a
// second writer would race it and could lose a version or a target's
// state. The command only reads the state, to publish the daemon's own
// version when the registry has not changed since it was built and to skip
// targets that already hold it. A running daemon that later builds the same
// content sends it once more to targets it does not know got it — harmless,
// since every target replaces files atomically.

type publishOptions struct {
	config string
	source string
	dryRun bool
	force  bool
}

// Layout of a version kept by the daemon (see daemon/state.go).
const (
	stateVersionsDir = "versions"
	shaPrefixLen     = 12
)

// builtVersion is what would be published: the files and their identity.
type builtVersion struct {
	version publish.Version
	files   []publish.File
	// fromDaemon: same bytes as the version the daemon built and kept.
	fromDaemon bool
	approved   *daemon.Approval
	// awaiting says why nothing may go out: approval is required and this
	// content has none.
	awaiting string
}

// origin says where the version comes from.
func (bv builtVersion) origin(st *daemon.State) string {
	switch {
	case bv.fromDaemon:
		return "то же содержимое, что и у последней версии, собранной службой"
	case bv.approved != nil:
		return "утверждена: " + bv.approved.Document + " (" + bv.approved.By + ")"
	case st == nil || st.Version == nil:
		return "новая сборка: служба ещё не собирала версий этого источника"
	}
	return "новая сборка: содержимое отличается от последней версии, собранной службой"
}

func runPublish(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o publishOptions
	fs.StringVar(&o.config, "config", defaultConfigPath, "файл конфигурации YAML")
	fs.StringVar(&o.source, "source", "", "источник из конфигурации (обязательно)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "ничего не отправлять: показать, какие файлы и куда были бы отправлены")
	fs.BoolVar(&o.force, "force", false, "отправить и на те цели, где эта версия уже опубликована")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Использование: perechen publish [--config ФАЙЛ] --source ИМЯ [--dry-run] [--force]")
		fmt.Fprintln(e.stderr, "\nЧитает Перечень источника, проверяет его по Порядку, собирает форматы из конфигурации и сразу")
		fmt.Fprintln(e.stderr, "публикует на все цели источника. При ошибках в Перечне (и при предупреждениях, если block_on: warning)")
		fmt.Fprintln(e.stderr, "публикация не выполняется (п. 2.2.2 Порядка). Цели, где уже опубликовано то же содержимое (по данным")
		fmt.Fprintln(e.stderr, "службы в state_dir), пропускаются, если не указан --force. Примечания к ячейкам не пишутся.")
		fmt.Fprintln(e.stderr, "Код выхода: 0 — опубликовано (или нечего отправлять), 1 — публикация остановлена замечаниями")
		fmt.Fprintln(e.stderr, "или не удалась на какой-либо цели, 2 — источник или конфигурация непригодны.\n\nФлаги:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "perechen publish: лишние аргументы: %s\n", strings.Join(fs.Args(), " "))
		return exitUsage
	}
	cfg, err := config.LoadEnv(o.config, e.getenv)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen publish:", err)
		return exitUsage
	}
	if o.source == "" {
		fmt.Fprintf(e.stderr, "perechen publish: укажите --source; источники в конфигурации: %s\n", sourceNames(cfg))
		return exitUsage
	}
	picked, err := pickSources(cfg, o.source)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen publish:", err)
		return exitUsage
	}
	s := picked[0]
	deps, err := commandDeps(e)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen publish:", err)
		return exitUsage
	}
	return publishSource(ctx, e, cfg, s, deps, o)
}

func publishSource(ctx context.Context, e env, cfg *config.Config, s config.Source, deps daemon.Deps, o publishOptions) int {
	fail := func(err error) int {
		fmt.Fprintf(e.stderr, "perechen publish: %s: %v\n", s.Name, err)
		return exitUsage
	}
	profile, err := s.LoadProfile()
	if err != nil {
		return fail(err)
	}
	src, err := deps.NewSource(s, nil)
	if err != nil {
		return fail(err)
	}
	targets, err := deps.NewTargets(s)
	if err != nil {
		return fail(err)
	}
	renderers, err := deps.Renderers(s.Formats)
	if err != nil {
		return fail(err)
	}
	snap, err := src.Fetch(ctx)
	if err != nil {
		return fail(err)
	}
	reg, diags := rules.Lint(snap.Grid, profile)
	if !reg.HasHeader() {
		return fail(errors.New("лист не похож на Перечень: не найдена шапка формы; публиковать нечего"))
	}
	// The first line says how it ended, so the rest is written after it.
	var body bytes.Buffer
	w := &body
	headline, code := func() (string, int) {
		fmt.Fprintf(w, "Источник: %s, профиль %s\n", src.String(), profile.Name)
		for _, d := range diags {
			fmt.Fprintln(w, d.Text())
		}
		sum := rules.Summarize(diags)
		fmt.Fprintln(w, summaryLine(s.Name, sum))
		if why := publishBlocked(s, sum); why != "" {
			return "публикация невозможна: " + why, exitFindings
		}
		if len(targets) == 0 {
			return fmt.Sprintf("у источника %s нет целей публикации (publish в конфигурации) — отправлять некуда", s.Name), exitOK
		}
		st, err := daemon.ReadState(cfg.StateDir, s.Name)
		if err != nil {
			// A corrupt state only costs the dedup: publish anyway, say so.
			fmt.Fprintf(e.stderr, "perechen publish: состояние службы не прочитано (%v); сравнение с опубликованным пропущено\n", err)
			st = nil
		}
		loc, err := daemon.SourceLocation(cfg, s, st)
		if err != nil {
			return err.Error(), exitUsage
		}
		bv, err := buildPublishVersion(cfg.StateDir, s, st, reg, profile, renderers, depsNow(deps).In(loc))
		if err != nil {
			return "версия не собрана: " + err.Error(), exitUsage
		}
		if bv.awaiting != "" {
			return bv.awaiting, exitFindings
		}
		fmt.Fprintf(w, "Версия %d от %s (%s)\n", bv.version.Number, bv.version.Time.Format("02.01.2006"), bv.origin(st))
		skip := make([]string, len(targets)) // why target i is skipped; "" = send
		if !o.force {
			for i, t := range targets {
				skip[i] = alreadyPublished(st, t.Name(), bv.version.Hash, loc)
			}
		}
		if o.dryRun {
			printPublishPlan(w, targets, skip, bv.files)
			return fmt.Sprintf("пробный прогон (--dry-run): версия %d, ничего не отправлено", bv.version.Number), exitOK
		}
		return sendVersion(ctx, w, targets, skip, bv)
	}()
	fmt.Fprintf(e.stdout, "== %s: %s\n", s.Name, headline)
	_, _ = e.stdout.Write(body.Bytes())
	return code
}

// publishBlocked is the daemon's publish gate: why the registry may not be
// published, in Russian, or "".
func publishBlocked(s config.Source, sum rules.Summary) string {
	const why = "по п. 2.2.2 Порядка Перечень размещается только после проверки"
	switch {
	case sum.Errors > 0:
		return fmt.Sprintf("в Перечне %s; %s. Исправьте ошибки (они перечислены выше и отмечены в примечаниях к ячейкам) и повторите.",
			pluralRu(sum.Errors, "ошибка", "ошибки", "ошибок"), why)
	case sum.Warnings > 0 && s.BlocksOnWarnings():
		return fmt.Sprintf("в Перечне %s, а в настройках источника (block_on: warning) публикация останавливается и при предупреждениях; %s.",
			pluralRu(sum.Warnings, "предупреждение", "предупреждения", "предупреждений"), why)
	}
	return ""
}

// buildPublishVersion renders the registry. When the daemon's latest
// version renders to the very same bytes, that version (number, date,
// hash, approval) is what gets published, so targets that have it can be
// skipped. With approval required only an approved candidate of this very
// content may go out (bv.awaiting says why not); otherwise it is a new
// version numbered after every one the daemon kept.
func buildPublishVersion(stateDir string, s config.Source, st *daemon.State, reg *rules.Registry, p *rules.Profile,
	rs []render.Renderer, now time.Time) (builtVersion, error) {
	if st != nil && st.Version != nil {
		v := *st.Version
		v.Time = v.Time.In(now.Location())
		files, err := renderAll(rs, reg, daemon.VersionMeta(s, p, rs, &v))
		if err != nil {
			return builtVersion{}, err
		}
		if sameAsKept(stateDir, s.Name, &v, files) {
			return builtVersion{fromDaemon: true, files: files,
				version: publish.Version{Source: s.Name, Number: v.Number, Time: v.Time, Hash: v.Hash}}, nil
		}
	}
	v := &daemon.VersionState{Number: highestKeptVersion(stateDir, s.Name) + 1, Time: now}
	if st != nil && st.Version != nil {
		v.Number = max(v.Number, st.Version.Number+1)
	}
	if s.Approval.Required {
		c, a, why, err := approvedCandidate(stateDir, s, st, reg)
		if err != nil || why != "" {
			return builtVersion{awaiting: why}, err
		}
		v = &daemon.VersionState{Number: c.Number, Time: c.Time.In(now.Location()), Approval: a, Changes: st.UnreleasedChanges()}
	}
	files, err := renderAll(rs, reg, daemon.VersionMeta(s, p, rs, v))
	if err != nil {
		return builtVersion{}, err
	}
	// publish.ContentHash differs from the daemon's hash on purpose: a new
	// build never equals a version the daemon recorded, so no target is
	// wrongly skipped.
	return builtVersion{files: files, approved: v.Approval,
		version: publish.Version{Source: s.Name, Number: v.Number, Time: v.Time, Hash: publish.ContentHash(files)}}, nil
}

// approvedCandidate is the daemon's candidate holding reg's content with its
// approval, or why there is none (п. 5.1–5.2: only the approved Перечень
// goes on the site).
func approvedCandidate(stateDir string, s config.Source, st *daemon.State, reg *rules.Registry) (*daemon.Candidate, *daemon.Approval, string, error) {
	approve := fmt.Sprintf("perechen approve --source %s --by \"Фамилия И.О.\" --document \"приказ от ДД.ММ.ГГГГ № …\"", s.Name)
	var c *daemon.Candidate
	if st != nil {
		c = st.Candidate
	}
	if c == nil || c.ContentHash != daemon.RegistryHash(reg) {
		return nil, nil, "содержимое Перечня не утверждено и не опубликовано (approval: required; п. 5.1–5.2): служба сделает его " +
			"версией, ждущей утверждения, в ближайшем цикле (perechen run); затем " + approve, nil
	}
	a, err := daemon.ApprovalOf(stateDir, s.Name, c)
	if err != nil {
		return nil, nil, "", err
	}
	if a == nil {
		return nil, nil, fmt.Sprintf("версия %d ждёт утверждения (п. 5.1–5.2) и не опубликована; утвердите: %s --version %d", c.Number, approve, c.Number), nil
	}
	return c, a, "", nil
}

func renderAll(rs []render.Renderer, reg *rules.Registry, m render.Meta) ([]publish.File, error) {
	files := make([]publish.File, 0, len(rs))
	for _, r := range rs {
		var buf bytes.Buffer
		if err := r.Render(&buf, reg, m); err != nil {
			return nil, fmt.Errorf("формат %s не собран: %w", r.Format(), err)
		}
		files = append(files, publish.File{Name: r.FileName(), Data: buf.Bytes()})
	}
	return files, nil
}

// sameAsKept reports whether files are byte for byte the files the daemon
// kept for version v (same names, same order-independent content).
func sameAsKept(stateDir, source string, v *daemon.VersionState, files []publish.File) bool {
	if len(v.Files) != len(files) {
		return false
	}
	dir := filepath.Join(stateDir, source, stateVersionsDir, fmt.Sprintf("%04d", v.Number))
	for _, f := range files {
		kept, err := os.ReadFile(filepath.Join(dir, filepath.Base(f.Name)))
		if err != nil || !bytes.Equal(kept, f.Data) {
			return false
		}
	}
	return true
}

// highestKeptVersion is the largest version directory the daemon kept.
func highestKeptVersion(stateDir, source string) int {
	entries, _ := os.ReadDir(filepath.Join(stateDir, source, stateVersionsDir))
	top := 0
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil && e.IsDir() && n > top {
			top = n
		}
	}
	return top
}

// alreadyPublished says why a target can be skipped: the daemon's state
// shows its last publish succeeded with this very content.
func alreadyPublished(st *daemon.State, target, hash string, loc *time.Location) string {
	if st == nil || hash == "" {
		return ""
	}
	for _, ts := range st.Targets {
		if ts.Name == target && ts.Hash == hash && ts.LastError == "" && !ts.LastSuccess.IsZero() {
			return fmt.Sprintf("там уже эта версия (%d), опубликована %s", ts.Version, ts.LastSuccess.In(loc).Format("02.01.2006 15:04"))
		}
	}
	return ""
}

func printPublishPlan(w io.Writer, targets []publish.Target, skip []string, files []publish.File) {
	for i, t := range targets {
		if skip[i] != "" {
			fmt.Fprintf(w, "→ %s: пропуск — %s\n", t.Name(), skip[i])
			continue
		}
		fmt.Fprintf(w, "→ %s: будет отправлено %s\n", t.Name(), pluralRu(len(files), "файл", "файла", "файлов"))
		for _, f := range files {
			sum := sha256.Sum256(f.Data)
			fmt.Fprintf(w, "    %-16s %10d байт  sha256 %s\n", f.Name, len(f.Data), hex.EncodeToString(sum[:])[:shaPrefixLen])
		}
	}
}

// sendVersion publishes to every target not skipped, concurrently and
// independently, reports each result and returns the headline: published
// everywhere, not everywhere (naming the failed targets) or nowhere; exit 1
// if any target failed.
func sendVersion(ctx context.Context, w io.Writer, targets []publish.Target, skip []string, bv builtVersion) (string, int) {
	var send []publish.Target
	var have []string
	for i, t := range targets {
		if skip[i] != "" {
			fmt.Fprintf(w, "→ %s: пропуск — %s\n", t.Name(), skip[i])
			have = append(have, t.Name())
			continue
		}
		send = append(send, t)
	}
	n := bv.version.Number
	if len(send) == 0 {
		return fmt.Sprintf("версия %d уже опубликована на всех целях — отправлять нечего", n), exitOK
	}
	errs := publish.PublishAll(ctx, send, bv.version, bv.files)
	var failed []string
	for i, t := range send {
		if errs[i] != nil {
			fmt.Fprintf(w, "→ %s: сбой — %v\n", t.Name(), errs[i])
			failed = append(failed, t.Name())
			continue
		}
		have = append(have, t.Name())
		fmt.Fprintf(w, "→ %s: опубликована версия %d (%s)\n", t.Name(), n, pluralRu(len(bv.files), "файл", "файла", "файлов"))
	}
	switch {
	case len(failed) == 0:
		return fmt.Sprintf("опубликована версия %d — на всех целях: %s", n, strings.Join(have, ", ")), exitOK
	case len(have) == 0:
		fmt.Fprintln(w, "Публикация не удалась; исправьте причину и повторите perechen publish (служба тоже повторит в следующем цикле).")
		return fmt.Sprintf("версия %d НЕ опубликована: сбой на %s", n, strings.Join(failed, ", ")), exitFindings
	}
	fmt.Fprintln(w, "Публикация не удалась на части целей; исправьте причину и повторите perechen publish (служба тоже повторит в следующем цикле).")
	return fmt.Sprintf("версия %d опубликована не везде: НЕ опубликована на %s; опубликована на %s", n, strings.Join(failed, ", "), strings.Join(have, ", ")), exitFindings
}
