package rules

import (
	"os"
	"testing"
)

// The third held-out set (testdata/heldout3): registries written by a third
// independent reviewer from the two Порядки, issue 13 and docs/rules.md,
// without reading the linter's rules or profiles and without reusing the
// organisations, processes or wordings of the earlier sets. It stresses
// what they cover little: large registries of a whole ministry (40–80
// processes over IT, бухгалтерия, кадры, АХО, юридический отдел, закупки,
// пресс-служба, охрана труда, архив, each with 1–4 touchpoints and up to 6
// needs) in the merged, flat and needs-in-one-cell layouts; registries kept
// under mimp-mo the way МИМП staff write them after reading their own
// Порядок (only the nine touchpoints of its п. 4, «МСЭД», «МИМП МО»,
// «Офлайн-точка»); editing leftovers that are not defects (empty bordered
// rows and cells) and those that are (notes to the right of the form, a row
// of dashes, a process without touchpoints, a kind against its section, a
// touchpoint outside п. 4); needs with a clarification in brackets; process
// names with «№», numbers, quotes and line breaks; header captions on
// several lines with «(наименование процесса)».
//
// The files use the corpus format (see corpus_test.go) and are read and
// linted by the corpus harness; only the directory differs. The generator
// is kept outside the repository; the files are the fixtures.
//
// Precision: correct registries (clean/) with no error and no warning ÷
// correct registries. Recall: planted defects (defects/, "# want:") found
// at their cells ÷ planted defects.

const (
	heldout3Dir        = "testdata/heldout3"
	heldout3MinClean   = 15
	heldout3MinDefects = 15 // files
	heldout3MinPlanted = 50
	heldout3MinRecall  = 0.95
)

func lintHeldout3(t testing.TB) []*corpusResult {
	t.Helper()
	var out []*corpusResult
	for _, f := range loadCorpusDir(t, heldout3Dir) {
		out = append(out, lintCorpusFile(t, f))
	}
	return out
}

// TestHeldout3Files reports each registry of the third held-out set: false
// findings on the correct ones, missed and unplanted findings on the
// defective ones.
func TestHeldout3Files(t *testing.T) {
	for _, r := range lintHeldout3(t) {
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

// TestHeldout3PrecisionRecall measures the third held-out set and holds the
// bar: precision 100%, recall at least 95%.
func TestHeldout3PrecisionRecall(t *testing.T) {
	rs := lintHeldout3(t)
	c := figures(rs)
	t.Log("\n" + corpusTable(rs, c))
	t.Logf("held-out 3 precision: %d/%d = %.1f%%", c.cleanOK, c.clean, 100*c.precision())
	t.Logf("held-out 3 recall:    %d/%d = %.1f%%", c.found, c.planted, 100*c.recall())
	if path := os.Getenv("PERECHEN_HELDOUT3_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(corpusMarkdown(rs, c)), 0o644); err != nil {
			t.Error(err)
		}
	}
	if c.clean < heldout3MinClean || c.defectFiles < heldout3MinDefects || c.planted < heldout3MinPlanted {
		t.Errorf("held-out 3 set too small: %d clean registries (want ≥ %d), %d defect files (≥ %d), %d planted defects (≥ %d)",
			c.clean, heldout3MinClean, c.defectFiles, heldout3MinDefects, c.planted, heldout3MinPlanted)
	}
	if c.cleanOK != c.clean {
		t.Errorf("precision %.1f%%: %d of %d correct registries get errors or warnings (want none)",
			100*c.precision(), c.clean-c.cleanOK, c.clean)
	}
	if c.recall() < heldout3MinRecall {
		t.Errorf("recall %.1f%%: %d of %d planted defects found (want ≥ %.0f%%)",
			100*c.recall(), c.found, c.planted, 100*heldout3MinRecall)
	}
}
