package sync

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/rules"
)

// Bounds on what an XLSX may unpack to. A real Перечень is a few hundred
// kilobytes; these refuse zip bombs and runaway sheets with a clear message
// instead of exhausting memory.
const (
	MaxUnzipSize    = 256 << 20 // whole archive, unpacked
	MaxUnzipXMLSize = 16 << 20  // one part kept in memory; larger parts spill to a temp file
	MaxRows         = 200_000
	MaxCols         = 200
)

// ReadXLSX reads one sheet of an XLSX workbook into a grid: formatted
// values (as a person sees them), merged ranges and cell comments as notes.
// sheet "" means the first sheet. size is the input's length, used only to
// refuse oversized input early.
func ReadXLSX(r io.Reader, size int64, sheet string) (rules.Grid, error) {
	if size > MaxUnzipSize {
		return rules.Grid{}, fmt.Errorf("файл слишком большой (%d МиБ)", size>>20)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxUnzipSize+1))
	if err != nil {
		return rules.Grid{}, fmt.Errorf("не удалось прочитать файл: %v", err)
	}
	return ReadXLSXBytes(data, sheet)
}

// ReadXLSXBytes is ReadXLSX of a workbook already in memory (no copy).
func ReadXLSXBytes(data []byte, sheet string) (rules.Grid, error) {
	if len(data) > MaxUnzipSize {
		return rules.Grid{}, fmt.Errorf("файл слишком большой (больше %d МиБ)", MaxUnzipSize>>20)
	}
	if len(data) < 4 || !bytes.Equal(data[:4], []byte("PK\x03\x04")) {
		return rules.Grid{}, notXLSX(data[:min(len(data), 4)])
	}
	fast := readXLSXFast(data, sheet)
	switch {
	case fast.err != nil:
		return rules.Grid{}, fast.err
	case fast.scanned && !fast.comments:
		return fast.grid, nil
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    MaxUnzipSize,
		UnzipXMLSizeLimit: MaxUnzipXMLSize,
	})
	if err != nil {
		return rules.Grid{}, openError(err)
	}
	defer f.Close()
	return gridFromFile(f, data, sheet, fast)
}

func notXLSX(head []byte) error {
	switch {
	case len(head) == 0:
		return errors.New("файл пуст; нужен файл XLSX с Перечнем")
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return errors.New("файл в старом формате XLS или защищён паролем; сохраните его как XLSX без пароля")
	default:
		return errors.New("это не файл XLSX (возможно, CSV или другой формат, переименованный в .xlsx); сохраните таблицу как «Книга Excel (.xlsx)»")
	}
}

func openError(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, excelize.ErrWorkbookPassword), strings.Contains(msg, "password"):
		return errors.New("файл защищён паролем; снимите пароль и сохраните как XLSX")
	case strings.Contains(msg, "unzip size"), strings.Contains(msg, "size limit"):
		return fmt.Errorf("файл распаковывается больше чем в %d МиБ — похоже на zip-бомбу, проверка отказана", MaxUnzipSize>>20)
	case errors.Is(err, excelize.ErrWorkbookFileFormat), strings.Contains(msg, "zip"):
		return fmt.Errorf("файл XLSX повреждён или обрезан (%v); сохраните его заново", err)
	default:
		return fmt.Errorf("не удалось прочитать XLSX: %v", err)
	}
}

// gridFromFile picks the sheet and reads its values, merges and comments;
// values and merges the scanner has read already (fast) are taken as they are.
func gridFromFile(f *excelize.File, data []byte, sheet string, fast fastRead) (g rules.Grid, err error) {
	defer func() {
		// excelize may panic on malformed parts; a broken file is input, not a bug.
		if p := recover(); p != nil {
			g, err = rules.Grid{}, fmt.Errorf("файл XLSX повреждён: %v", p)
		}
	}()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return rules.Grid{}, errors.New("в книге нет листов")
	}
	if sheet == "" {
		sheet = sheets[0]
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		return rules.Grid{}, fmt.Errorf("лист %q не найден; листы книги: %s", sheet, strings.Join(sheets, ", "))
	}
	g = rules.Grid{Sheet: sheet}
	if fast.scanned {
		g.Cells, g.Merges = fast.grid.Cells, fast.grid.Merges
	} else if err := readValuesAndMerges(f, openSheetZip(data, sheet), sheet, &g); err != nil {
		return rules.Grid{}, err
	}
	if err = readComments(f, sheet, &g); err != nil {
		return rules.Grid{}, err
	}
	return g, nil
}

