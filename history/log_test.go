package history

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleChanges(at time.Time) []Change {
	return []Change{
		{Time: at, Clause: "5.3.1", Kind: TouchpointAdded, Process: "Заказ пропуска", Touchpoint: "Бюро <пропусков>", After: "Офлайн точка"},
		{Time: at, Clause: "5.3.3", Kind: NeedRemoved, Process: "П", Touchpoint: "Т", Before: "строка\nс переносом"},
	}
}

func TestAppendAndReadLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "changes.jsonl")
	if cs, err := ReadLog(path); err != nil || len(cs) != 0 {
		t.Fatalf("missing log = %v, %v; want empty history", cs, err)
	}
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	first := sampleChanges(at)
	second := sampleChanges(at.Add(time.Hour))[:1]
	if err := AppendLog(path, first); err != nil {
		t.Fatal(err)
	}
	if err := AppendLog(path, nil); err != nil {
		t.Fatal(err)
	}
	if err := AppendLog(path, second); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(append([]Change(nil), first...), second...); !reflect.DeepEqual(got, want) {
		t.Errorf("ReadLog = %+v\nwant %+v", got, want)
	}
	data, _ := os.ReadFile(path)
	if lines := strings.Count(string(data), "\n"); lines != 3 || !strings.Contains(string(data), "<пропусков>") {
		t.Errorf("log has %d lines, want 3 JSON lines without HTML escaping:\n%s", lines, data)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
}

func TestCorruptLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "changes.jsonl")
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if err := AppendLog(path, sampleChanges(at)); err != nil {
		t.Fatal(err)
	}
	// A crash tore the last write: half a line, no newline.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2026-11-25T11:00:00Z","clause":"5.3`)
	f.Close()
	if err := AppendLog(path, sampleChanges(at)[:1]); err != nil {
		t.Fatal(err)
	}
	_, err := ReadLog(path)
	if err == nil || !strings.Contains(err.Error(), "строка 3") || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("ReadLog error = %v, want it to name line 3", err)
	}
	cs, bad, err := ReadLogLenient(path)
	if err != nil || bad != 1 || len(cs) != 3 {
		t.Errorf("ReadLogLenient = %d changes, %d bad, %v; want 3 good (the append after the tear survives), 1 bad", len(cs), bad, err)
	}
	// Valid JSON that is not a change is bad too.
	os.WriteFile(path, []byte("{}\n\n[1]\n"), 0o644)
	if _, bad, _ := ReadLogLenient(path); bad != 2 {
		t.Errorf("bad = %d, want 2 (blank lines are not counted)", bad)
	}
}

func TestLogErrors(t *testing.T) {
	dir := t.TempDir()
	// A directory where the log should be.
	if err := AppendLog(dir, sampleChanges(time.Now())); err == nil || !strings.Contains(err.Error(), "журнал изменений") {
		t.Errorf("AppendLog into a directory: %v", err)
	}
	if _, err := ReadLog(dir); err == nil {
		t.Error("ReadLog of a directory must fail")
	}
}
