package sheetsfake

import (
	"fmt"
	"time"
)

// SetNumber types a number into a cell whose number format is pattern
// ("0.00", "#,##0", "0%"; "" = automatic), as a person typing 1 into a
// column formatted with two decimals. The cell then shows — and the API
// returns as formattedValue — the number as the spreadsheet's locale
// displays it: «1,00» in ru_RU, «1.00» in en_US.
func (f *Fake) SetNumber(title string, row, col int, v float64, pattern string) {
	f.setTyped(title, row, col, typedValue{number: &v, formatType: "NUMBER", pattern: pattern})
}

// SetDate types a date into a cell with a date format (pattern "" is the
// locale's default: «04.12.2026» in ru_RU).
func (f *Fake) SetDate(title string, row, col int, d time.Time, pattern string) {
	serial := serialOf(d)
	f.setTyped(title, row, col, typedValue{number: &serial, formatType: "DATE", pattern: pattern})
}

// SetLink makes a cell a =HYPERLINK(url, text): it shows text, and
// formattedValue is text; the address is only in the hyperlink field.
func (f *Fake) SetLink(title string, row, col int, text, url string) {
	f.setTypedText(title, row, col, text, typedValue{link: url})
}

// SetPersonChip makes a cell a person smart chip showing display (the
// person's name or e-mail, as the chip is set to show).
func (f *Fake) SetPersonChip(title string, row, col int, display, email string) {
	f.setTypedText(title, row, col, display, typedValue{chip: &chip{email: email}})
}

// SetLinkChip makes a cell a rich-link smart chip (a Drive file, a
// calendar event …) showing display, its title.
func (f *Fake) SetLinkChip(title string, row, col int, display, uri string) {
	f.setTypedText(title, row, col, display, typedValue{chip: &chip{uri: uri}})
}

func (f *Fake) setTyped(title string, row, col int, tv typedValue) {
	f.mu.Lock()
	loc := f.locale
	f.mu.Unlock()
	f.setTypedText(title, row, col, tv.displayOf(loc), tv)
}

func (f *Fake) setTypedText(title string, row, col int, display string, tv typedValue) {
	f.edit(title, func(sh *sheet) {
		sh.cell(row, col).Value = display
		if sh.typed == nil {
			sh.typed = map[[2]int]typedValue{}
		}
		sh.typed[[2]int{row, col}] = tv
	})
}

// SetLocale sets the spreadsheet's locale (File → Settings): "ru_RU"
// (default), "en_US" or "de_DE". Numbers and dates are shown again in it.
func (f *Fake) SetLocale(locale string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.locale = locale
	for _, sh := range f.sheets {
		for rc, tv := range sh.typed {
			if tv.number != nil {
				sh.cell(rc[0], rc[1]).Value = tv.displayOf(locale)
			}
		}
	}
	f.version++
}

// SetHidden hides or shows a sheet (its properties.hidden).
func (f *Fake) SetHidden(title string, hidden bool) {
	f.edit(title, func(sh *sheet) { sh.hidden = hidden })
}

// MoveSheet moves a sheet to position index (0 = first tab), as dragging
// its tab does.
func (f *Fake) MoveSheet(title string, index int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sh := f.mustSheet(title)
	rest := make([]*sheet, 0, len(f.sheets))
	for _, s := range f.sheets {
		if s != sh {
			rest = append(rest, s)
		}
	}
	if index < 0 || index > len(rest) {
		panic(fmt.Sprintf("sheetsfake: index %d out of range", index))
	}
	f.sheets = append(rest[:index:index], append([]*sheet{sh}, rest[index:]...)...)
	f.version++
}

// SetFormattedRows makes the first n rows of a sheet carry formatting
// (borders, a fill, a data validation down the whole column): Sheets then
// lists every one of them in rowData, empty or not, and grows the grid to
// at least n rows.
func (f *Fake) SetFormattedRows(title string, n int) {
	f.edit(title, func(sh *sheet) { sh.formattedRows = n })
}

// Version is the spreadsheet's Drive version: it grows with every change,
// including note writes through batchUpdate.
func (f *Fake) Version() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.version
}
