//go:build unix

package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockFile serialises the writers of a source's state directory across
// processes: the daemon and `perechen approve`.
const lockFile = ".lock"

// lockState takes an exclusive (or shared) flock on dir/.lock, waiting for
// it; unlock releases it.
func lockState(dir string, exclusive bool) (unlock func(), err error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, filePerm)
	if err != nil {
		return nil, fmt.Errorf("блокировка состояния %s не получена: %w", path, err)
	}
	matchOwner(path, dir)
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("блокировка состояния %s не получена: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// matchOwner gives a file root just created in the daemon's state directory
// to the directory's owner: `sudo perechen approve` must not leave a file
// the service user cannot write.
func matchOwner(path, dir string) {
	if os.Geteuid() != 0 {
		return
	}
	di, err := os.Stat(dir)
	if err != nil {
		return
	}
	st, ok := di.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == 0 {
		return
	}
	if fi, err := os.Stat(path); err == nil {
		if fs, ok := fi.Sys().(*syscall.Stat_t); ok && fs.Uid == 0 {
			_ = os.Chown(path, int(st.Uid), int(st.Gid))
		}
	}
}
