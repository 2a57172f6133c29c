package publish

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
)

// ExecConfig configures a command run after each render, like
// consul-template's command: a CMS import script, rsync, scp, curl.
type ExecConfig struct {
	Command []string // program and arguments, run without a shell
	// Shell runs Command[0] with sh -c; Command[1:] become $1, $2, …
	Shell   bool
	Timeout time.Duration // 0 means 5 minutes
	// WorkDir receives the rendered files and is the command's working
	// directory; empty means a fresh temp dir removed after the run.
	WorkDir string
	Env     []string           // extra KEY=value on top of perechen's environment
	Logger  logrus.FieldLogger // optional: the command's output is logged here
}

// ExecResult is what one run of the command did.
type ExecResult struct {
	Command  []string
	Dir      string
	Started  time.Time
	Duration time.Duration
	ExitCode int    // -1 when killed or not started
	Output   string // stdout and stderr interleaved, last outputLimit bytes
	TimedOut bool
}

// ExecTarget writes the rendered files to a folder and runs a command that
// takes them from there.
type ExecTarget struct {
	cfg  ExecConfig
	name string

	mu   gosync.Mutex
	last *ExecResult
}

var _ Target = (*ExecTarget)(nil)

const (
	outputLimit = 64 << 10        // output kept per run
	errorLines  = 10              // output lines quoted in an error
	killGrace   = 2 * time.Second // SIGTERM → SIGKILL
)

// NewExecTarget checks the config.
func NewExecTarget(c ExecConfig) (*ExecTarget, error) {
	if len(c.Command) == 0 || strings.TrimSpace(c.Command[0]) == "" {
		return nil, errors.New("exec: не указана command — программа и её аргументы списком, например [\"/usr/local/bin/import.sh\", \"--site\", \"main\"]")
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Minute
	}
	for _, kv := range c.Env {
		if !strings.Contains(kv, "=") {
			return nil, fmt.Errorf("exec %s: переменная окружения %q должна быть вида ИМЯ=значение", c.Command[0], kv)
		}
	}
	if c.WorkDir != "" {
		abs, err := filepath.Abs(c.WorkDir)
		if err != nil {
			return nil, fmt.Errorf("exec %s: work_dir: %w", c.Command[0], err)
		}
		c.WorkDir = abs
	}
	c.Command = append([]string(nil), c.Command...)
	name := "exec:" + c.Command[0]
	if c.Shell {
		name = "exec sh -c " + strconv.Quote(c.Command[0])
	}
	return &ExecTarget{cfg: c, name: name}, nil
}

// Name is "exec <program>".
func (t *ExecTarget) Name() string { return t.name }

// LastResult returns the last run, if any.
func (t *ExecTarget) LastResult() (ExecResult, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		return ExecResult{}, false
	}
	return *t.last, true
}

// Publish writes the files and runs the command; a non-zero exit or a
// timeout is a failed publish.
func (t *ExecTarget) Publish(ctx context.Context, v Version, files []File) error {
	if err := checkFiles(t.name, files); err != nil {
		return err
	}
	dir := t.cfg.WorkDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "perechen-exec-*")
		if err != nil {
			return &TargetError{Target: t.name, Msg: "не удалось создать временную папку", Err: err}
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return &TargetError{Target: t.name, Msg: "не удалось создать work_dir " + dir, Err: err}
	}
	paths := make([]string, 0, len(files))
	env := append(commandEnv(os.Environ()), t.cfg.Env...)
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := WriteFileAtomic(p, f.Data, 0o644); err != nil {
			return &TargetError{Target: t.name, Msg: "не удалось записать " + f.Name, Err: err}
		}
		paths = append(paths, p)
		env = append(env, "PERECHEN_FILE_"+envName(f.Name)+"="+p)
	}
	env = append(env,
		"PERECHEN_SOURCE="+v.Source,
		"PERECHEN_VERSION="+strconv.Itoa(v.Number),
		"PERECHEN_VERSION_TIME="+v.Time.Format(time.RFC3339),
		"PERECHEN_HASH="+v.Hash,
		"PERECHEN_DIR="+dir,
		"PERECHEN_FILES="+strings.Join(paths, " "),
	)
	res := t.run(ctx, dir, env)
	t.mu.Lock()
	t.last = &res
	t.mu.Unlock()
	t.log(v, res)

	switch {
	case res.TimedOut:
		return &TargetError{Target: t.name, Msg: fmt.Sprintf("команда не завершилась за %s и остановлена%s", t.cfg.Timeout, tail(res.Output))}
	case ctx.Err() != nil && res.ExitCode != 0:
		return &TargetError{Target: t.name, Msg: "команда прервана: perechen останавливается", Err: ctx.Err()}
	case res.ExitCode != 0:
		msg := fmt.Sprintf("команда завершилась с кодом %d", res.ExitCode)
		if res.ExitCode == -1 {
			msg = "команду не удалось запустить или она убита сигналом"
		}
		return &TargetError{Target: t.name, Msg: msg + tail(res.Output)}
	}
	return nil
}

