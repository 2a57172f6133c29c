package render

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/rules"
)

// TemplateOptions shape the blank form.
type TemplateOptions struct {
	NumberRow    bool   // the row "1 2 3 4 5" under the header, as in the Порядок's form
	ExampleRows  int    // placeholder rows showing how to fill the form (the linter flags them until replaced)
	Organisation string // written under the title
}

// Sheet names of the template.
const (
	templateListsSheet = "Справочники"
	// templateRows is how far down the drop-downs reach.
	templateRows = 2000
	// templateMaxExamples bounds ExampleRows: examples are illustrations.
	templateMaxExamples = 100
)

// WriteTemplate writes the blank official form for staff to start from:
// the profile's captions, optional column-number row, placeholder rows and
// drop-downs for the touchpoint names (п. 4.1/4.2) and the kind labels. The
// lists stand on the hidden sheet "Справочники" (a typed list is limited to
// 255 characters). The same profile and options give the same bytes.
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

// dropDowns writes the vocabularies on the hidden sheet and validates the
// touchpoint (graph 3) and kind (graph 5) columns against them.
func (x *xlsxForm) dropDowns(p *rules.Profile, first int) error {
	f := x.f
	if _, err := f.NewSheet(templateListsSheet); err != nil {
		return err
	}
	names, kinds := p.TouchpointNames(), p.KindLabels()
	if err := f.SetSheetCol(templateListsSheet, "A1", &names); err != nil {
		return err
	}
	if err := f.SetSheetCol(templateListsSheet, "B1", &kinds); err != nil {
		return err
	}
	if err := f.SetColWidth(templateListsSheet, "A", "B", 60); err != nil {
		return err
	}
	if err := f.SetSheetVisible(templateListsSheet, false); err != nil {
		return err
	}
	var paragraphs []string
	for _, k := range p.Kinds {
		paragraphs = append(paragraphs, k.Paragraph)
	}
	last := first + templateRows - 1
	tp := excelize.NewDataValidation(true)
	tp.Sqref = fmt.Sprintf("C%d:C%d", first, last)
	tp.SetSqrefDropList(fmt.Sprintf("'%s'!$A$1:$A$%d", templateListsSheet, len(names)))
	tp.SetInput("Точка взаимодействия", "Выберите точку из перечня п. "+strings.Join(paragraphs, ", ")+" Порядка.")
	// a warning, not a stop: the Порядок accepts abbreviations such as «СЭД»
	tp.SetError(excelize.DataValidationErrorStyleWarning, "Точка не из перечня",
		"Такой точки нет в п. "+strings.Join(paragraphs, ", ")+" Порядка. Выберите точку из списка или оставьте, если она согласована.")
	if err := f.AddDataValidation(x.sheet, tp); err != nil {
		return err
	}
	kind := excelize.NewDataValidation(true)
	kind.Sqref = fmt.Sprintf("E%d:E%d", first, last)
	kind.SetSqrefDropList(fmt.Sprintf("'%s'!$B$1:$B$%d", templateListsSheet, len(kinds)))
	kind.SetInput("Вид точки", "Выберите: «"+strings.Join(kinds, "» или «")+"».")
	kind.SetError(excelize.DataValidationErrorStyleStop, "Неверный вид точки",
		"В графе 5 указывается вид точки: «"+strings.Join(kinds, "» или «")+"» (п. "+strings.Join(paragraphs, ", ")+" Порядка).")
	return f.AddDataValidation(x.sheet, kind)
}
