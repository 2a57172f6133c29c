package render

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/internal/xlsxlists"
	"github.com/perechen-oiv/perechen/rules"
)

// TemplateOptions shape the blank form.
type TemplateOptions struct {
	NumberRow    bool   // the row "1 2 3 4 5" under the header, as in the Порядок's form
	ExampleRows  int    // placeholder rows showing how to fill the form (the linter flags them until replaced)
	Organisation string // written under the title
}

const (
	// templateRows is how far down the drop-downs reach.
	templateRows = 2000
	// templateMaxExamples bounds ExampleRows: examples are illustrations.
	templateMaxExamples = 100
)

// WriteTemplate writes the blank official form for staff to start from:
// the profile's captions, optional column-number row, placeholder rows and
// drop-downs of graphs 3–5 (touchpoints of п. 4.1/4.2 with the
// organisation's name in the slot where the profile asks, needs, kinds).
// The lists stand on a hidden sheet (xlsxlists.Sheet). The same profile
// and options give the same bytes.
func WriteTemplate(w io.Writer, p *rules.Profile, opts TemplateOptions) error {
	if p == nil {
		return errors.New("шаблон: не указан профиль Порядка")
	}
	if opts.ExampleRows < 0 || opts.ExampleRows > templateMaxExamples {
		return fmt.Errorf("шаблон: число строк-образцов должно быть от 0 до %d, указано %d", templateMaxExamples, opts.ExampleRows)
	}
	x, err := newXLSXForm()
	if err != nil {
		return fmt.Errorf("шаблон: %w", err)
	}
	defer x.f.Close()
	title := p.FormTitle
	if title == "" {
		title = officialFormTitle
	}
	org := strings.TrimSpace(opts.Organisation)
	if org == "" {
		org = "[наименование органа]"
	} else {
		p = p.WithOrganisation(org)
	}
	h := xlsxHead{Title: title, Organisation: org, Captions: officialCaptions(p), NumberRow: opts.NumberRow}
	sw, first, err := x.start(h, func(first int) error { return x.dropDowns(p, first) })
	if err == nil {
		err = x.examples(sw, p, first, opts.ExampleRows)
	}
	if err == nil {
		err = sw.Flush()
	}
	if err == nil {
		_, err = x.f.WriteTo(w)
	}
	if err != nil {
		return fmt.Errorf("шаблон: %w", err)
	}
	return nil
}

// examples writes placeholder rows: processes with a touchpoint of each
// kind, two needs each, up to n rows.
func (x *xlsxForm) examples(sw *excelize.StreamWriter, p *rules.Profile, first, n int) error {
	kinds := p.KindLabels()
	needs := "п. " + templateSection(p.Needs[0].Paragraph) + " Порядка"
	text, center := x.style.text, x.style.center
	proc := 0
	for i := range n {
		values := []any{excelize.Cell{StyleID: center}, excelize.Cell{StyleID: text}, excelize.Cell{StyleID: text},
			excelize.Cell{StyleID: text, Value: fmt.Sprintf("[потребность клиента %d — из %s]", i%2+1, needs)}, excelize.Cell{StyleID: center}}
		if i%4 == 0 {
			proc++
			values[0] = excelize.Cell{StyleID: center, Value: proc}
			values[1] = excelize.Cell{StyleID: text, Value: fmt.Sprintf("[процесс взаимодействия с внутренним клиентом %d]", proc)}
		}
		if i%2 == 0 {
			values[2] = excelize.Cell{StyleID: text, Value: fmt.Sprintf("[точка взаимодействия %d — выберите из списка]", i/2%2+1)}
			values[4] = excelize.Cell{StyleID: center, Value: kinds[(i/2)%len(kinds)]}
		}
		if err := sw.SetRow(xlsxCell(first+i, 1), values, excelize.RowOpts{Height: 2*xlsxLineH + 3}); err != nil {
			return err
		}
	}
	return nil
}

// templateSection is the section of a clause: "2.6.1" → "2.6".
func templateSection(clause string) string {
	if i := strings.LastIndexByte(clause, '.'); i > 0 {
		return clause[:i]
	}
	return clause
}

// dropDowns puts the drop-downs of graphs 3, 4 and 5 (rules.DropDowns,
// the same perechen setup-sheet puts on a live sheet) on the form's rows.
// The blank is written one need per row, so graph 4 gets its list too; the
// kinds, which the Порядок allows no other value for, refuse other text.
func (x *xlsxForm) dropDowns(p *rules.Profile, first int) error {
	var lists []xlsxlists.List
	for _, dd := range p.DropDowns() {
		col := rules.ColumnName(dd.Graph - 1)
		lists = append(lists, xlsxlists.List{DropDown: dd, Strict: dd.Closed,
			Sqref: fmt.Sprintf("%s%d:%s%d", col, first, col, first+templateRows-1)})
	}
	_, _, err := xlsxlists.Set(x.f, x.sheet, lists)
	return err
}
