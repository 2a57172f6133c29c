package sync

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func xlsxBytes(t testing.TB, build func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	build(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSXValuesMergesComments(t *testing.T) {
	data := xlsxBytes(t, func(f *excelize.File) {
		f.SetSheetName("Sheet1", "Перечень")
		f.SetCellValue("Перечень", "A1", "№")
		f.SetCellValue("Перечень", "B2", "Процесс")
		f.SetCellValue("Перечень", "C2", 12.5)
		f.MergeCell("Перечень", "B2", "B4")
		f.AddComment("Перечень", excelize.Comment{Cell: "E7", Author: "Иван", Paragraph: []excelize.RichTextRun{{Text: "моя "}, {Text: "заметка"}}})
	})
	g, err := ReadXLSX(bytes.NewReader(data), int64(len(data)), "")
	if err != nil {
		t.Fatal(err)
	}
	if g.Sheet != "Перечень" || g.Value(0, 0) != "№" || g.Value(1, 1) != "Процесс" || g.Value(1, 2) != "12.5" {
		t.Fatalf("values: %+v", g.Cells)
	}
	if len(g.Merges) != 1 || g.Merges[0].Row0 != 1 || g.Merges[0].Row1 != 3 || g.Merges[0].Col0 != 1 {
		t.Fatalf("merges: %+v", g.Merges)
	}
	if n := g.At(6, 4).Note; n != "моя заметка" {
		t.Fatalf("note on E7 = %q", n)
	}
}

func TestReadXLSXRefusesBadInput(t *testing.T) {
	good := xlsxBytes(t, func(f *excelize.File) { f.SetCellValue("Sheet1", "A1", "x") })
	cases := map[string]struct {
		data  []byte
		sheet string
		want  string
	}{
		"empty":     {nil, "", "пуст"},
		"csv":       {[]byte("№;Процесс\n1;Отпуск\n"), "", "не файл XLSX"},
		"ole":       {[]byte{0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0}, "", "паролем"},
		"truncated": {good[:len(good)/2], "", "повреждён"},
		"sheet":     {good, "Нет такого", "листы книги: Sheet1"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ReadXLSX(bytes.NewReader(c.data), int64(len(c.data)), c.sheet)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}
