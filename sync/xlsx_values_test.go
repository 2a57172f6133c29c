package sync

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
)

// slowValues reads values the way excelize formats them: the reference
// the fast reader must match (or decline).
func slowValues(t *testing.T, data []byte, sheet string) [][]rules.Cell {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cells, err := readValues(f, sheet)
	if err != nil {
		t.Fatal(err)
	}
	return cells
}

// trimmed drops trailing empty cells and rows: both readers agree on
// content, not on how many empty cells they keep.
func trimmed(cells [][]rules.Cell) string {
	var b strings.Builder
	last := 0
	lines := make([]string, len(cells))
	for r, row := range cells {
		var vals []string
		for _, c := range row {
			vals = append(vals, fmt.Sprintf("%q", c.Value))
		}
		for len(vals) > 0 && vals[len(vals)-1] == `""` {
			vals = vals[:len(vals)-1]
		}
		lines[r] = strings.Join(vals, ",")
		if len(vals) > 0 {
			last = r + 1
		}
	}
	for _, l := range lines[:last] {
		b.WriteString(l + "\n")
	}
	return b.String()
}

func assertFastMatches(t *testing.T, name string, data []byte, wantFast bool) {
	t.Helper()
	zr := mustSheetName(t, data)
	z := openSheetZip(data, zr)
	if z == nil {
		t.Fatalf("%s: sheet part not found", name)
	}
	fast, ok := readValuesFast(z)
	if ok != wantFast {
		t.Fatalf("%s: fast reader ok=%v, want %v", name, ok, wantFast)
	}
	if _, scanOK := scanSheetFast(z); scanOK != wantFast {
		t.Fatalf("%s: scanner ok=%v, want %v", name, scanOK, wantFast)
	}
	if !ok {
		return
	}
	if got, want := trimmed(fast), trimmed(slowValues(t, data, zr)); got != want {
		t.Errorf("%s: fast reader differs from excelize\n--- fast:\n%s--- excelize:\n%s", name, got, want)
	}
	assertScanMatchesDecoder(t, name, z)
}

func mustSheetName(t *testing.T, data []byte) string {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.GetSheetList()[0]
}

func TestFastValuesMatchExcelizeOnForms(t *testing.T) {
	for _, c := range []struct {
		name, profile string
		grid          rules.Grid
	}{
		{"sample", "oiv", rules.SampleGrid()},
		{"seed003", "mimp-mo", rules.Seed003Grid()},
		{"synthetic", "oiv", rules.SyntheticGrid(500)},
	} {
		p, err := rules.LoadProfile(c.profile)
		if err != nil {
			t.Fatal(err)
		}
		// As staff's files look (cell by cell) and as perechen writes the form.
		assertFastMatches(t, c.name+"/grid", gridBytes(t, c.grid), true)
		reg, _ := rules.Parse(c.grid, p)
		var buf bytes.Buffer
		if err := render.NewXLSX().Render(&buf, reg, render.Meta{Profile: p, Organisation: "Орган"}); err != nil {
			t.Fatal(err)
		}
		assertFastMatches(t, c.name+"/form", buf.Bytes(), true)
	}
}

func TestFastValuesDeclineFormattedNumbers(t *testing.T) {
	cases := map[string]func(f *excelize.File){
		"decimal": func(f *excelize.File) { f.SetCellValue("Sheet1", "A1", 12.5) },
		"date": func(f *excelize.File) {
			f.SetCellValue("Sheet1", "A1", 45000)
			st, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
			f.SetCellStyle("Sheet1", "A1", "A1", st)
		},
		"percent": func(f *excelize.File) {
			f.SetCellValue("Sheet1", "B2", 1)
			st, _ := f.NewStyle(&excelize.Style{NumFmt: 9})
			f.SetCellStyle("Sheet1", "B2", "B2", st)
		},
	}
	for name, build := range cases {
		data := xlsxBytes(t, build)
		assertFastMatches(t, name, data, false)
		g, err := ReadXLSX(bytes.NewReader(data), int64(len(data)), "")
		if err != nil {
			t.Fatal(err)
		}
		if trimmed(g.Cells) != trimmed(slowValues(t, data, "Sheet1")) {
			t.Errorf("%s: ReadXLSX did not fall back to excelize's formatting", name)
		}
	}
}

// TestFastValuesRandom writes random cells of every kind the fast reader
// claims to handle and compares with excelize.
func TestFastValuesRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	pieces := []string{"Получение консультации", " ведущий пробел", "хвост ", "две\nстроки", "<b>&amp;</b>", "ё", "\t",
		"=1+1", "'апостроф", "😀", "СЭД", "  ", "1.", "№ п/п"}
	for i := 0; i < 40; i++ {
		data := xlsxBytes(t, func(f *excelize.File) {
			for r := 1; r <= 1+rng.IntN(30); r++ {
				for c := 1; c <= 1+rng.IntN(6); c++ {
					if rng.IntN(4) == 0 {
						continue
					}
					cell, _ := excelize.CoordinatesToCellName(c, r)
					switch rng.IntN(5) {
					case 0:
						f.SetCellInt("Sheet1", cell, int64(rng.IntN(2000)-1000))
					case 1:
						f.SetCellBool("Sheet1", cell, rng.IntN(2) == 0)
					case 2:
						f.SetCellRichText("Sheet1", cell, []excelize.RichTextRun{{Text: pieces[rng.IntN(len(pieces))]},
							{Text: pieces[rng.IntN(len(pieces))], Font: &excelize.Font{Bold: true}}})
					default:
						f.SetCellStr("Sheet1", cell, pieces[rng.IntN(len(pieces))]+pieces[rng.IntN(len(pieces))])
					}
				}
			}
		})
		assertFastMatches(t, fmt.Sprintf("random %d", i), data, true)
	}
}

func gridBytes(t *testing.T, g rules.Grid) []byte {
	return xlsxBytes(t, func(f *excelize.File) {
		f.SetSheetName("Sheet1", g.Sheet)
		for r, row := range g.Cells {
			for c, cell := range row {
				if cell.Value != "" {
					name, _ := excelize.CoordinatesToCellName(c+1, r+1)
					f.SetCellStr(g.Sheet, name, cell.Value)
				}
			}
		}
	})
}
