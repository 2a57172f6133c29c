package config

import (
	"strings"
	"testing"
)

// protect_header (perechen setup-sheet) is a Google Sheets key: off unless
// set, a boolean, and unknown under xlsx.
func TestProtectHeader(t *testing.T) {
	src := "sources:\n  - name: g\n    google_sheets: {spreadsheet_id: x, credentials: k.json, protect_header: %s}\n"
	c, err := ParseEnv([]byte(strings.Replace(src, "%s", "true", 1)), "c.yaml", env(nil))
	if err != nil || !c.Sources[0].GoogleSheets.ProtectHeader {
		t.Fatalf("protect_header: true → %v, %+v", err, c)
	}
	c, err = ParseEnv([]byte("sources:\n  - name: g\n    google_sheets: {spreadsheet_id: x, credentials: k.json}\n"), "c.yaml", env(nil))
	if err != nil || c.Sources[0].GoogleSheets.ProtectHeader {
		t.Fatalf("default: %v, %+v", err, c)
	}
	if _, err := ParseEnv([]byte(strings.Replace(src, "%s", "maybe", 1)), "c.yaml", env(nil)); err == nil || !strings.Contains(err.Error(), "protect_header") {
		t.Errorf("a non-boolean accepted: %v", err)
	}
	if _, err := ParseEnv([]byte("sources:\n  - name: a\n    xlsx: {path: x, protect_header: true}\n"), "c.yaml", env(nil)); err == nil {
		t.Error("protect_header accepted under xlsx")
	}
}