// readValuesAndMerges is the way for sheets with XML the scanner leaves
// alone: streamed with encoding/xml, or excelize. z nil: excelize reads all.
func readValuesAndMerges(f *excelize.File, z *sheetZip, sheet string, g *rules.Grid) (err error) {
	if z != nil && tooManyRows(z.sheet, MaxRows) {
		return errTooManyRows(sheet)
	}
	if cells, ok := fastValues(z); ok {
		g.Cells = cells
	} else if g.Cells, err = readValues(f, sheet); err != nil {
		return err
	}
	g.Merges, err = readMerges(f, z, sheet)
	return err
}

func fastValues(z *sheetZip) ([][]rules.Cell, bool) {
	if z == nil {
		return nil, false
	}
	return readValuesFast(z)
}

func errTooManyRows(sheet string) error {
	return fmt.Errorf("на листе %q больше %d строк — это не похоже на Перечень; удалите лишние строки", sheet, MaxRows)
}

func readValues(f *excelize.File, sheet string) ([][]rules.Cell, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("лист %q повреждён и не читается: %v", sheet, err)
	}
	defer rows.Close()
	var cells [][]rules.Cell
	for rows.Next() {
		if len(cells) >= MaxRows {
			return nil, errTooManyRows(sheet)
		}
		cols, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("лист %q повреждён и не читается: %v", sheet, err)
		}
		if len(cols) > MaxCols {
			cols = cols[:MaxCols]
		}
		row := make([]rules.Cell, len(cols))
		for i, v := range cols {
			row[i].Value = v
		}
		cells = append(cells, row)
	}
	return cells, rows.Error()
}

func readMerges(f *excelize.File, z *sheetZip, sheet string) ([]rules.Range, error) {
	if z != nil {
		if merges, ok, err := readMergesFast(z.sheet); ok {
			return merges, err
		}
	}
	mcs, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, fmt.Errorf("файл повреждён: объединённые ячейки листа %q не читаются: %v", sheet, err)
	}
	var out []rules.Range
	for _, m := range mcs {
		c0, r0, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c1, r1, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue // a malformed merge says nothing we could use
		}
		out = append(out, rules.Range{Row0: r0 - 1, Col0: c0 - 1, Row1: r1 - 1, Col1: c1 - 1})
	}
	return out, nil
}

func readComments(f *excelize.File, sheet string, g *rules.Grid) error {
	comments, err := f.GetComments(sheet)
	if err != nil {
		return fmt.Errorf("файл повреждён: примечания листа %q не читаются: %v", sheet, err)
	}
	for _, c := range comments {
		col, row, err := excelize.CellNameToCoordinates(c.Cell)
		if err != nil || row-1 >= MaxRows || col-1 >= MaxCols {
			continue
		}
		setNote(g, row-1, col-1, CommentText(c))
	}
	return nil
}

// CommentText is the plain text of a comment, joined from its runs.
func CommentText(c excelize.Comment) string {
	if len(c.Paragraph) == 0 {
		return c.Text
	}
	var b strings.Builder
	for _, run := range c.Paragraph {
		b.WriteString(run.Text)
	}
	return b.String()
}

// setNote grows the grid as needed: a comment may sit on an empty cell.
func setNote(g *rules.Grid, row, col int, note string) {
	for len(g.Cells) <= row {
		g.Cells = append(g.Cells, nil)
	}
	for len(g.Cells[row]) <= col {
		g.Cells[row] = append(g.Cells[row], rules.Cell{})
	}
	g.Cells[row][col].Note = note
}
