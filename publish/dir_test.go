package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

func version(n int, day string) Version {
	t, err := time.Parse("2006-01-02 15:04", day+" 12:00")
	if err != nil {
		panic(err)
	}
	return Version{Source: "mimp", Number: n, Time: t}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func TestDirPublish(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "www", "perechen", "mimp")
	target, err := NewDirTarget(DirConfig{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("NewDirTarget must not touch the disk")
	}
	if target.Name() != "dir:"+dir {
		t.Errorf("Name = %q", target.Name())
	}
	files := []File{
		{Name: "index.html", Data: []byte("<html>v1</html>")},
		{Name: "perechen.pdf", Data: []byte("%PDF v1")},
		{Name: "perechen.csv", Data: []byte("a;b\n")},
	}
	if err := target.Publish(context.Background(), version(1, "2026-11-25"), files); err != nil {
		t.Fatal(err)
	}
	want := []string{"index.html", "perechen-2026-11-25-v1.csv", "perechen-2026-11-25-v1.pdf", "perechen.csv", "perechen.pdf"}
	if got := listDir(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("folder = %v, want %v (no versioned copy of index.html, no temp files)", got, want)
	}
	for _, name := range want {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v, mode %v; want 0644", name, err, st.Mode().Perm())
		}
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o755 {
		t.Errorf("folder mode %v, want 0755", st.Mode().Perm())
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "perechen-2026-11-25-v1.pdf")); string(data) != "%PDF v1" {
		t.Errorf("versioned copy = %q", data)
	}
	// The next version replaces the documents and adds copies.
	files[1].Data = []byte("%PDF v2")
	if err := target.Publish(context.Background(), version(2, "2026-11-26"), files); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "perechen.pdf")); string(data) != "%PDF v2" {
		t.Errorf("perechen.pdf = %q", data)
	}
	if got := len(listDir(t, dir)); got != 7 {
		t.Errorf("Keep 0 keeps every copy: %d files, want 7", got)
	}
}

