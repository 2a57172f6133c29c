package daemon

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/perechen-oiv/perechen/publish"
)

// leftoverRe matches what an interrupted write leaves in a state folder:
// temp files of atomic writes (".last.json.tmp-123") and version folders
// being assembled (".0007.tmp-456").
var leftoverRe = regexp.MustCompile(`^\..+\.tmp-[0-9]+$`)

// removeLeftovers deletes what a run killed mid-write left behind: temp
// files and half-assembled versions in the source's state folder and temp
// files in its local site folders. It runs at start, before any cycle, so
// nothing of this process is in flight; failures are logged, not fatal.
func (r *runner) removeLeftovers() {
	removed, err := r.store.removeLeftovers()
	names := make([]string, len(r.renderers))
	for i, rd := range r.renderers {
		names[i] = rd.FileName()
	}
	for _, t := range r.targets {
		if tr, ok := unwrapTarget(t).(publish.TempRemover); ok {
			gone, terr := tr.RemoveTemps(names)
			removed = append(removed, gone...)
			err = errors.Join(err, terr)
		}
	}
	if len(removed) > 0 {
		r.log.WithField("removed", removed).Info("removed temp files left by an interrupted run")
	}
	if err != nil {
		r.log.WithField("error", err).Warn("could not remove all temp files left by an interrupted run")
	}
}

// unwrapTarget is the target under the retry and state wrappers.
func unwrapTarget(t publish.Target) publish.Target {
	for {
		u, ok := t.(interface{ Unwrap() publish.Target })
		if !ok {
			return t
		}
		t = u.Unwrap()
	}
}

// removeLeftovers deletes temp files in the state folder and temp version
// folders under versions/, and returns their paths. Nothing else matches:
// last.json, changes.jsonl, versions/NNNN and files set aside as corrupt stay.
func (s *store) removeLeftovers() ([]string, error) {
	var removed []string
	var errs []error
	for _, dir := range []string{s.dir, filepath.Join(s.dir, versionsDir)} {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range entries {
			if !leftoverRe.MatchString(e.Name()) || e.Type()&fs.ModeSymlink != 0 {
				continue
			}
			path := filepath.Join(dir, e.Name())
			if err := os.RemoveAll(path); err != nil {
				errs = append(errs, err)
				continue
			}
			removed = append(removed, path)
		}
	}
	return removed, errors.Join(errs...)
}
