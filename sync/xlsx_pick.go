package sync

import (
	"archive/zip"
	"bytes"
	gosync "sync"

	"github.com/perechen-oiv/perechen/rules"
)

// headerProfile finds the form's header where no profile is given: the
// captions of the form are the same in every embedded profile.
var headerProfile = gosync.OnceValues(func() (*rules.Profile, error) { return rules.LoadProfile(rules.DefaultProfile) })

// ReadXLSXSheet is ReadXLSXBytes that, when no sheet is named, reads the
// sheet that holds the Перечень rather than the first one: workbooks keep
// last year's Перечень, an instruction or a draft beside it, often first
// (rules.PickSheet decides). reason says, in Russian, which sheet was
// read and why; it is empty when the sheet was named or is the only one.
// p may be nil (the default profile's captions).
func ReadXLSXSheet(data []byte, sheet string, p *rules.Profile) (g rules.Grid, reason string, err error) {
	if sheet == "" {
		sheet, reason = pickXLSXSheet(data, p)
	}
	g, err = ReadXLSXBytes(data, sheet)
	return g, reason, err
}

// pickXLSXSheet names the sheet to read ("" for the first) and why. A
// workbook it cannot list, or with one sheet, leaves the choice to
// ReadXLSXBytes, which also words any error.
func pickXLSXSheet(data []byte, p *rules.Profile) (string, string) {
	if len(data) > MaxUnzipSize {
		return "", ""
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", ""
	}
	files := zipIndex(zr)
	sheets, ok := workbookSheets(files)
	if !ok || len(sheets) < 2 {
		return "", ""
	}
	if p == nil {
		if p, err = headerProfile(); err != nil {
			return "", ""
		}
	}
	cands := make([]rules.SheetCandidate, 0, len(sheets))
	for _, s := range sheets {
		g := rules.Grid{Sheet: s.name}
		if s.part != nil {
			if read, ok := scanSheetFast(&sheetZip{files: files, sheet: s.part}); ok && !read.tooMany {
				g.Cells, g.Merges = read.cells, read.merges
			} else if cells, err := ReadXLSXBytes(data, s.name); err == nil {
				g = cells // the scanner declined this sheet's XML: the slow way
			}
		}
		cands = append(cands, rules.SheetCandidate{Grid: g, Hidden: s.hidden})
	}
	choice := rules.PickSheet(cands, p)
	if choice.Index < 0 {
		return "", choice.Reason + "; проверяется первый лист"
	}
	return cands[choice.Index].Grid.Sheet, choice.Reason
}
