package publish

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// TempRemover is a target that can remove the temp files a killed run left
// in it (a daemon calls it at start, before any publish).
type TempRemover interface {
	// RemoveTemps removes the leftovers of atomic writes of the named files
	// (and of their versioned copies) and returns the paths it removed.
	RemoveTemps(names []string) ([]string, error)
}

var _ TempRemover = (*DirTarget)(nil)

// RemoveTemps removes WriteFileAtomic's temp files of the named files and
// of their versioned copies, whatever their age: a run killed mid-publish
// leaves them (".index.html.tmp-123"). Only regular files with exactly
// those names go; a missing folder holds none.
func (t *DirTarget) RemoveTemps(names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	entries, err := os.ReadDir(t.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, t.ioError("прочитать папку", "list folder", t.path, err)
	}
	temps := tempPattern(names, true)
	var removed []string
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !temps.MatchString(e.Name()) {
			continue
		}
		path := filepath.Join(t.path, e.Name())
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, t.ioError("удалить", "remove", e.Name(), err))
			continue
		}
		removed = append(removed, path)
	}
	return removed, errors.Join(errs...)
}
