package rules

import (
	"os"
	"testing"
)

// The held-out set (testdata/heldout): registries written by an independent
// reviewer from the two Порядки, without looking at the linter's rules or
// profiles, to measure how the linter does on registries it was not tuned
// on. The files use the corpus format (see corpus_test.go) and are read and
// linted by the corpus harness; only the directory differs.
//
// Precision: correct registries (clean/) with no error and no warning (and,
// in a workbook, the right sheet chosen) ÷ correct registries.
// Recall: planted defects (defects/, "# want:") found at their cells ÷
// planted defects.

const (
	heldoutDir        = "testdata/heldout"
	heldoutMinClean   = 20
	heldoutMinDefects = 12 // files
	heldoutMinPlanted = 40
	heldoutMinRecall  = 0.95
)

func lintHeldout(t testing.TB) []*corpusResult {
	t.Helper()
	var out []*corpusResult
	for _, f := range loadCorpusDir(t, heldoutDir) {
		out = append(out, lintCorpusFile(t, f))
	}
	return out
}

// TestHeldoutFiles reports each held-out registry: false findings on the
// correct ones, missed and unplanted findings on the defective ones.
func TestHeldoutFiles(t *testing.T) {
	for _, r := range lintHeldout(t) {
		t.Run(r.file.name, func(t *testing.T) {
			switch {
			case r.file.clean && len(r.file.wants) > 0:
				t.Fatalf("a clean registry cannot want errors or warnings: %q", r.file.wants)
			case !r.file.clean && len(r.file.wants) == 0:
				t.Fatal("a defects file plants no defect")
			}
			reportResult(t, r)
		})
	}
}

// TestHeldoutPrecisionRecall measures the held-out set and holds the bar:
// precision 100%, recall at least 95%.
func TestHeldoutPrecisionRecall(t *testing.T) {
	rs := lintHeldout(t)
	c := figures(rs)
	t.Log("\n" + corpusTable(rs, c))
	t.Logf("held-out precision: %d/%d = %.1f%%", c.cleanOK, c.clean, 100*c.precision())
	t.Logf("held-out recall:    %d/%d = %.1f%%", c.found, c.planted, 100*c.recall())
	if path := os.Getenv("PERECHEN_HELDOUT_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(corpusMarkdown(rs, c)), 0o644); err != nil {
			t.Error(err)
		}
	}
	if c.clean < heldoutMinClean || c.defectFiles < heldoutMinDefects || c.planted < heldoutMinPlanted {
		t.Errorf("held-out set too small: %d clean registries (want ≥ %d), %d defect files (≥ %d), %d planted defects (≥ %d)",
			c.clean, heldoutMinClean, c.defectFiles, heldoutMinDefects, c.planted, heldoutMinPlanted)
	}
	if c.cleanOK != c.clean {
		t.Errorf("precision %.1f%%: %d of %d correct registries get errors or warnings or the wrong sheet (want none)",
			100*c.precision(), c.clean-c.cleanOK, c.clean)
	}
	if c.recall() < heldoutMinRecall {
		t.Errorf("recall %.1f%%: %d of %d planted defects found (want ≥ %.0f%%)",
			100*c.recall(), c.found, c.planted, 100*heldoutMinRecall)
	}
}
