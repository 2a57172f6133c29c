package daemon

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/publish"
)

// TestStartRemovesLeftoversOfAKilledRun: temp files and half-assembled
// versions a killed run left in the state folder and the local site folder
// are removed when the daemon starts (not in a dry run); everything else
// stays.
func TestStartRemovesLeftoversOfAKilledRun(t *testing.T) {
	for _, dry := range []bool{false, true} {
		f := newFixture(t)
		site := filepath.Join(t.TempDir(), "site")
		f.deps.NewTargets = func(config.Source) ([]publish.Target, error) {
			dt, err := publish.NewDirTarget(publish.DirConfig{Path: site})
			return []publish.Target{publish.NewTracked(dt, publish.RetryPolicy{Attempts: 1})}, err
		}
		state := filepath.Join(f.cfg.StateDir, "a")
		leftovers := map[string]bool{ // path → is a leftover
			filepath.Join(state, ".last.json.tmp-2874621"):                        true,
			filepath.Join(state, "versions", ".0003.tmp-1234567", "perechen.pdf"): true,
			filepath.Join(site, ".perechen.html.tmp-99"):                          true,
			filepath.Join(site, ".perechen.pdf.tmp-42"):                           true,
			filepath.Join(site, ".perechen-2026-11-25-v3.pdf.tmp-7"):              true,
			filepath.Join(state, "last.json.corrupt-20261123T100000.000000000Z"):  false,
			filepath.Join(state, "changes.jsonl"):                                 false,
			filepath.Join(state, "versions", "0002", "perechen.pdf"):              false,
			filepath.Join(site, "index.html"):                                     false,
			filepath.Join(site, ".notes.txt.tmp-5"):                               false, // not a file perechen publishes
			filepath.Join(site, "perechen-2026-11-24-v2.pdf"):                     false,
		}
		for p := range leftovers {
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		var opts []Option
		if dry {
			opts = append(opts, WithDryRun())
		}
		f.daemon(opts...)
		for p, gone := range leftovers {
			_, err := os.Stat(p)
			if exists := err == nil; exists == (gone && !dry) {
				t.Errorf("dry run %v: %s exists: %v", dry, p, exists)
			}
		}
		if _, err := os.Stat(filepath.Join(state, "versions", ".0003.tmp-1234567")); err == nil && !dry {
			t.Error("the temp version folder stays")
		}
		logged := slices.ContainsFunc(f.logs.AllEntries(), func(e *logrus.Entry) bool {
			return e.Message == "removed temp files left by an interrupted run"
		})
		if logged == dry {
			t.Errorf("dry run %v: removal logged %v", dry, logged)
		}
	}
}
