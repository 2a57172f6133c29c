package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

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
	title := officialTitle(reg, meta.Profile)
	header, first, err := x.head(title, strings.TrimSpace(meta.Organisation), officialVersion(meta), officialCaptions(meta.Profile), true)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := x.rows(spannedRows(reg), first); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := x.finish(header, first, title, meta.Organisation, meta.Version); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if _, err := x.f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// rows writes the form's rows from sheet row first and merges the spans.
func (x *xlsxForm) rows(rows []spannedRow, first int) error {
	f, s := x.f, x.sheet
	if len(rows) == 0 {
		return nil
	}
	last := first + len(rows) - 1
	if err := f.SetCellStyle(s, cell(first, 1), cell(last, 5), x.style.text); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, cell(first, 1), cell(last, 1), x.style.center); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, cell(first, 5), cell(last, 5), x.style.center); err != nil {
		return err
	}
	lines := make([]int, len(rows))
	procStart, tpStart := 0, 0
	for i, r := range rows {
		row := first + i
		lines[i] = xlsxLines(r.Need, xlsxColW[3])
		values := []any{nil, nil, nil, r.Need, nil}
		if r.ProcFirst {
			procStart = i
			values[0], values[1] = xlsxNumber(r.Number), r.Process
		}
		if r.TpFirst {
			tpStart = i
			values[2], values[4] = r.Touchpoint, r.Kind
		}
		if err := f.SetSheetRow(s, cell(row, 1), &values); err != nil {
			return err
		}
		if r.TpLast {
			if err := x.span(rows, lines, tpStart, i, first, 3, 5); err != nil {
				return err
			}
		}
		if r.ProcLast {
			if err := x.span(rows, lines, procStart, i, first, 1, 2); err != nil {
				return err
			}
		}
	}
	for i, n := range lines {
		if err := f.SetRowHeight(s, first+i, float64(n)*xlsxLineH+3); err != nil {
			return err
		}
	}
	return nil
}

// span merges rows a..b of the given columns (1-based; the touchpoint
// spans columns 3 and 5, leaving the needs in 4 alone) and grows the last
// row when the merged text needs more lines than the rows have.
func (x *xlsxForm) span(rows []spannedRow, lines []int, a, b, first int, cols ...int) error {
	need := 0
	for _, c := range cols {
		var text string
		switch c {
		case 1:
			text = rows[a].Number
		case 2:
			text = rows[a].Process
		case 3:
			text = rows[a].Touchpoint
		case 5:
			text = rows[a].Kind
		}
		need = max(need, xlsxLines(text, xlsxColW[c-1]))
		if b > a {
			if err := x.f.MergeCell(x.sheet, cell(first+a, c), cell(first+b, c)); err != nil {
				return err
			}
		}
	}
	have := 0
	for i := a; i <= b; i++ {
		have += lines[i]
	}
	if need > have {
		lines[b] += need - have
	}
	return nil
}

// xlsxNumber writes a plain process number as a number (Excel would flag
// digits stored as text) and anything else ("1.", "1)") as typed.
func xlsxNumber(s string) any {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
		return n
	}
	return s
}
