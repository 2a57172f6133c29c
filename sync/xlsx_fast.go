package sync

import (
	"archive/zip"
	"bytes"
	"path"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// readXLSXFast reads a workbook without excelize when nothing in it needs
// excelize: the zip and workbook parts open, the sheet exists, its parts fit
// in memory and hold what the scanner covers, and it has no comments
// (notes come from excelize's comment reader). Opening with excelize
// unpacks every part, a third of the time for a 10,000-row form. ok is
// false to let ReadXLSX take the full way, which also words the errors.
func readXLSXFast(data []byte, sheet string) (g rules.Grid, ok bool, err error) {
	zr, zerr := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if zerr != nil {
		return rules.Grid{}, false, nil
	}
	files := zipIndex(zr)
	sheets, found := workbookSheets(files)
	if !found || len(sheets) == 0 {
		return rules.Grid{}, false, nil
	}
	var part *zip.File
	if sheet == "" {
		sheet, part = sheets[0].name, sheets[0].part
	} else {
		for _, s := range sheets {
			if s.name == sheet {
				part = s.part
				break
			}
		}
	}
	if part == nil || hasCommentsPart(files, part) {
		return rules.Grid{}, false, nil
	}
	s, scanned := scanSheetFast(&sheetZip{files: files, sheet: part})
	switch {
	case !scanned:
		return rules.Grid{}, false, nil
	case s.tooMany:
		return rules.Grid{}, true, errTooManyRows(sheet)
	}
	return rules.Grid{Sheet: sheet, Cells: s.cells, Merges: s.merges}, true, nil
}

// hasCommentsPart: the sheet's relationships name a comments part (or
// cannot be read, which leaves the decision to excelize too).
func hasCommentsPart(files map[string]*zip.File, part *zip.File) bool {
	name := strings.ToLower(strings.TrimPrefix(part.Name, "/"))
	rels := files[path.Join(path.Dir(name), "_rels", path.Base(name)+".rels")]
	if rels == nil {
		return false
	}
	var doc struct {
		Rels []struct {
			Type string `xml:"Type,attr"`
		} `xml:"Relationship"`
	}
	if decodePart(rels, &doc) != nil {
		return true
	}
	for _, r := range doc.Rels {
		if strings.Contains(strings.ToLower(r.Type), "comments") {
			return true
		}
	}
	return false
}
