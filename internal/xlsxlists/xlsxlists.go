// Package xlsxlists puts the form's drop-down lists into an XLSX workbook:
// the values on a hidden sheet of perechen's own, list validations on the
// form's columns referring to them (a typed list is limited to 255
// characters, the touchpoints are longer). perechen template and perechen
// setup-sheet share it, so a new blank and an existing workbook offer the
// same lists with the same hints.
package xlsxlists

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/rules"
)

// Sheet holds the lists, graph 3's in column C, 4's in D, 5's in E.
// perechen owns it; a workbook's own «Справочники» are never touched.
const Sheet = "Списки perechen"

// List is one graph's drop-down on the form sheet.
type List struct {
	rules.DropDown
	// Sqref is the cells it covers: "C13:C240" or several ranges
	// separated by spaces.
	Sqref string
	// Strict refuses other text (Excel's "stop" alert); otherwise Excel
	// warns and lets the person keep it.
	Strict bool
}

// Set makes the form sheet carry exactly these lists among the validations
// that refer to Sheet (perechen's own), with the values on Sheet. Other
// validations stay, except on the lists' cells, which the lists take over.
// It returns the indexes of the lists it added or changed and the ranges of
// perechen's validations it removed; both empty when the workbook already
// held exactly this, and then the workbook is not modified.
func Set(f *excelize.File, form string, lists []List) (changed []int, removed []string, err error) {
	have, err := f.GetDataValidations(form)
	if err != nil {
		return nil, nil, fmt.Errorf("проверки данных листа «%s» не читаются: %v", form, err)
	}
	values, err := listValues(f)
	if err != nil {
		return nil, nil, err
	}
	want := make([]*excelize.DataValidation, len(lists))
	matched := make([]bool, len(have))
	used := map[int]bool{}
	for i, l := range lists {
		want[i] = validation(l)
		found := slices.IndexFunc(have, func(dv *excelize.DataValidation) bool { return same(dv, want[i]) })
		if found >= 0 {
			matched[found] = true
		}
		col := l.Graph - 1
		used[col] = true
		if found < 0 || col >= len(values) || !slices.Equal(values[col], l.Values) {
			changed = append(changed, i)
		}
	}
	stale := false // a column of Sheet no list uses any more
	for c, v := range values {
		stale = stale || len(v) > 0 && !used[c]
	}
	var ours []string
	for i, dv := range have {
		if own(dv) {
			ours = append(ours, dv.Sqref)
			if !matched[i] && !slices.ContainsFunc(lists, func(l List) bool { return l.Sqref == dv.Sqref }) {
				removed = append(removed, dv.Sqref)
			}
		}
	}
	if len(changed) == 0 && len(removed) == 0 && !stale {
		return nil, nil, nil
	}
	if err := writeValues(f, lists); err != nil {
		return nil, nil, err
	}
	// Out with perechen's old lists and whatever else sat on the cells the
	// lists take (Excel keeps one validation per cell), then in with these.
	clear := ours
	for _, l := range lists {
		clear = append(clear, l.Sqref)
	}
	if len(clear) > 0 {
		if err := f.DeleteDataValidation(form, clear...); err != nil {
			return nil, nil, fmt.Errorf("проверки данных листа «%s» не удаляются: %v", form, err)
		}
	}
	for _, dv := range want {
		if err := f.AddDataValidation(form, dv); err != nil {
			return nil, nil, fmt.Errorf("выпадающий список %s не добавляется: %v", dv.Sqref, err)
		}
	}
	return changed, removed, nil
}

// validation is the list's data validation. Its values stand in the
// column of Sheet with the graph's letter in the form (graph 3: C), so a
// list keeps its place when another graph gets or loses one.
func validation(l List) *excelize.DataValidation {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = l.Sqref
	col := rules.ColumnName(l.Graph - 1)
	dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", Sheet, col, col, len(l.Values)))
	dv.SetInput(l.Title, l.Prompt)
	style := excelize.DataValidationErrorStyleWarning
	if l.Strict {
		style = excelize.DataValidationErrorStyleStop
	}
	dv.SetError(style, l.ErrorTitle, l.Error)
	return dv
}

// own: a validation whose list stands on Sheet.
func own(dv *excelize.DataValidation) bool {
	return dv.Type == "list" && strings.HasPrefix(strings.TrimPrefix(dv.Formula1, "="), "'"+Sheet+"'!")
}

func same(a, b *excelize.DataValidation) bool {
	return a.Type == b.Type && a.Sqref == b.Sqref && strings.TrimPrefix(a.Formula1, "=") == b.Formula1 && a.AllowBlank == b.AllowBlank &&
		a.ShowErrorMessage == b.ShowErrorMessage && a.ShowInputMessage == b.ShowInputMessage &&
		deref(a.ErrorStyle) == deref(b.ErrorStyle) && deref(a.ErrorTitle) == deref(b.ErrorTitle) && deref(a.Error) == deref(b.Error) &&
		deref(a.PromptTitle) == deref(b.PromptTitle) && deref(a.Prompt) == deref(b.Prompt)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// listValues reads Sheet's columns (nil when the workbook has no Sheet).
func listValues(f *excelize.File) ([][]string, error) {
	if idx, _ := f.GetSheetIndex(Sheet); idx < 0 {
		return nil, nil
	}
	cols, err := f.GetCols(Sheet)
	if err != nil {
		return nil, fmt.Errorf("лист «%s» не читается: %v", Sheet, err)
	}
	for i, c := range cols {
		for len(c) > 0 && c[len(c)-1] == "" {
			c = c[:len(c)-1]
		}
		cols[i] = c
	}
	for len(cols) > 0 && len(cols[len(cols)-1]) == 0 {
		cols = cols[:len(cols)-1]
	}
	return cols, nil
}

// writeValues puts each list in its column of Sheet (hidden; created when
// missing), clearing what stood there before.
func writeValues(f *excelize.File, lists []List) error {
	if idx, _ := f.GetSheetIndex(Sheet); idx < 0 {
		if _, err := f.NewSheet(Sheet); err != nil {
			return fmt.Errorf("лист «%s» не создаётся: %v", Sheet, err)
		}
	}
	rows, err := f.GetRows(Sheet)
	if err != nil {
		return fmt.Errorf("лист «%s» не читается: %v", Sheet, err)
	}
	for r, row := range rows {
		for c, v := range row {
			if v != "" {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellValue(Sheet, cell, nil); err != nil {
					return err
				}
			}
		}
	}
	for _, l := range lists {
		values := l.Values
		col := rules.ColumnName(l.Graph - 1)
		if err := f.SetSheetCol(Sheet, col+"1", &values); err != nil {
			return err
		}
		if err := f.SetColWidth(Sheet, col, col, 60); err != nil {
			return err
		}
	}
	return f.SetSheetVisible(Sheet, false)
}
