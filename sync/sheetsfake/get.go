package sheetsfake

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

var a1Re = regexp.MustCompile(`^([A-Z]*)([0-9]*)(?::([A-Z]*)([0-9]*))?$`)

// cellBounds is the part of a sheet a range covers: rows [row0, row1) and
// columns [col0, col1); -1 for an open end.
type cellBounds struct{ row0, row1, col0, col1 int }

var wholeSheet = cellBounds{0, -1, 0, -1}

// resolveRange finds the sheet a range names and the cells it covers; a
// range without a sheet name ("A1:E20") means the first sheet, as in Sheets.
func (f *Fake) resolveRange(rng string) (*sheet, cellBounds, error) {
	title, cells := rng, ""
	if strings.HasPrefix(rng, "'") {
		end := 1
		var b strings.Builder
		for end < len(rng) {
			if rng[end] == '\'' {
				if end+1 < len(rng) && rng[end+1] == '\'' {
					b.WriteByte('\'')
					end += 2
					continue
				}
				break
			}
			b.WriteByte(rng[end])
			end++
		}
		if end >= len(rng) {
			return nil, cellBounds{}, fmt.Errorf("Unable to parse range: %s", rng)
		}
		title, cells = b.String(), strings.TrimPrefix(rng[end+1:], "!")
	} else if i := strings.LastIndex(rng, "!"); i >= 0 {
		title, cells = rng[:i], rng[i+1:]
	}
	bounds, ok := parseBounds(cells)
	if !ok {
		return nil, cellBounds{}, fmt.Errorf("Unable to parse range: %s", rng)
	}
	if sh := f.sheetLocked(title); sh != nil && title != "" {
		return sh, bounds, nil
	}
	if !strings.HasPrefix(rng, "'") && !strings.Contains(rng, "!") && len(f.sheets) > 0 {
		if b, ok := parseBounds(rng); ok && rng != "" {
			return f.sheets[0], b, nil
		}
	}
	return nil, cellBounds{}, fmt.Errorf("Unable to parse range: %s", rng)
}

// parseBounds reads the A1 part of a range: "", "A1:E20", "1:50", "A:C", "B2".
func parseBounds(a1 string) (cellBounds, bool) {
	if a1 == "" {
		return wholeSheet, true
	}
	m := a1Re.FindStringSubmatch(a1)
	if m == nil {
		return cellBounds{}, false
	}
	col := func(s string, def int) int {
		if s == "" {
			return def
		}
		n := 0
		for _, r := range s {
			n = n*26 + int(r-'A'+1)
		}
		return n - 1
	}
	row := func(s string, def int) int {
		if s == "" {
			return def
		}
		n, _ := strconv.Atoi(s)
		return n - 1
	}
	b := cellBounds{row0: row(m[2], 0), col0: col(m[1], 0), row1: -1, col1: -1}
	if !strings.Contains(a1, ":") { // one cell
		b.row1, b.col1 = b.row0+1, b.col0+1
		return b, m[1] != "" && m[2] != ""
	}
	if m[4] != "" {
		b.row1 = row(m[4], 0) + 1
	}
	if m[3] != "" {
		b.col1 = col(m[3], 0) + 1
	}
	return b, b.row0 >= 0 && b.col0 >= 0
}

// handleGet serves spreadsheets.get: the properties of every sheet, or of
// the sheets the ranges name, and with includeGridData the cells of those
// ranges. Sheets come back in the workbook's order, not the ranges' order,
// one entry per sheet with one GridData per range.
func (f *Fake) handleGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	ranges := map[*sheet][]cellBounds{}
	for _, rng := range q["ranges"] {
		sh, b, err := f.resolveRange(rng)
		if err != nil {
			f.mu.Unlock()
			apiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", err.Error(), 0)
			return
		}
		ranges[sh] = append(ranges[sh], b)
	}
	withData := q.Get("includeGridData") == "true"
	var sheets []any
	for i, sh := range f.sheets {
		bs, named := ranges[sh]
		if len(ranges) > 0 && !named {
			continue
		}
		if len(bs) == 0 {
			bs = []cellBounds{wholeSheet}
		}
		sheets = append(sheets, f.sheetJSON(sh, i, withData, bs))
	}
	resp := map[string]any{
		"spreadsheetId":  f.ID,
		"properties":     map[string]any{"title": "Перечень (fake)", "locale": f.locale, "timeZone": "Europe/Moscow"},
		"sheets":         sheets,
		"spreadsheetUrl": "https://docs.google.com/spreadsheets/d/" + f.ID + "/edit",
	}
	f.mu.Unlock()
	writeJSON(w, r, resp)
}