func (t *ExecTarget) run(parent context.Context, dir string, env []string) ExecResult {
	argv := t.cfg.Command
	if t.cfg.Shell {
		argv = append([]string{"/bin/sh", "-c", argv[0], "perechen"}, argv[1:]...)
	}
	res := ExecResult{Command: argv, Dir: dir, Started: time.Now(), ExitCode: -1}
	ctx, cancel := context.WithTimeout(parent, t.cfg.Timeout)
	defer cancel()

	out := &tailBuffer{limit: outputLimit}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = out
	cmd.Stderr = out
	// Own process group, so a timeout stops the script and everything it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var killTimer *time.Timer
	cmd.Cancel = func() error {
		pgid := cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		killTimer = time.AfterFunc(killGrace, func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
		return nil
	}
	cmd.WaitDelay = killGrace + time.Second // children holding the output pipe
	err := cmd.Run()
	if killTimer != nil {
		// The group may outlive its leader; make sure nothing stays behind.
		killTimer.Stop()
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	res.Duration = time.Since(res.Started)
	res.Output = out.String()
	// Our timeout, not the caller's deadline or shutdown.
	res.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil
	var ee *exec.ExitError
	switch {
	case err == nil:
		res.ExitCode = 0
	case errors.As(err, &ee):
		res.ExitCode = ee.ExitCode() // -1 when killed by a signal
	default:
		res.Output += "\n" + err.Error()
	}
	return res
}

func (t *ExecTarget) log(v Version, r ExecResult) {
	if t.cfg.Logger == nil {
		return
	}
	l := t.cfg.Logger.WithFields(logrus.Fields{
		"target": t.name, "source": v.Source, "version": v.Number,
		"exit_code": r.ExitCode, "duration": r.Duration.Round(time.Millisecond).String(),
		"timed_out": r.TimedOut, "output": r.Output,
	})
	if r.ExitCode == 0 {
		l.Info("exec target finished")
	} else {
		l.Warn("exec target failed")
	}
}

// envName turns "index.html" into "INDEX_HTML".
func envName(file string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(file) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// tail formats the last lines of output for an error message.
func tail(out string) string {
	out = strings.TrimRight(out, "\n ")
	if out == "" {
		return " (команда ничего не вывела)"
	}
	lines := strings.Split(out, "\n")
	if len(lines) > errorLines {
		lines = lines[len(lines)-errorLines:]
	}
	return "; последние строки вывода:\n" + strings.Join(lines, "\n")
}

// tailBuffer keeps the last limit bytes written to it.
type tailBuffer struct {
	mu    gosync.Mutex
	limit int
	buf   []byte
	cut   bool
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.limit; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
		b.cut = true
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cut {
		return "…" + string(b.buf)
	}
	return string(b.buf)
}

// commandEnv is the part of perechen's environment a publish command gets:
// the basics a script needs, never perechen's own settings — those carry
// secrets (PERECHEN_DAV_PASSWORD, PERECHEN_STATUS_TOKEN, credentials paths).
// A command that needs more gets it through ExecConfig.Env.
func commandEnv(environ []string) []string {
	keep := map[string]bool{"PATH": true, "HOME": true, "USER": true, "LOGNAME": true, "LANG": true, "LANGUAGE": true,
		"TZ": true, "TMPDIR": true, "SHELL": true, "SSL_CERT_FILE": true, "SSL_CERT_DIR": true,
		"HTTP_PROXY": true, "HTTPS_PROXY": true, "NO_PROXY": true, "http_proxy": true, "https_proxy": true, "no_proxy": true}
	out := make([]string, 0, len(keep))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if keep[name] || strings.HasPrefix(name, "LC_") {
			out = append(out, kv)
		}
	}
	return out
}
