package publish

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestDirPublishWorldReadableUnderStrictUmask: under the unit's UMask=0027
// the site folders perechen creates are still 0755 and the files 0644, so
// the web server (another user) can read them.
func TestDirPublishWorldReadableUnderStrictUmask(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	root := t.TempDir()
	site := filepath.Join(root, "www", "perechen", "mimp")
	target, err := NewDirTarget(DirConfig{Path: site, Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	files := []File{{Name: "index.html", Data: []byte("<p>x</p>")}, {Name: "perechen.pdf", Data: []byte("%PDF")}}
	if err := target.Publish(context.Background(), Version{Number: 1, Time: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}, files); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(root, "www"), filepath.Join(root, "www", "perechen"), site} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o755 {
			t.Errorf("folder %s: %v %v, want 0755", d, fi.Mode().Perm(), err)
		}
	}
	entries, err := os.ReadDir(site)
	if err != nil || len(entries) < 2 {
		t.Fatalf("%v %d entries", err, len(entries))
	}
	for _, e := range entries {
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v, want 0644", e.Name(), fi.Mode().Perm())
		}
	}
}
