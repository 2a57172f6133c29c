package sync

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/rules"
)

// sheetZip is the workbook's zip, opened once for the fast readers: its
// parts by lower-case name and the part of the sheet being read.
type sheetZip struct {
	files map[string]*zip.File
	sheet *zip.File
}

// openSheetZip locates the sheet's part; nil when the zip or the part cannot
// be found, and the callers leave everything to excelize.
func openSheetZip(data []byte, sheet string) *sheetZip {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	files := zipIndex(zr)
	part := sheetPart(files, sheet)
	if part == nil {
		return nil
	}
	return &sheetZip{files: files, sheet: part}
}

// readMergesFast streams the sheet's <mergeCells> straight from the zip.
// excelize's GetMergeCells compares every merged range with every other
// one, which takes seconds for a 10,000-row form with thousands of merges;
// this is linear. ok is false when the part cannot be read, and the caller
// falls back to excelize.
func readMergesFast(part *zip.File) (merges []rules.Range, ok bool, err error) {
	rc, err := part.Open()
	if err != nil {
		return nil, false, nil
	}
	defer rc.Close()
	rest, found, err := skipTo(rc, []byte("mergeCell"))
	if err != nil {
		return nil, false, nil
	}
	if !found {
		return nil, true, nil
	}
	dec := xml.NewDecoder(io.LimitReader(rest, MaxUnzipSize))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return merges, true, nil
		}
		if err != nil {
			// The pattern may have matched cell text; let excelize decide.
			return nil, false, nil
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "mergeCells" {
				return merges, true, nil
			}
		case xml.StartElement:
			if t.Name.Local != "mergeCell" {
				continue
			}
			for _, a := range t.Attr {
				if a.Name.Local == "ref" {
					if r, ok := parseRangeRef(a.Value); ok {
						merges = append(merges, r)
					}
				}
			}
		}
	}
}

// skipTo reads r up to the '<' that opens the first tag whose name contains
// pat and returns a reader positioned there. Scanning raw bytes is what
// keeps this fast: the XML decoder never sees the (large) sheetData.
func skipTo(r io.Reader, pat []byte) (io.Reader, bool, error) {
	const keep = 64 // enough for a namespace prefix before the name
	buf := make([]byte, 0, 64<<10+keep)
	chunk := make([]byte, 64<<10)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if i := bytes.Index(buf, pat); i >= 0 {
			if lt := bytes.LastIndexByte(buf[:i], '<'); lt >= 0 {
				return io.MultiReader(bytes.NewReader(buf[lt:]), r), true, nil
			}
		}
		if err == io.EOF {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if len(buf) > keep {
			buf = append(buf[:0], buf[len(buf)-keep:]...)
		}
	}
}

// parseRangeRef turns "B2:B4" into a 0-based Range.
func parseRangeRef(ref string) (rules.Range, bool) {
	from, to, found := strings.Cut(ref, ":")
	if !found {
		to = from
	}
	c0, r0, err1 := excelize.CellNameToCoordinates(from)
	c1, r1, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil {
		return rules.Range{}, false
	}
	return rules.Range{Row0: min(r0, r1) - 1, Col0: min(c0, c1) - 1, Row1: max(r0, r1) - 1, Col1: max(c0, c1) - 1}, true
}

// workbookSheet is one sheet of xl/workbook.xml with its part.
type workbookSheet struct {
	name   string
	part   *zip.File // nil when the relationship points nowhere
	hidden bool      // state="hidden" or "veryHidden"
}

// workbookSheets lists the sheets in workbook order with their parts,
// through xl/workbook.xml and its relationships; ok is false when those
// parts are missing or unreadable (excelize then decides).
func workbookSheets(files map[string]*zip.File) ([]workbookSheet, bool) {
	var wb struct {
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if decodePart(files["xl/workbook.xml"], &wb) != nil || decodePart(files["xl/_rels/workbook.xml.rels"], &rels) != nil {
		return nil, false
	}
	out := make([]workbookSheet, 0, len(wb.Sheets))
	for _, s := range wb.Sheets {
		ws := workbookSheet{name: s.Name, hidden: s.State == "hidden" || s.State == "veryHidden"}
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				ws.part = files[strings.ToLower(partPath("xl", r.Target))]
				break
			}
		}
		out = append(out, ws)
	}
	return out, true
}

// partPath resolves a relationship target against the folder of the part
// that holds the relationship.
func partPath(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(dir, target)
}

// sheetPart finds the worksheet part of a sheet by name.
func sheetPart(files map[string]*zip.File, sheet string) *zip.File {
	sheets, _ := workbookSheets(files)
	for _, s := range sheets {
		if s.name == sheet {
			return s.part
		}
	}
	return nil
}

func decodePart(f *zip.File, v any) error {
	if f == nil {
		return io.ErrUnexpectedEOF
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, MaxUnzipXMLSize)).Decode(v)
}

// tooManyRows streams the sheet part and counts <row> tags, so a sheet
// filled to Excel's last row is refused in a fraction of a second instead
// of after excelize has decoded 200,000 rows. Unknown layout → false, and
// the row cap in readValues still holds.
func tooManyRows(part *zip.File, limit int) bool {
	rc, err := part.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	buf := make([]byte, 256<<10)
	var tail []byte // the last bytes of the previous chunk, so a tag cut in two still counts
	rows := 0
	for {
		n, err := rc.Read(buf)
		window := append(tail, buf[:n]...)
		rows += countRowTags(window) - countRowTags(tail)
		if rows > limit {
			return true
		}
		if err != nil {
			return false
		}
		tail = append(tail[:0], window[max(0, len(window)-8):]...)
	}
}

// countRowTags counts row start tags: "<row" or a namespace-prefixed
// ":row" followed by a space, '>' or "/>". Text cannot hold a raw '<', so
// only tags match the first form; the second may overcount text, which
// only errs towards refusing earlier.
func countRowTags(b []byte) int {
	n := 0
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("row"))
		if j < 0 {
			return n
		}
		k := i + j
		if k > 0 && (b[k-1] == '<' || b[k-1] == ':') && k+3 < len(b) {
			if c := b[k+3]; c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r' {
				n++
			}
		}
		i = k + 3
	}
}
