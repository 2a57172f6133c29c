package publish

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// mkdirPublic creates dir and any missing parents world-readable (0755)
// whatever the process umask: the systemd unit runs with UMask=0027 to keep
// the state private, and a site folder created under it would be 0750 —
// unreadable for the web server. Folders that already exist keep their mode.
func mkdirPublic(dir string) error {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, d := range missing {
		if err := os.Chmod(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}
