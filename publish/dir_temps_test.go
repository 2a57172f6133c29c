package publish

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDirRemoveTemps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	tgt, err := NewDirTarget(DirConfig{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	if removed, err := tgt.RemoveTemps([]string{"index.html"}); err != nil || len(removed) != 0 {
		t.Fatalf("missing folder: %v %v", removed, err)
	}
	for _, p := range []string{".index.html.tmp-1", ".perechen-2026-11-25-v12.pdf.tmp-3", ".perechen.pdf.tmp-x", ".index.html.tmp-2/keep", "index.html"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := tgt.RemoveTemps([]string{"index.html", "perechen.pdf"})
	if err != nil || len(removed) != 2 {
		t.Fatalf("removed %v, %v", removed, err)
	}
	for _, p := range []string{".perechen.pdf.tmp-x", ".index.html.tmp-2/keep", "index.html"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
}
