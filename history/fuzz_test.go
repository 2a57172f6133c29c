package history

import (
	"bytes"
	"testing"
)

// The log reader never panics and counts every non-blank line as good or bad.
func FuzzChangeLog(f *testing.F) {
	f.Add([]byte(`{"time":"2026-11-25T10:00:00Z","clause":"5.3.1","kind":"touchpoint_added","process":"П"}` + "\n"))
	f.Add([]byte("{}\n\n[1]\n{\"kind\":\"x\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := 0
		for _, l := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				lines++
			}
		}
		seen := 0
		err := parseLog(bytes.NewReader(data), func(_ int, c Change, err error) error {
			seen++
			if err == nil && c.Kind == "" {
				t.Error("a change without kind passed")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if seen != lines {
			t.Errorf("saw %d lines, want %d", seen, lines)
		}
	})
}
