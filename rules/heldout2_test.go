package rules

import (
	"os"
	"testing"
)

// The second held-out set (testdata/heldout2): registries written by another
// independent reviewer from the two Порядки, issue 13 and docs/rules.md,
// without reading the linter's rules or profiles and without reusing the
// organisations, processes or wordings of testdata/corpus and
// testdata/heldout. It aims at what the earlier sets cover little: title
// blocks with a grif, signature lines and dates, horizontal merges in title
// rows, cells merged over several touchpoints, needs written as the
// Порядок's full sentences with their lists, parts of п. 2.6.5, other needs
// made of known words, the organisation under defined short names and
// abbreviations with region suffixes, touchpoint words inside process names,
// «1)», «01» and «1,00» numbering, headers repeated at several page breaks,
// empty notes and trailing columns, workbooks with hidden reference sheets.
//
// The files use the corpus format (see corpus_test.go) and are read and
// linted by the corpus harness; only the directory differs.
//
// Precision: correct registries (clean/) with no error and no warning (and,
// in a workbook, the right sheet chosen) ÷ correct registries.
// Recall: planted defects (defects/, "# want:") found at their cells ÷
// planted defects.

const (
	heldout2Dir        = "testdata/heldout2"
	heldout2MinClean   = 20
	heldout2MinDefects = 12 // files
	heldout2MinPlanted = 40
	heldout2MinRecall  = 0.95
)

func lintHeldout2(t testing.TB) []*corpusResult {
	t.Helper()
	var out []*corpusResult
	for _, f := range loadCorpusDir(t, heldout2Dir) {
		out = append(out, lintCorpusFile(t, f))
	}
	return out
}

// TestHeldout2Files reports each registry of the second held-out set: false
// findings on the correct ones, missed and unplanted findings on the
// defective ones.
func TestHeldout2Files(t *testing.T) {
	for _, r := range lintHeldout2(t) {
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

// TestHeldout2PrecisionRecall measures the second held-out set and holds
// the bar: precision 100%, recall at least 95%.
func TestHeldout2PrecisionRecall(t *testing.T) {
	rs := lintHeldout2(t)
	c := figures(rs)
	t.Log("\n" + corpusTable(rs, c))
	t.Logf("held-out 2 precision: %d/%d = %.1f%%", c.cleanOK, c.clean, 100*c.precision())
	t.Logf("held-out 2 recall:    %d/%d = %.1f%%", c.found, c.planted, 100*c.recall())
	if path := os.Getenv("PERECHEN_HELDOUT2_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(corpusMarkdown(rs, c)), 0o644); err != nil {
			t.Error(err)
		}
	}
	if c.clean < heldout2MinClean || c.defectFiles < heldout2MinDefects || c.planted < heldout2MinPlanted {
		t.Errorf("held-out 2 set too small: %d clean registries (want ≥ %d), %d defect files (≥ %d), %d planted defects (≥ %d)",
			c.clean, heldout2MinClean, c.defectFiles, heldout2MinDefects, c.planted, heldout2MinPlanted)
	}
	if c.cleanOK != c.clean {
		t.Errorf("precision %.1f%%: %d of %d correct registries get errors or warnings or the wrong sheet (want none)",
			100*c.precision(), c.clean-c.cleanOK, c.clean)
	}
	if c.recall() < heldout2MinRecall {
		t.Errorf("recall %.1f%%: %d of %d planted defects found (want ≥ %.0f%%)",
			100*c.recall(), c.found, c.planted, 100*heldout2MinRecall)
	}
}
