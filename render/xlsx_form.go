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
	title, subtitle, plain, header, number, text, center int
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

// cell is the A1 name of (row, col), both 1-based.
func cell(row, col int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// head writes the title block and the header from row 1; it returns the
// header row and the first data row.
func (x *xlsxForm) head(title, organisation, version string, captions [5]string, numberRow bool) (header, first int, err error) {
	f, s := x.f, x.sheet
	row := 1
	line := func(text string, style int, lines int) {
		if err != nil {
			return
		}
		if err = f.SetCellStr(s, cell(row, 1), text); err == nil {
			err = f.MergeCell(s, cell(row, 1), cell(row, 5))
		}
		if err == nil {
			err = f.SetCellStyle(s, cell(row, 1), cell(row, 5), style)
		}
		if err == nil {
			err = f.SetRowHeight(s, row, float64(max(1, lines))*20)
		}
		row++
	}
	headWord, rest, _ := strings.Cut(strings.TrimSpace(title), " ")
	line(headWord, x.style.title, 1)
	if rest != "" {
		line(rest, x.style.subtitle, xlsxLines(rest, xlsxColW[0]+xlsxColW[1]+xlsxColW[2]+xlsxColW[3]+xlsxColW[4]))
	}
	if organisation != "" {
		line(organisation, x.style.plain, 1)
	}
	if version != "" {
		line(version, x.style.plain, 1)
	}
	row++ // a blank row between the title block and the table
	header = row
	capLines := 1
	for i, c := range captions {
		if err == nil {
			err = f.SetCellStr(s, cell(row, i+1), c)
		}
		capLines = max(capLines, xlsxLines(c, xlsxColW[i]))
	}
	if err == nil {
		err = f.SetCellStyle(s, cell(row, 1), cell(row, 5), x.style.header)
	}
	if err == nil {
		err = f.SetRowHeight(s, row, float64(capLines)*xlsxLineH+4)
	}
	row++
	if numberRow {
		for i := range 5 {
			if err == nil {
				err = f.SetCellInt(s, cell(row, i+1), int64(i+1))
			}
		}
		if err == nil {
			err = f.SetCellStyle(s, cell(row, 1), cell(row, 5), x.style.number)
		}
		row++
	}
	return header, row, err
}

// finish sets widths, freezes the header, repeats it on printed pages, fits
// the table to the page width on A4 landscape, and fixes the document
// properties so the same input gives the same bytes.
func (x *xlsxForm) finish(header, first int, title, organisation string, version time.Time) error {
	f, s := x.f, x.sheet
	for i, w := range xlsxColW {
		col := string(rune('A' + i))
		if err := f.SetColWidth(s, col, col, w); err != nil {
			return err
		}
	}
	if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: first - 1, TopLeftCell: cell(first, 1), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: cell(first, 1), ActiveCell: cell(first, 1), Pane: "bottomLeft"}}}); err != nil {
		return err
	}
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
	if version.IsZero() {
		version = pdfEpoch
	}
	stamp := version.UTC().Format("2006-01-02T15:04:05Z")
	return f.SetDocProps(&excelize.DocProperties{
		Created: stamp, Modified: stamp, Creator: "perechen", LastModifiedBy: "perechen",
		Title: title, Subject: "Перечень точек взаимодействия с внутренним клиентом",
		Description: organisation, Language: "ru-RU",
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
