package sync

import (
	"archive/zip"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/rules"
)

// scannedSheet is what one pass over the sheet part held in memory gives.
type scannedSheet struct {
	cells   [][]rules.Cell
	merges  []rules.Range
	tooMany bool // more than MaxRows rows: refuse without reading them
}

// scanSheetFast reads values and merged ranges of a sheet in one pass of
// xmlScanner as the part is unpacked, with the shared strings read on the
// other core meanwhile. ok is false when a part holds anything the scanner
// or the value rules (readValuesFast) do not cover; the caller then reads
// with encoding/xml or leaves it to excelize.
func scanSheetFast(z *sheetZip) (scannedSheet, bool) {
	if z == nil {
		return scannedSheet{}, false
	}
	type sharedResult struct {
		strings []string
		ok      bool
	}
	sharedDone := make(chan sharedResult, 1)
	go func() {
		s, ok := scanSharedStrings(z.files["xl/sharedstrings.xml"])
		sharedDone <- sharedResult{s, ok}
	}()
	numFmts, fmtOK := readCellNumFmts(z.files["xl/styles.xml"])
	shared := <-sharedDone
	if !fmtOK || !shared.ok {
		return scannedSheet{}, false
	}
	sc, closePart, ok := openScanner(z.sheet)
	if !ok {
		return scannedSheet{}, false
	}
	defer closePart()
	return scanSheet(sc, shared.strings, numFmts)
}

// scanSheet is the pass over a sheet part, whatever feeds the scanner.
func scanSheet(sc *xmlScanner, shared []string, numFmts []int) (scannedSheet, bool) {
	r := &sheetScan{sc: sc, cellValues: cellValues{shared: shared, numFmts: numFmts}}
	if !r.read() {
		return scannedSheet{}, false
	}
	return scannedSheet{cells: r.cells, merges: r.merges, tooMany: r.tooMany}, true
}

// openScanner starts unpacking a part into a scanner. A part that says it
// unpacks past MaxUnzipSize is left to excelize, which refuses it by name.
func openScanner(f *zip.File) (*xmlScanner, func(), bool) {
	if f == nil || f.UncompressedSize64 > MaxUnzipSize {
		return nil, nil, false
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, false
	}
	return newXMLScanner(rc), func() { rc.Close() }, true
}

// scanSharedStrings is readSharedStrings on xmlScanner.
func scanSharedStrings(f *zip.File) ([]string, bool) {
	if f == nil {
		return nil, true
	}
	sc, closePart, ok := openScanner(f)
	if !ok {
		return nil, false
	}
	defer closePart()
	var out []string
	for {
		tok, err := sc.next()
		if err == io.EOF {
			return out, true
		}
		if err != nil {
			return nil, false
		}
		if tok.kind == xmlStart && string(tok.name) == "si" {
			text, ok := sc.richText("si")
			if !ok {
				return nil, false
			}
			out = append(out, text)
		}
	}
}

// sheetScan is sheetReader on xmlScanner, also collecting the merged
// ranges of the first <mergeCells> (as readMergesFast does).
type sheetScan struct {
	sc *xmlScanner
	cellValues
	merges     []rules.Range
	mergesDone bool
	rows       int  // <row> tags seen
	tooMany    bool // more than MaxRows of them: stop reading
}

func (r *sheetScan) read() bool {
	row := -1
	for {
		tok, err := r.sc.next()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
		switch {
		case tok.kind == xmlEnd && string(tok.name) == "mergeCells":
			r.mergesDone = true
		case tok.kind != xmlStart:
		case string(tok.name) == "row":
			if r.rows++; r.rows > MaxRows {
				r.tooMany = true
				return true
			}
			row++
			r.col = -1
			if v := tok.attr("r"); len(v) > 0 {
				n, err := strconv.Atoi(string(v))
				if err != nil || n-1 < row {
					return false
				}
				row = n - 1
			}
			if row >= MaxRows {
				return false
			}
		case string(tok.name) == "c":
			if row < 0 || !r.cell(tok, row) {
				return false
			}
		case string(tok.name) == "mergeCell" && !r.mergesDone:
			if ref, ok := xmlUnescape(tok.attr("ref")); ok {
				if m, ok := parseRangeRef(ref); ok {
					r.merges = append(r.merges, m)
				}
			}
		}
	}
}

