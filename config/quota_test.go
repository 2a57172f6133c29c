package config

import (
	"strings"
	"testing"
)

func TestSheetsQuotaPerMinute(t *testing.T) {
	c, err := ParseEnv([]byte(minimal), "c.yaml", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SheetsQuotaPerMinute != DefaultSheetsQuotaPerMinute {
		t.Errorf("default sheets_quota_per_minute = %d, want %d", c.SheetsQuotaPerMinute, DefaultSheetsQuotaPerMinute)
	}
	c, err = ParseEnv([]byte("sheets_quota_per_minute: 300\n"+minimal), "c.yaml", env(nil))
	if err != nil || c.SheetsQuotaPerMinute != 300 {
		t.Fatalf("sheets_quota_per_minute: 300 → %d, %v", c.SheetsQuotaPerMinute, err)
	}
	for in, want := range map[string]string{
		"interval: 30s\nsheets_quota_per_minute: 0\n": "c.yaml:2: sheets_quota_per_minute: must be at least 1, got 0",
		"sheets_quota_per_minute: -5\n":               "c.yaml:1: sheets_quota_per_minute: must be at least 1, got -5",
		"sheets_quota_per_minute: lots\n":             `c.yaml:1: sheets_quota_per_minute: "lots" is not a whole number`,
		"sheets_quota_per_minute: [60]\n":             "c.yaml:1: sheets_quota_per_minute:",
	} {
		_, err := ParseEnv([]byte(in+minimal), "c.yaml", env(nil))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error containing %q", in, err, want)
		}
	}
}
