package sync

import (
	"archive/zip"
	"bytes"
	"path"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// fastRead is what ReadXLSXBytes learns without excelize.
type fastRead struct {
	grid     rules.Grid // the sheet's values and merges, no notes; valid when scanned
	scanned  bool       // the scanner read the sheet
	comments bool       // the sheet has comments: its notes need excelize
	err      error      // a refusal (more than MaxRows rows)
}

// readXLSXFast reads a workbook without excelize as far as it can: the zip
// and workbook parts open, the sheet exists and the scanner covers its
// XML. Opening with excelize unpacks every part, a third of the time for
// a 10,000-row form, so it is opened only for what is left: a sheet with
// comments (notes come from excelize's comment reader, the values from
// here), or one the scanner declined (excelize then also words the errors).
func readXLSXFast(data []byte, sheet string) fastRead {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fastRead{}
	}
	files := zipIndex(zr)
	sheets, found := workbookSheets(files)
	if !found || len(sheets) == 0 {
		return fastRead{}
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
	if part == nil {
		return fastRead{}
	}
	s, scanned := scanSheetFast(&sheetZip{files: files, sheet: part})
	switch {
	case !scanned:
		return fastRead{}
	case s.tooMany:
		return fastRead{err: errTooManyRows(sheet)}
	}
	return fastRead{
		grid:     rules.Grid{Sheet: sheet, Cells: s.cells, Merges: s.merges},
		scanned:  true,
		comments: hasCommentsPart(files, part),
	}
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
