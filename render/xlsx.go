package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/rules"
)

// XLSX writes the registry back in the official form: one need per row, №
// and process merged over their rows, touchpoint and kind merged over their
// needs, so that staff can open it, print it, or feed it back to the linter.
type XLSX struct{}

var _ Renderer = (*XLSX)(nil)

// NewXLSX returns the XLSX renderer.
func NewXLSX() Renderer { return &XLSX{} }

// Format is "xlsx".
func (*XLSX) Format() string { return "xlsx" }

// FileName is "perechen.xlsx".
func (*XLSX) FileName() string { return "perechen.xlsx" }

// Render writes the workbook.
func (*XLSX) Render(w io.Writer, reg *rules.Registry, meta Meta) error {
	x, err := newXLSXForm()
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	defer x.f.Close()
	h := xlsxHead{Grif: grifFlat(grifBlocks(reg, meta)), Title: officialTitle(reg, meta.Profile), Organisation: meta.Organisation, Version: officialVersion(meta),
		Captions: officialCaptions(meta.Profile), NumberRow: true, Created: meta.Version}
	sw, first, err := x.start(h, nil)
	if err == nil {
		err = x.rows(sw, spannedRows(reg), first)
	}
	if err == nil {
		err = sw.Flush()
	}
	if err == nil {
		_, err = x.f.WriteTo(w)
	}
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// rows streams the form's rows from sheet row first and merges the spans.
func (x *xlsxForm) rows(sw *excelize.StreamWriter, rows []spannedRow, first int) error {
	lines := xlsxRowLines(rows)
	text, center := x.style.text, x.style.center
	for i, r := range rows {
		values := []any{excelize.Cell{StyleID: center}, excelize.Cell{StyleID: text}, excelize.Cell{StyleID: text},
			excelize.Cell{StyleID: text, Value: r.Need}, excelize.Cell{StyleID: center}}
		if r.ProcFirst {
			values[0] = excelize.Cell{StyleID: center, Value: xlsxNumber(r.Number)}
			values[1] = excelize.Cell{StyleID: text, Value: r.Process}
		}
		if r.TpFirst {
			values[2] = excelize.Cell{StyleID: text, Value: r.Touchpoint}
			values[4] = excelize.Cell{StyleID: center, Value: r.Kind}
		}
		if err := sw.SetRow(xlsxCell(first+i, 1), values, excelize.RowOpts{Height: xlsxHeight(float64(lines[i])*xlsxLineH + 3)}); err != nil {
			return err
		}
	}
	merge := func(a, b int, cols ...int) error {
		for _, c := range cols {
			if err := sw.MergeCell(xlsxCell(first+a, c), xlsxCell(first+b, c)); err != nil {
				return err
			}
		}
		return nil
	}
	procStart, tpStart := 0, 0
	for i, r := range rows {
		if r.ProcFirst {
			procStart = i
		}
		if r.TpFirst {
			tpStart = i
		}
		if r.TpLast && i > tpStart {
			if err := merge(tpStart, i, 3, 5); err != nil {
				return err
			}
		}
		if r.ProcLast && i > procStart {
			if err := merge(procStart, i, 1, 2); err != nil {
				return err
			}
		}
	}
	return nil
}

// xlsxRowLines estimates each row's height in lines: its need, grown at
// the last row of a span whose merged text needs more lines than the span's
// rows have (Excel does not size rows holding merged cells by itself).
func xlsxRowLines(rows []spannedRow) []int {
	lines := make([]int, len(rows))
	procStart, tpStart := 0, 0
	grow := func(a, b, need int) {
		have := 0
		for i := a; i <= b; i++ {
			have += lines[i]
		}
		if need > have {
			lines[b] += need - have
		}
	}
	for i, r := range rows {
		lines[i] = xlsxLines(r.Need, xlsxColW[3])
		if r.ProcFirst {
			procStart = i
		}
		if r.TpFirst {
			tpStart = i
		}
		if r.TpLast {
			grow(tpStart, i, max(xlsxLines(r.Touchpoint, xlsxColW[2]), xlsxLines(r.Kind, xlsxColW[4])))
		}
		if r.ProcLast {
			grow(procStart, i, max(xlsxLines(r.Number, xlsxColW[0]), xlsxLines(r.Process, xlsxColW[1])))
		}
	}
	return lines
}

// xlsxNumber writes a plain process number as a number (Excel would flag
// digits stored as text) and anything else ("1.", "1)") as typed.
func xlsxNumber(s string) any {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
		return n
	}
	return s
}

// xlsxHeight caps a row height at the format's 409 points: a very long cell
// (Google allows 50,000 characters) must not fail the whole workbook.
func xlsxHeight(h float64) float64 { return min(h, excelize.MaxRowHeight) }
