package sync

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/rules"
)

// readValuesFast reads cell values straight from the sheet XML. It covers
// what a Перечень holds — text (shared, inline, formula results), integers
// and booleans in General format — and gives up (ok false) on anything whose
// shown text depends on number formatting (decimals, dates, styled numbers)
// or on any XML it does not expect; the caller then uses excelize, which
// formats everything. Reading this way is several times faster than
// excelize's row iterator, which decodes and formats every cell.
func readValuesFast(z *sheetZip) (cells [][]rules.Cell, ok bool) {
	shared, ok := readSharedStrings(z.files["xl/sharedstrings.xml"])
	if !ok {
		return nil, false
	}
	numFmts, ok := readCellNumFmts(z.files["xl/styles.xml"])
	if !ok {
		return nil, false
	}
	rc, err := z.sheet.Open()
	if err != nil {
		return nil, false
	}
	defer rc.Close()
	r := &sheetReader{dec: xml.NewDecoder(io.LimitReader(rc, MaxUnzipSize)), cellValues: cellValues{shared: shared, numFmts: numFmts}}
	return r.read()
}

func zipIndex(zr *zip.Reader) map[string]*zip.File {
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	return files
}

// readSharedStrings returns the shared string table (a workbook without one
// is fine). Rich-text runs are joined; phonetic runs are skipped as Excel does.
func readSharedStrings(f *zip.File) ([]string, bool) {
	if f == nil {
		return nil, true
	}
	rc, err := f.Open()
	if err != nil {
		return nil, false
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, MaxUnzipXMLSize))
	var out []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, true
		}
		if err != nil {
			return nil, false
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
			text, err := richText(dec, "si")
			if err != nil {
				return nil, false
			}
			out = append(out, text)
		}
	}
}

// richText collects the <t> text inside the element until its end tag,
// skipping <rPh> (phonetic hints).
func richText(dec *xml.Decoder, end string) (string, error) {
	var b strings.Builder
	inT, skip := false, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "rPh" || skip > 0:
				skip++
			case t.Name.Local == "t":
				inT = true
			}
		case xml.EndElement:
			switch {
			case skip > 0:
				skip--
			case t.Name.Local == "t":
				inT = false
			case t.Name.Local == end:
				return b.String(), nil
			}
		case xml.CharData:
			if inT && skip == 0 {
				b.Write(t)
			}
		}
	}
}

// elementText is the character data of a simple element up to its end tag.
func elementText(dec *xml.Decoder, end string) (string, error) {
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			return "", errUnexpected
		case xml.EndElement:
			if t.Name.Local == end {
				return b.String(), nil
			}
		}
	}
}

// errUnexpected: any error here makes the caller fall back to excelize.
var errUnexpected = errors.New("unexpected element in a value")

// readCellNumFmts maps a cell style index (c/@s) to its number format id.
func readCellNumFmts(f *zip.File) ([]int, bool) {
	if f == nil {
		return nil, true
	}
	var styles struct {
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := decodePart(f, &styles); err != nil {
		return nil, false
	}
	out := make([]int, len(styles.Xfs))
	for i, x := range styles.Xfs {
		out[i] = x.NumFmtID
	}
	return out, true
}

// cellValues collects the shown text of cells; both sheet readers fill it.
type cellValues struct {
	shared  []string
	numFmts []int
	cells   [][]rules.Cell
	col     int // column of the previous <c> in this row (-1 at a row start)
	width   int // cells in the widest row so far
}

// sheetReader walks <sheetData> row by row with encoding/xml; it streams,
// so it also reads parts too large to hold in memory.
type sheetReader struct {
	dec *xml.Decoder
	cellValues
}

func (r *sheetReader) read() ([][]rules.Cell, bool) {
	row := -1
	for {
		tok, err := r.dec.Token()
		if err == io.EOF {
			return r.cells, true
		}
		if err != nil {
			return nil, false
		}
		se, isStart := tok.(xml.StartElement)
		if !isStart {
			continue
		}
		switch se.Name.Local {
		case "row":
			row++
			r.col = -1
			if v := attr(se, "r"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n-1 < row {
					return nil, false
				}
				row = n - 1
			}
			if row >= MaxRows {
				return nil, false // readValues reports it
			}
		case "c":
			if row < 0 || !r.cell(se, row) {
				return nil, false
			}
		}
	}
}

// cell reads one <c> element and stores its shown text.
func (r *sheetReader) cell(se xml.StartElement, row int) bool {
	col := r.col + 1
	if ref := attr(se, "r"); ref != "" {
		c, rr, err := excelize.CellNameToCoordinates(ref)
		if err != nil || rr-1 != row {
			return false
		}
		col = c - 1
	}
	if col <= r.col {
		return false // cells out of order: let excelize sort it out
	}
	r.col = col
	typ, style := attr(se, "t"), attr(se, "s")
	var v, inline string
	hasInline := false
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				text, err := elementText(r.dec, "v")
				if err != nil {
					return false
				}
				v = text
			case "is":
				text, err := richText(r.dec, "is")
				if err != nil {
					return false
				}
				inline, hasInline = text, true
			case "f", "extLst":
				if err := r.dec.Skip(); err != nil {
					return false
				}
			default:
				return false
			}
		case xml.EndElement:
			text, ok := r.shown(typ, style, v, inline, hasInline)
			if !ok {
				return false
			}
			if text != "" && col < MaxCols {
				r.set(row, col, text)
			}
			return true
		}
	}
}

// shown is the text a person sees for one cell, or ok false when it
// depends on number formatting.
func (r *cellValues) shown(typ, style, v, inline string, hasInline bool) (string, bool) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= len(r.shared) {
			return "", false
		}
		return r.shared[i], true
	case "inlineStr":
		return inline, hasInline || v == ""
	case "str", "e":
		return v, true
	case "b":
		switch v {
		case "1":
			return "TRUE", true
		case "0":
			return "FALSE", true
		}
		return "", false
	case "", "n":
		if v == "" {
			return "", true
		}
		if style != "" {
			s, err := strconv.Atoi(style)
			if err != nil || s < 0 || s >= len(r.numFmts) || r.numFmts[s] != 0 {
				return "", false
			}
		}
		if !isPlainInteger(v) {
			return "", false
		}
		return v, true
	}
	return "", false
}

func isPlainInteger(v string) bool {
	v = strings.TrimPrefix(v, "-")
	if v == "" || len(v) > 15 || (len(v) > 1 && v[0] == '0') {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// set stores a cell's text. A new row gets room for as many cells as the
// widest row so far: growing every row cell by cell made three throw-away
// copies per row, most of the memory a 10,000-row read touched.
func (r *cellValues) set(row, col int, text string) {
	for len(r.cells) <= row {
		r.cells = append(r.cells, nil)
	}
	cells := r.cells[row]
	if cells == nil {
		cells = make([]rules.Cell, 0, max(col+1, r.width))
	}
	for len(cells) <= col {
		cells = append(cells, rules.Cell{})
	}
	cells[col].Value = text
	r.cells[row] = cells
	r.width = max(r.width, len(cells))
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
