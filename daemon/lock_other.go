//go:build !unix

package daemon

import "errors"

const lockFile = ".lock"

// lockState needs flock; perechen's service runs on Linux.
func lockState(string, bool) (func(), error) {
	return nil, errors.New("locking the state directory needs a Unix system")
}

func matchOwner(string, string) {}