// cell reads one <c> element and stores its shown text.
func (r *sheetScan) cell(start xmlTok, row int) bool {
	col := r.col + 1
	if ref := start.attr("r"); len(ref) > 0 {
		c, rr, ok := cellRef(ref)
		if !ok || rr-1 != row {
			return false
		}
		col = c - 1
	}
	if col <= r.col {
		return false
	}
	r.col = col
	typ, ok1 := r.sc.text(start.attr("t"))
	style, ok2 := r.sc.text(start.attr("s"))
	if !ok1 || !ok2 {
		return false
	}
	var v, inline string
	hasInline := false
	for {
		tok, err := r.sc.next()
		if err != nil {
			return false
		}
		switch tok.kind {
		case xmlStart:
			var ok bool
			switch string(tok.name) {
			case "v":
				v, ok = r.sc.elementText()
			case "is":
				inline, ok = r.sc.richText("is")
				hasInline = true
			case "f", "extLst":
				ok = r.sc.skip() == nil
			}
			if !ok {
				return false
			}
		case xmlEnd:
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

// cellRef parses a plain "AB12" reference; anything else (lower case,
// "$", out of range) goes to excelize, which decides as it always has.
func cellRef(ref []byte) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && 'A' <= ref[i] && ref[i] <= 'Z' && col <= excelize.MaxColumns {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	if i == 0 || i == len(ref) || ref[i] == '0' || col > excelize.MaxColumns {
		return excelizeRef(ref)
	}
	for ; i < len(ref); i++ {
		if ref[i] < '0' || ref[i] > '9' || row > excelize.TotalRows {
			return excelizeRef(ref)
		}
		row = row*10 + int(ref[i]-'0')
	}
	if row > excelize.TotalRows {
		return excelizeRef(ref)
	}
	return col, row, true
}

func excelizeRef(raw []byte) (col, row int, ok bool) {
	ref, ok := xmlUnescape(raw)
	if !ok {
		return 0, 0, false
	}
	col, row, err := excelize.CellNameToCoordinates(ref)
	return col, row, err == nil
}

// elementText is the character data of a simple element up to its end.
// Each run of text is decoded on its own, as encoding/xml does.
func (s *xmlScanner) elementText() (string, bool) {
	var text string
	for {
		tok, err := s.next()
		if err != nil {
			return "", false
		}
		switch tok.kind {
		case xmlText:
			piece, ok := s.text(tok.text)
			if !ok {
				return "", false
			}
			text += piece
		case xmlStart:
			return "", false
		case xmlEnd:
			return text, true
		}
	}
}

// richText collects the <t> text inside the element until its end tag,
// skipping <rPh> (phonetic hints), as the encoding/xml richText does.
func (s *xmlScanner) richText(end string) (string, bool) {
	var text string
	inT, skip := false, 0
	for {
		tok, err := s.next()
		if err != nil {
			return "", false
		}
		switch tok.kind {
		case xmlStart:
			switch {
			case string(tok.name) == "rPh" || skip > 0:
				skip++
			case string(tok.name) == "t":
				inT = true
			}
		case xmlEnd:
			switch {
			case skip > 0:
				skip--
			case string(tok.name) == "t":
				inT = false
			case string(tok.name) == end:
				return text, true
			}
		case xmlText:
			if inT && skip == 0 {
				piece, ok := s.text(tok.text)
				if !ok {
					return "", false
				}
				text += piece
			}
		}
	}
}