func (f *Fake) sheetJSON(sh *sheet, index int, withData bool, ranges []cellBounds) map[string]any {
	rows, cols := gridSize(sh)
	props := map[string]any{
		"sheetId": sh.id, "title": sh.title, "index": index, "sheetType": "GRID",
		"gridProperties": map[string]any{"rowCount": rows, "columnCount": cols, "frozenRowCount": 0},
	}
	if sh.hidden { // Sheets omits false booleans
		props["hidden"] = true
	}
	out := map[string]any{"properties": props}
	var merges []any
	for _, m := range sh.merges {
		merges = append(merges, map[string]any{"sheetId": sh.id, "startRowIndex": m.Row0, "endRowIndex": m.Row1 + 1,
			"startColumnIndex": m.Col0, "endColumnIndex": m.Col1 + 1})
	}
	if merges != nil {
		out["merges"] = merges
	}
	if pr := protectedJSON(sh); pr != nil {
		out["protectedRanges"] = pr
	}
	if withData {
		var data []any
		for _, b := range ranges {
			data = append(data, sh.gridData(b, f.locale, f.noteView))
		}
		out["data"] = data
	}
	return out
}

// gridData is one range's GridData: rows up to the last one with content
// or formatting, cells up to the last one with content in each row; notes
// handed back through view (SetNoteView) when it is set.
func (sh *sheet) gridData(b cellBounds, locale string, view func(string) string) map[string]any {
	last := len(sh.cells) - 1
	for last >= 0 && rowEmpty(sh.cells[last]) {
		last--
	}
	last = max(last, sh.formattedRows-1)
	ruleWidth := validationWidths(sh) // rows with data validation come back too
	for r := range ruleWidth {
		last = max(last, r)
	}
	if b.row1 >= 0 {
		last = min(last, b.row1-1)
	}
	var rowData []any
	for r := b.row0; r <= last; r++ {
		var row []rules.Cell
		if r < len(sh.cells) {
			row = sh.cells[r]
		}
		var values []any
		for c := b.col0; c < max(len(row), ruleWidth[r]) && (b.col1 < 0 || c < b.col1); c++ {
			values = append(values, sh.cellJSON(r, c, sh.at(r, c), view))
		}
		for len(values) > 0 && len(values[len(values)-1].(map[string]any)) == 0 {
			values = values[:len(values)-1]
		}
		rd := map[string]any{} // a row with formatting only: {} once masked
		if len(values) > 0 {
			rd["values"] = values
		}
		rowData = append(rowData, rd)
	}
	// Rows empty within the range's columns at its end are left out, as
	// Sheets does, unless they carry formatting.
	for len(rowData) > 0 && len(rowData[len(rowData)-1].(map[string]any)) == 0 && b.row0+len(rowData)-1 >= sh.formattedRows {
		rowData = rowData[:len(rowData)-1]
	}
	gd := map[string]any{"rowMetadata": []any{}, "columnMetadata": []any{}}
	if b.row0 > 0 {
		gd["startRow"] = b.row0
	}
	if b.col0 > 0 {
		gd["startColumn"] = b.col0
	}
	if rowData != nil {
		gd["rowData"] = rowData
	}
	return gd
}

// cellJSON is one CellData: plain text as a string value, a typed cell with
// its number, format, link or chip; formattedValue is what the cell shows.
func (sh *sheet) cellJSON(r, c int, cell rules.Cell, view func(string) string) map[string]any {
	v := map[string]any{}
	if dv, ok := sh.validations[[2]int{r, c}]; ok {
		v["dataValidation"] = dv.json()
	}
	if tv, ok := sh.typed[[2]int{r, c}]; ok {
		for k, x := range tv.json(cell.Value) {
			v[k] = x
		}
		v["formattedValue"] = cell.Value
	} else if cell.Value != "" {
		v["formattedValue"] = cell.Value
		v["userEnteredValue"] = map[string]any{"stringValue": cell.Value}
		v["effectiveValue"] = map[string]any{"stringValue": cell.Value}
		v["effectiveFormat"] = map[string]any{"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
	}
	if cell.Note != "" {
		v["note"] = cell.Note
		if view != nil {
			v["note"] = view(cell.Note)
		}
	}
	return v
}

func rowEmpty(row []rules.Cell) bool {
	for _, c := range row {
		if c.Value != "" || c.Note != "" {
			return false
		}
	}
	return true
}
