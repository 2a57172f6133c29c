package sync

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

func TestXLSXUnchangedMatchesFetch(t *testing.T) {
	ctx := context.Background()
	path := writeTemp(t, "perechen.xlsx", sampleWorkbook(t))
	s, err := NewXLSXSource(XLSXConfig{Path: path, Mode: XLSXModeOff})
	if err != nil {
		t.Fatal(err)
	}
	unchanged := func(hash string) bool {
		t.Helper()
		ok, err := s.Unchanged(ctx, hash)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if unchanged("") || unchanged("abc") {
		t.Fatal("before any Fetch nothing is known to be unchanged")
	}
	snap, err := s.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !unchanged(snap.Hash) {
		t.Error("same file, hash of the last Fetch: want unchanged")
	}
	if unchanged("abc") || unchanged("") {
		t.Error("another hash must not count as unchanged")
	}
	// Touched but the same bytes: the same grid.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if !unchanged(snap.Hash) {
		t.Error("a new mtime with the same bytes must still be unchanged")
	}
	// Another workbook: not unchanged, and the Fetch agrees.
	g := rules.SampleGrid()
	g.Cells[5][2].Value = "СЭД"
	other := gridBytes(t, g)
	if err := os.WriteFile(path, other, 0o644); err != nil {
		t.Fatal(err)
	}
	if unchanged(snap.Hash) {
		t.Error("edited file reported unchanged")
	}
	snap2, err := s.Fetch(ctx)
	if err != nil || snap2.Hash == snap.Hash {
		t.Fatalf("fetch after the edit: %v, same hash %v", err, snap2 != nil && snap2.Hash == snap.Hash)
	}
	if !unchanged(snap2.Hash) {
		t.Error("after the new Fetch the file is unchanged again")
	}
	// Gone: the Fetch's error, in Russian.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unchanged(ctx, snap2.Hash); err == nil || !strings.Contains(err.Error(), "не найден") {
		t.Errorf("missing file: %v", err)
	}
}
