package sync

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
)

// decoderSheet reads a sheet the encoding/xml way: the reference the
// scanner must match whenever it accepts a part.
func decoderSheet(z *sheetZip) (cells [][]rules.Cell, merges []rules.Range, ok bool) {
	cells, ok = readValuesFast(z)
	if !ok {
		return nil, nil, false
	}
	merges, ok, err := readMergesFast(z.sheet)
	return cells, merges, ok && err == nil
}

// assertScanMatchesDecoder: where the scanner accepts a sheet, the
// encoding/xml reader accepts it too and reads the same values and merges.
func assertScanMatchesDecoder(t *testing.T, name string, z *sheetZip) {
	t.Helper()
	got, ok := scanSheetFast(z)
	if !ok || got.tooMany {
		return
	}
	cells, merges, decOK := decoderSheet(z)
	if !decOK {
		t.Fatalf("%s: the scanner accepted a sheet encoding/xml declines", name)
	}
	if a, b := trimmed(got.cells), trimmed(cells); a != b {
		t.Errorf("%s: scanner differs from encoding/xml\n--- scanner:\n%s--- encoding/xml:\n%s", name, a, b)
	}
	if a, b := fmt.Sprint(got.merges), fmt.Sprint(merges); a != b {
		t.Errorf("%s: merges differ: scanner %s, encoding/xml %s", name, a, b)
	}
}

