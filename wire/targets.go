package wire

import (
	"fmt"
	"time"

	"github.com/perechen-oiv/perechen/calendar"
	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/daemon"
	"github.com/perechen-oiv/perechen/history"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
)

// Retries inside one cycle; the daemon retries a failed target next cycle anyway.
var targetRetry = publish.RetryPolicy{Attempts: 3, Backoff: 2 * time.Second}

// Targets turns a source's publish entries into targets, in order.
func Targets(s config.Source) ([]publish.Target, error) {
	targets := make([]publish.Target, 0, len(s.Publish))
	for i, p := range s.Publish {
		t, err := target(p)
		if err != nil {
			return nil, fmt.Errorf("источник %q, publish[%d] (%s): %w", s.Name, i, p.Kind(), err)
		}
		targets = append(targets, publish.NewTracked(t, targetRetry))
	}
	return targets, nil
}

func target(p config.Publish) (publish.Target, error) {
	switch {
	case p.Dir != nil:
		return publish.NewDirTarget(publish.DirConfig{Path: p.Dir.Path, Keep: p.Dir.Keep})
	case p.WebDAV != nil:
		w := p.WebDAV
		return publish.NewWebDAVTarget(publish.WebDAVConfig{URL: w.URL, Username: w.Username, Password: w.Password, CAFile: w.CAFile, AllowHTTP: w.AllowHTTP})
	case p.SFTP != nil:
		s := p.SFTP
		return publish.NewSFTPTarget(publish.SFTPConfig{Addr: s.Addr, User: s.User, Dir: s.Dir, KeyFile: s.KeyFile, Password: s.Password,
			KnownHosts: s.KnownHosts, HostKeyFingerprint: s.HostKeyFingerprint, Mode: s.Mode})
	case p.Exec != nil:
		return publish.NewExecTarget(publish.ExecConfig{Command: p.Exec.Command, Shell: p.Exec.Shell, Timeout: p.Exec.Timeout})
	}
	return nil, fmt.Errorf("не указан вид публикации (dir, webdav, sftp или exec)")
}

// Renderers returns one renderer per format name.
func Renderers(formats []string) ([]render.Renderer, error) { return render.ByFormats(formats) }

// Diff adapts history.Diff to the daemon's Change.
func Diff(old, new *rules.Registry, p *rules.Profile) []daemon.Change {
	hs := history.Diff(old, new, p)
	out := make([]daemon.Change, len(hs))
	for i, c := range hs {
		out[i] = daemon.Change{Time: c.Time, Clause: c.Clause, Kind: c.Kind, Process: c.Process,
			Touchpoint: c.Touchpoint, Before: c.Before, After: c.After, Russian: c.Russian()}
	}
	return out
}

// LoadCalendar reads a production calendar file (calendar.Load) for the daemon.
func LoadCalendar(path string) (daemon.WorkingDays, error) {
	c, err := calendar.Load(path)
	if err != nil {
		return nil, err
	}
	return c, nil
}
