package publish

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
)

// TargetError is a failed publish, worded for the staff who read the status
// page: it names the target and says how to fix the problem. It never
// carries a password.
type TargetError struct {
	Target string // the target's Name()
	Msg    string // Russian description with the fix
	Err    error  // underlying cause, may be nil
	// Fatal marks errors that a retry cannot fix (wrong password, changed
	// host key, bad config); Tracked does not retry them within a cycle.
	Fatal bool
}

func (e *TargetError) Error() string {
	s := fmt.Sprintf("публикация в «%s»: %s", e.Target, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *TargetError) Unwrap() error { return e.Err }

// isFatal reports whether err is marked as not worth retrying.
func isFatal(err error) bool {
	var te *TargetError
	return errors.As(err, &te) && te.Fatal
}

// tempName is the hidden name a file is uploaded under before it is moved
// over the real one: ".index.html.tmp-1f2e3d4c5b6a7988".
func tempName(name string) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "." + name + ".tmp-" + hex.EncodeToString(b[:])
}

// moveOrder returns files in the order their final names should appear:
// everything else first, index.html last, so the page never links to a
// file that is not there yet.
func moveOrder(files []File) []File {
	out := append([]File(nil), files...)
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Name != "index.html" && out[j].Name == "index.html"
	})
	return out
}

// checkFiles rejects names that are not plain file names.
func checkFiles(target string, files []File) error {
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if !validFileName(f.Name) {
			return &TargetError{Target: target, Msg: fmt.Sprintf("недопустимое имя файла %q: нужно простое имя без каталогов", f.Name), Fatal: true}
		}
		if seen[f.Name] {
			return &TargetError{Target: target, Msg: fmt.Sprintf("файл %q передан дважды", f.Name), Fatal: true}
		}
		seen[f.Name] = true
	}
	return nil
}

func validFileName(name string) bool {
	if name == "" || name == "." || name == ".." || len(name) > 255 {
		return false
	}
	for _, r := range name {
		if r == '/' || r == '\\' || r == 0 || r < 0x20 {
			return false
		}
	}
	return true
}