func TestDirPruneKeepsOnlyOwnCopies(t *testing.T) {
	dir := t.TempDir()
	foreign := []string{
		"perechen-old.pdf",
		"perechen-2026-11-20-v1.pdf.bak",
		"perechen-2026-13-40-v9.pdf", // not a date
		"perechen-2026-11-20-v01.pdf",
		"other-2026-11-20-v1.pdf",
		"perechen-2026-11-20-v1.PDF",
		"index-2026-11-20-v1.html", // index.html has no copies, so none are pruned
		".perechen.pdf.tmp-123",    // a fresh temp file may belong to a running publish
		"notes.txt",
	}
	for _, name := range foreign {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("theirs"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A directory with a versioned name is not removed either.
	if err := os.Mkdir(filepath.Join(dir, "perechen-2026-01-01-v1.pdf"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A stale temp file of ours is cleaned up.
	stale := filepath.Join(dir, ".perechen.pdf.tmp-987")
	os.WriteFile(stale, []byte("half"), 0o600)
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, old, old)

	target, err := NewDirTarget(DirConfig{Path: dir, Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 5; n++ {
		files := []File{{Name: "index.html", Data: []byte("i")}, {Name: "perechen.pdf", Data: []byte{byte(n)}}}
		if err := target.Publish(context.Background(), version(n, fmt.Sprintf("2026-11-%02d", 20+n)), files); err != nil {
			t.Fatal(err)
		}
	}
	got := listDir(t, dir)
	want := append([]string{"index.html", "perechen-2026-01-01-v1.pdf", "perechen-2026-11-24-v4.pdf", "perechen-2026-11-25-v5.pdf", "perechen.pdf"}, foreign...)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("folder:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, name := range foreign {
		if data, _ := os.ReadFile(filepath.Join(dir, name)); string(data) != "theirs" {
			t.Errorf("%s was touched", name)
		}
	}

	// State lost: numbering restarts at 1 with a later date. The new copy
	// is kept, the dates decide which old ones go.
	target1, _ := NewDirTarget(DirConfig{Path: dir, Keep: 1})
	if err := target1.Publish(context.Background(), version(1, "2026-12-01"), []File{{Name: "perechen.pdf", Data: []byte("new")}}); err != nil {
		t.Fatal(err)
	}
	var copies []string
	for _, name := range listDir(t, dir) {
		if versionedPattern("perechen.pdf").MatchString(name) && name != "perechen-2026-13-40-v9.pdf" {
			copies = append(copies, name)
		}
	}
	if strings.Join(copies, " ") != "perechen-2026-01-01-v1.pdf perechen-2026-12-01-v1.pdf" {
		t.Errorf("after restart copies = %v, want the new v1 (and the foreign directory)", copies)
	}
}

func TestDirErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := NewDirTarget(DirConfig{}); err == nil {
		t.Error("empty path accepted")
	}
	if _, err := NewDirTarget(DirConfig{Path: dir, Keep: -1}); err == nil || !strings.Contains(err.Error(), "keep") {
		t.Errorf("negative keep: %v", err)
	}
	target, _ := NewDirTarget(DirConfig{Path: dir})
	ok := []File{{Name: "index.html", Data: []byte("x")}}
	for _, files := range [][]File{
		nil,
		{{Name: "../index.html"}},
		{{Name: "a/b.pdf"}},
		{{Name: `a\b.pdf`}},
		{{Name: ".htaccess"}},
		{{Name: ".."}},
		{{Name: "index.html"}, {Name: "index.html"}},
	} {
		if err := target.Publish(context.Background(), version(1, "2026-11-25"), files); err == nil {
			t.Errorf("files %v accepted", files)
		}
	}
	if err := target.Publish(context.Background(), Version{Number: 1}, ok); err == nil {
		t.Error("version without time accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := target.Publish(ctx, version(1, "2026-11-25"), ok); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled publish: %v", err)
	}
	if got := listDir(t, dir); len(got) != 0 {
		t.Errorf("failed publishes wrote %v", got)
	}

	// A file where the folder should be: the error names the target and says why.
	blocker := filepath.Join(dir, "site")
	os.WriteFile(blocker, nil, 0o644)
	bad, _ := NewDirTarget(DirConfig{Path: filepath.Join(blocker, "mimp")})
	err := bad.Publish(context.Background(), version(1, "2026-11-25"), ok)
	if err == nil || !strings.Contains(err.Error(), "папка публикации "+filepath.Join(blocker, "mimp")) ||
		!strings.Contains(err.Error(), "в пути вместо папки находится файл") || !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("error = %v", err)
	}

	// Permission denied, where the test user is subject to permissions.
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		t.Cleanup(func() { os.Chmod(ro, 0o755) })
		target, _ := NewDirTarget(DirConfig{Path: ro})
		err := target.Publish(context.Background(), version(1, "2026-11-25"), ok)
		if err == nil || !strings.Contains(err.Error(), "нет прав на запись") || !errors.Is(err, fs.ErrPermission) {
			t.Errorf("read-only folder: %v", err)
		}
	}
}

func TestIOReason(t *testing.T) {
	for errno, want := range map[syscall.Errno]string{
		syscall.ENOSPC: "нет места на диске",
		syscall.EDQUOT: "квота",
		syscall.EROFS:  "только для чтения",
		syscall.EACCES: "нет прав на запись",
		syscall.EPERM:  "нет прав на запись",
		syscall.EIO:    "ошибка ввода-вывода",
	} {
		err := fmt.Errorf("write: %w", &fs.PathError{Op: "write", Path: "/x", Err: errno})
		if got := ioReason(err); !strings.Contains(got, want) {
			t.Errorf("ioReason(%v) = %q, want %q", errno, got, want)
		}
	}
	target, _ := NewDirTarget(DirConfig{Path: "/srv/www"})
	err := target.ioError("записать", "write", "perechen.pdf", &fs.PathError{Op: "write", Path: "/srv/www/x", Err: syscall.ENOSPC})
	want := "папка публикации /srv/www: не удалось записать «perechen.pdf» — нет места на диске / dir target /srv/www: write perechen.pdf: write /srv/www/x: no space left on device"
	if err.Error() != want || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
}
