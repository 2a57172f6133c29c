package wire

import (
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/rules"
)

// DemoConfig runs the embedded sample as an XLSX source in copy mode,
// publishing into dir/site with the status page on localhost
// (`perechen run --demo DIR`, `make run`).
func DemoConfig(dir string) *config.Config {
	return &config.Config{
		Interval: 10 * time.Second, Jitter: time.Second, StateDir: filepath.Join(dir, "state"),
		Status:              config.Status{Listen: config.DefaultListen, Refresh: 10 * time.Second},
		Log:                 config.Log{Level: "info", Format: "text"},
		DeadlineWorkingDays: config.DefaultDeadlineWorkingDays, DeadlineWarnDays: config.DefaultDeadlineWarnDays,
		ShutdownTimeout: 10 * time.Second, GCPercent: config.DefaultGCPercent,
		Sources: []config.Source{{
			Name: "demo", Profile: rules.DefaultProfile, Organisation: "Образец: типовая форма Перечня (п. 4.3 Порядка)",
			XLSX:  &config.XLSX{Path: filepath.Join(dir, "perechen.xlsx"), Notes: "copy"},
			Notes: true, NoteLevel: "warning", Formats: config.KnownFormats(), BlockOn: "error",
			Publish: []config.Publish{{Dir: &config.DirTarget{Path: filepath.Join(dir, "site"), Keep: config.DefaultDirKeep}}},
		}},
	}
}

// PrepareDemo creates dir and, unless one is there, writes the embedded
// sample registry as dir/perechen.xlsx for staff to edit — with the three
// slips of rules.SampleGridWithSlips, so the annotated copy shows notes.
func PrepareDemo(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "site"), 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, "perechen.xlsx")
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	return WriteGridWorkbook(path, rules.SampleGridWithSlips())
}

// WriteGridWorkbook writes a grid's values and merges as a one-sheet XLSX
// workbook, atomically.
func WriteGridWorkbook(path string, g rules.Grid) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", g.Sheet); err != nil {
		return err
	}
	for r, row := range g.Cells {
		for c, cell := range row {
			if cell.Value == "" {
				continue
			}
			name, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(g.Sheet, name, cell.Value); err != nil {
				return err
			}
		}
	}
	for _, m := range g.Merges {
		a, _ := excelize.CoordinatesToCellName(m.Col0+1, m.Row0+1)
		b, _ := excelize.CoordinatesToCellName(m.Col1+1, m.Row1+1)
		if err := f.MergeCell(g.Sheet, a, b); err != nil {
			return err
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	return publish.WriteFileAtomic(path, buf.Bytes(), 0o644)
}
