package render

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// xlsxForm builds the official form on one sheet of a workbook: title rows,
// the header with its optional column-number row, column widths, frozen
// header and print setup. The registry render and the blank template share it.
type xlsxForm struct {
	f     *excelize.File
	sheet string
	style xlsxStyles
}

type xlsxStyles struct {
	title, subtitle, plain, header, number, text, center, grif int
}

const xlsxSheet = "Перечень"

// xlsxColW are the widths of graphs 1–5 in Excel character units.
var xlsxColW = [5]float64{7, 45, 32, 70, 22}

// xlsxLineH is the height of one line of 11 pt text in points.
const xlsxLineH = 15.0

func newXLSXForm() (*xlsxForm, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", xlsxSheet); err != nil {
		return nil, err
	}
	x := &xlsxForm{f: f, sheet: xlsxSheet}
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	defs := []struct {
		id *int
		s  excelize.Style
	}{
		{&x.style.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&x.style.subtitle, excelize.Style{Font: &excelize.Font{Bold: true, Size: 12},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&x.style.plain, excelize.Style{Font: &excelize.Font{Size: 11},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&x.style.header, excelize.Style{Font: &excelize.Font{Bold: true, Size: 11}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8E8E8"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&x.style.number, excelize.Style{Font: &excelize.Font{Size: 9}, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&x.style.text, excelize.Style{Font: &excelize.Font{Size: 11}, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}}},
		{&x.style.center, excelize.Style{Font: &excelize.Font{Size: 11}, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}}},
		{&x.style.grif, excelize.Style{Font: &excelize.Font{Size: 11},
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return nil, err
		}
		*d.id = id
	}
	return x, nil
}

// xlsxCell is the A1 name of (row, col), both 1-based.
func xlsxCell(row, col int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// xlsxHead is the part of the form above the data rows.
type xlsxHead struct {
	// Grif is the approval mark's lines ("" between blocks), written at the
	// top right over graphs 4–5 above the title.
	Grif                         []string
	Title, Organisation, Version string
	Captions                     [5]string
	NumberRow                    bool
	Created                      time.Time // document properties; zero means the fixed epoch
}

// titleLines are the title block's rows: "ПЕРЕЧЕНЬ" alone as in the form,
// the rest of the title, the organisation and the version.
func (h xlsxHead) titleLines() []string {
	head, rest, _ := strings.Cut(strings.TrimSpace(h.Title), " ")
	lines := []string{head}
	for _, l := range []string{rest, strings.TrimSpace(h.Organisation), h.Version} {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// rows returns the header row and the first data row (1-based): the title
// block, a blank row, the header and the optional column-number row.
func (h xlsxHead) rows() (header, first int) {
	header = len(h.Grif) + len(h.titleLines()) + 2
	first = header + 1
	if h.NumberRow {
		first++
	}
	return header, first
}

// start sets the sheet up (page setup, print titles, document properties,
// anything extra from before, which sees the first data row) and streams
// the title block and header; the caller streams the data rows and flushes.
// Streaming keeps 10,000-row forms fast: excelize's cell API checks every
// write against every merged range.
func (x *xlsxForm) start(h xlsxHead, before func(first int) error) (*excelize.StreamWriter, int, error) {
	f, s := x.f, x.sheet
	header, first := h.rows()
	if err := x.setup(h, header, first); err != nil {
		return nil, 0, err
	}
	if before != nil {
		if err := before(first); err != nil {
			return nil, 0, err
		}
	}
	sw, err := f.NewStreamWriter(s)
	if err != nil {
		return nil, 0, err
	}
	for i, w := range xlsxColW {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, 0, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: first - 1, TopLeftCell: xlsxCell(first, 1), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: xlsxCell(first, 1), ActiveCell: xlsxCell(first, 1), Pane: "bottomLeft"}}}); err != nil {
		return nil, 0, err
	}
	if err := x.grif(sw, h.Grif); err != nil {
		return nil, 0, err
	}
	wide := xlsxColW[0] + xlsxColW[1] + xlsxColW[2] + xlsxColW[3] + xlsxColW[4]
	for i, l := range h.titleLines() {
		r := len(h.Grif) + i + 1 // the title block stands under the grif
		style, height := x.style.plain, 18.0
		switch i {
		case 0:
			style, height = x.style.title, 22
		case 1:
			style, height = x.style.subtitle, float64(xlsxLines(l, wide/1.2))*17
		}
		row := []any{excelize.Cell{StyleID: style, Value: l}, excelize.Cell{StyleID: style}, excelize.Cell{StyleID: style},
			excelize.Cell{StyleID: style}, excelize.Cell{StyleID: style}}
		if err := sw.SetRow(xlsxCell(r, 1), row, excelize.RowOpts{Height: xlsxHeight(height)}); err != nil {
			return nil, 0, err
		}
		if err := sw.MergeCell(xlsxCell(r, 1), xlsxCell(r, 5)); err != nil {
			return nil, 0, err
		}
	}
	capLines := 1
	row := make([]any, 5)
	for i, c := range h.Captions {
		row[i] = excelize.Cell{StyleID: x.style.header, Value: c}
		capLines = max(capLines, xlsxLines(c, xlsxColW[i]))
	}
	if err := sw.SetRow(xlsxCell(header, 1), row, excelize.RowOpts{Height: xlsxHeight(float64(capLines)*xlsxLineH + 4)}); err != nil {
		return nil, 0, err
	}
	if h.NumberRow {
		for i := range row {
			row[i] = excelize.Cell{StyleID: x.style.number, Value: i + 1}
		}
		if err := sw.SetRow(xlsxCell(header+1, 1), row); err != nil {
			return nil, 0, err
		}
	}
	return sw, first, nil
}

// grif writes the grif's lines from the first row, merged over graphs 4–5
// (the right of the form), each row as tall as its wrapped text.
func (x *xlsxForm) grif(sw *excelize.StreamWriter, lines []string) error {
	for i, l := range lines {
		row := []any{nil, nil, nil, excelize.Cell{StyleID: x.style.grif, Value: l}, excelize.Cell{StyleID: x.style.grif}}
		height := 6.0 // the gap between blocks
		if l != "" {
			height = float64(xlsxLines(l, xlsxColW[3]+xlsxColW[4])) * xlsxLineH
		}
		if err := sw.SetRow(xlsxCell(i+1, 1), row, excelize.RowOpts{Height: xlsxHeight(height)}); err != nil {
			return err
		}
		if err := sw.MergeCell(xlsxCell(i+1, 4), xlsxCell(i+1, 5)); err != nil {
			return err
		}
	}
	return nil
}

// setup fits the table to the page width on A4 landscape, repeats the
// header on printed pages, and fixes the document properties so the same
// input gives the same bytes.
func (x *xlsxForm) setup(h xlsxHead, header, first int) error {
	f, s := x.f, x.sheet
	a4, landscape, one, zero := 9, "landscape", 1, 0
	if err := f.SetPageLayout(s, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(s, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	margin := 0.4
	if err := f.SetPageMargins(s, &excelize.PageLayoutMarginsOptions{Left: &margin, Right: &margin, Top: &margin, Bottom: &margin}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(s, &excelize.HeaderFooterOptions{OddFooter: "&RСтр. &P из &N"}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: s,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", s, header, first-1)}); err != nil {
		return err
	}
	created := h.Created
	if created.IsZero() {
		created = pdfEpoch
	}
	stamp := created.UTC().Format("2006-01-02T15:04:05Z")
	return f.SetDocProps(&excelize.DocProperties{
		Created: stamp, Modified: stamp, Creator: "perechen", LastModifiedBy: "perechen",
		Title: h.Title, Subject: "Перечень точек взаимодействия с внутренним клиентом",
		Description: strings.TrimSpace(h.Organisation), Language: "ru-RU",
	})
}

// xlsxLines estimates the wrapped lines of text in a column of width w
// characters: Excel does not size rows holding merged cells by itself.
func xlsxLines(text string, w float64) int {
	per := max(1, int(w*1.1)-2)
	n := 0
	for _, para := range strings.Split(text, "\n") {
		cur := 0
		lines := 1
		for _, word := range strings.Fields(para) {
			l := utf8.RuneCountInString(word)
			switch {
			case cur == 0:
				cur = l
			case cur+1+l <= per:
				cur += 1 + l
			default:
				lines++
				cur = l
			}
			for cur > per {
				lines++
				cur -= per
			}
		}
		n += lines
	}
	return max(1, n)
}