// partsZip builds a workbook zip holding just a sheet part and, when
// given, a shared string table — all the fast readers look at.
func partsZip(t testing.TB, sheetXML, sharedXML string) *sheetZip {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	add("xl/worksheets/sheet1.xml", sheetXML)
	if sharedXML != "" {
		add("xl/sharedStrings.xml", sharedXML)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := zipIndex(zr)
	return &sheetZip{files: files, sheet: files["xl/worksheets/sheet1.xml"]}
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`

func sheetWith(rows string) string { return sheetHead + rows + `</sheetData></worksheet>` }

func TestScanSheetReadsWhatExcelWrites(t *testing.T) {
	shared := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3">` +
		`<si><t>Отпуск</t></si>` +
		`<si><r><rPr><b/></rPr><t xml:space="preserve">Жирный </t></r><r><t>и обычный</t></r><rPh sb="0" eb="1"><t>фонетика</t></rPh></si>` +
		`<si/></sst>`
	sheet := sheetHead +
		`<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>` +
		`<!-- a comment --><row r="3"><c r="A3"><v>42</v></c><c r="C3" t="inlineStr"><is><t>a &amp; b &lt;c&gt; &#1105; &#x451;` + "\r\n" + `x</t></is></c></row>` +
		`<row r="4"><c r="B4" t="str"><f>A3*2</f><v>84</v></c><c r="C4" t="b"><v>1</v></c><c r="D4"/></row>` +
		`<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="5"><x:c r="A5" t="inlineStr"><x:is><x:t>префикс</x:t></x:is></x:c></x:row>` +
		`</sheetData><mergeCells count="2"><mergeCell ref="A1:A3"/><mergeCell ref="C4:B5"/></mergeCells>` +
		`<mergeCells><mergeCell ref="E1:E2"/></mergeCells></worksheet>`
	z := partsZip(t, sheet, shared)
	got, ok := scanSheetFast(z)
	if !ok {
		t.Fatal("the scanner declined a plain sheet")
	}
	want := `"Отпуск","Жирный и обычный"` + "\n\n" + `"42","","a & b <c> ё ё\nx"` + "\n" + `"","84","TRUE"` + "\n" + `"префикс"` + "\n"
	if s := trimmed(got.cells); s != want {
		t.Errorf("cells:\n%s\nwant:\n%s", s, want)
	}
	if s := fmt.Sprint(got.merges); s != "[{0 0 2 0} {3 1 4 2}]" {
		t.Errorf("merges %s: want the first <mergeCells> only, corners normalised", s)
	}
	assertScanMatchesDecoder(t, "excel", z)
}

// TestScanSheetDeclines: what the scanner leaves to encoding/xml (and so,
// for broken parts, to excelize's error message).
func TestScanSheetDeclines(t *testing.T) {
	cell := func(body string) string {
		return sheetWith(`<row r="1"><c r="A1" t="inlineStr"><is><t>` + body + `</t></is></c></row>`)
	}
	for name, sheet := range map[string]string{
		"cdata":              cell(`<![CDATA[x]]>`),
		"doctype":            `<!DOCTYPE x [<!ENTITY a "b">]>` + sheetWith(""),
		"unknown entity":     cell(`&nbsp;`),
		"no semicolon":       cell(`a & b`),
		"control char ref":   cell(`&#1;`),
		"control char":       cell("a\x01b"),
		"invalid utf-8":      cell("a\xffb"),
		"utf-16 decl":        `<?xml version="1.0" encoding="UTF-16"?><worksheet><sheetData/></worksheet>`,
		"mismatched":         sheetWith(`<row r="1"><c r="A1"><v>1</c></v></row>`),
		"unclosed":           sheetHead + `<row r="1">`,
		"stray end":          sheetWith(`</row>`),
		"unquoted attr":      sheetWith(`<row r=1></row>`),
		"attr no value":      sheetWith(`<row r></row>`),
		"lt in attr":         sheetWith(`<row r="<1"></row>`),
		"space after lt":     sheetWith(`< row></row>`),
		"two colons":         sheetWith(`<a:b:c></a:b:c>`),
		"bracket in text":    cell(`a ]]> b`),
		"rows out of order":  sheetWith(`<row r="2"><c r="A2"><v>1</v></c></row><row r="1"></row>`),
		"cells out of order": sheetWith(`<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>`),
		"element in value":   sheetWith(`<row r="1"><c r="A1"><v><b/>1</v></c></row>`),
		"date":               sheetWith(`<row r="1"><c r="A1" s="1"><v>45000</v></c></row>`),
		"decimal":            sheetWith(`<row r="1"><c r="A1"><v>1.5</v></c></row>`),
	} {
		z := partsZip(t, sheet, "")
		// a style sheet so that s="1" is a date format
		z.files["xl/styles.xml"] = partsZip(t, `<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`, "").sheet
		if _, ok := scanSheetFast(z); ok {
			t.Errorf("%s: the scanner accepted it", name)
		}
	}
}

func TestScanSheetRefusesTooManyRows(t *testing.T) {
	z := partsZip(t, sheetWith(strings.Repeat(`<row/>`, MaxRows+1)), "")
	got, ok := scanSheetFast(z)
	if !ok || !got.tooMany {
		t.Fatalf("ok=%v tooMany=%v, want a refusal before reading the rows", ok, got.tooMany)
	}
}

// assertWindowDoesNotMatter: fed a byte at a time, so that every token
// straddles a refill of the window, the scanner reads what it reads from
// one big read.
func assertWindowDoesNotMatter(t *testing.T, sheet string) {
	t.Helper()
	whole, okWhole := scanSheet(newXMLScanner(strings.NewReader(sheet)), nil, nil)
	bytewise, okBytes := scanSheet(newXMLScanner(iotest.OneByteReader(strings.NewReader(sheet))), nil, nil)
	if okWhole != okBytes || trimmed(whole.cells) != trimmed(bytewise.cells) || fmt.Sprint(whole.merges) != fmt.Sprint(bytewise.merges) {
		t.Errorf("a byte at a time: ok=%v %s %v; at once: ok=%v %s %v", okBytes, trimmed(bytewise.cells), bytewise.merges,
			okWhole, trimmed(whole.cells), whole.merges)
	}
}

// TestScanSheetWindow: tokens cut by the window's edge (a byte at a time,
// and one large sheet over many 64 KiB windows with multi-byte text and
// entities on the edges) read the same as in one piece.
func TestScanSheetWindow(t *testing.T) {
	var rows strings.Builder
	for r := 1; r <= 3000; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>Строка %d &amp; «ёж» &#x451;</t></is></c><c r="B%d"><v>%d</v></c></row>`, r, r, r, r, r)
	}
	big := sheetWith(rows.String()) + `<!-- хвост -->`
	if len(big) < 4*xmlWindow {
		t.Fatalf("the sheet (%d bytes) should span several windows", len(big))
	}
	got, ok := scanSheet(newXMLScanner(iotest.HalfReader(strings.NewReader(big))), nil, nil)
	if !ok || len(got.cells) != 3000 || got.cells[2999][0].Value != "Строка 3000 & «ёж» ё" || got.cells[2999][1].Value != "3000" {
		t.Fatalf("ok=%v rows=%d", ok, len(got.cells))
	}
	first100 := rows.String()[:strings.Index(rows.String(), `<row r="101"`)]
	assertWindowDoesNotMatter(t, sheetWith(first100))
	for _, sheet := range []string{
		sheetWith(`<row r="1"><c r="A1" t="inlineStr"><is><t>a&amp;b ёж</t></is></c></row>`),
		sheetWith(`<row r="1"><c r="A1" t="inlineStr"><is><t>a&amp</t></is></c></row>`), // broken entity
		sheetHead + `<row r="1"><c r="A1"><v>1</v></c>`,                                 // truncated
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- c --><worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"str\"><v>x&gt;y</v></c></row></sheetData></worksheet>",
	} {
		assertWindowDoesNotMatter(t, sheet)
	}
}

func TestCellRef(t *testing.T) {
	for ref, want := range map[string][3]int{
		"A1": {1, 1, 1}, "Z9": {26, 9, 1}, "AA10": {27, 10, 1}, "XFD1048576": {16384, 1048576, 1},
		"a1": {1, 1, 1}, "$B$2": {2, 2, 1}, // excelize's forms
		"XFE1": {0, 0, 0}, "A1048577": {0, 0, 0}, "A0": {0, 0, 0}, "A": {0, 0, 0}, "1": {0, 0, 0}, "A1B": {0, 0, 0},
	} {
		c, r, ok := cellRef([]byte(ref))
		okInt := 0
		if ok {
			okInt = 1
		}
		if got := [3]int{c, r, okInt}; (ok && got != want) || okInt != want[2] {
			t.Errorf("cellRef(%q) = %v, want %v", ref, got, want)
		}
	}
}

// FuzzScanSheet: on any sheet part, the scanner either declines or reads
// exactly what the encoding/xml reader reads.
func FuzzScanSheet(f *testing.F) {
	f.Add(`<row r="1"><c r="A1" t="inlineStr"><is><t>a &amp; b</t></is></c><c r="B1"><v>7</v></c></row>`, `<si><t>x</t></si>`)
	f.Add(`<row><c t="s"><v>0</v></c><c t="b"><v>0</v></c></row></sheetData><mergeCells><mergeCell ref="A1:B2"/></mergeCells><sheetData>`, `<si><r><t>a</t></r><rPh><t>b</t></rPh></si>`)
	f.Add(`<row r="2"><c r="C2" t="str"><f>1+1</f><v>2</v></c></row><!-- c --><?pi x?>`, ``)
	f.Add("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\r\n&#x451;</t></is></c></row>", ``)
	f.Fuzz(func(t *testing.T, rows, shared string) {
		sst := ""
		if shared != "" {
			sst = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + shared + `</sst>`
		}
		assertScanMatchesDecoder(t, "fuzz", partsZip(t, sheetWith(rows), sst))
		assertWindowDoesNotMatter(t, sheetWith(rows))
	})
}

// excelizeGrid reads a workbook the way that does not use the scanner
// (encoding/xml and excelize): the reference for readXLSXFast.
func excelizeGrid(t *testing.T, data []byte, sheet string) rules.Grid {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := gridFromFile(f, data, sheet, fastRead{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestReadXLSXFastMatchesExcelize: the excelize-free way gives the same
// grid, and steps aside for comments and missing sheets.
func TestReadXLSXFastMatchesExcelize(t *testing.T) {
	p, err := rules.LoadProfile("mimp-mo")
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := rules.Parse(rules.Seed003Grid(), p)
	var form bytes.Buffer
	if err := render.NewXLSX().Render(&form, reg, render.Meta{Profile: p}); err != nil {
		t.Fatal(err)
	}
	twoSheets := xlsxBytes(t, func(f *excelize.File) {
		f.SetCellValue("Sheet1", "A1", "первый")
		f.NewSheet("Второй")
		f.SetCellValue("Второй", "B2", "второй")
		f.MergeCell("Второй", "B2", "C3")
	})
	withComment := xlsxBytes(t, func(f *excelize.File) {
		f.SetCellValue("Sheet1", "A1", "x")
		f.AddComment("Sheet1", excelize.Comment{Cell: "A1", Author: "Иван", Text: "заметка"})
	})
	for _, c := range []struct {
		name   string
		data   []byte
		sheet  string
		wantOK bool
	}{
		{"seed003 form", form.Bytes(), "", true},
		{"sample", gridBytes(t, rules.SampleGrid()), "", true},
		{"first sheet", twoSheets, "", true},
		{"named sheet", twoSheets, "Второй", true},
		{"missing sheet", twoSheets, "Нет", false},
		{"comments", withComment, "", false},
	} {
		fast := readXLSXFast(c.data, c.sheet)
		if ok := fast.scanned && !fast.comments; ok != c.wantOK || fast.err != nil {
			t.Errorf("%s: scanned=%v comments=%v err=%v, want excelize left alone=%v", c.name, fast.scanned, fast.comments, fast.err, c.wantOK)
			continue
		}
		if !fast.scanned {
			continue
		}
		g, want := fast.grid, excelizeGrid(t, c.data, c.sheet)
		if g.Sheet != want.Sheet || trimmed(g.Cells) != trimmed(want.Cells) || fmt.Sprint(g.Merges) != fmt.Sprint(want.Merges) {
			t.Errorf("%s: fast %q %s %v, excelize %q %s %v", c.name, g.Sheet, trimmed(g.Cells), g.Merges, want.Sheet, trimmed(want.Cells), want.Merges)
		}
	}
}
