package sync

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/internal/logbuf"
	"github.com/perechen-oiv/perechen/rules"
)

// sampleWorkbook is the sample registry as staff would keep it: styled
// header, merged title, column widths, a person's comments inside and
// outside the table.
func sampleWorkbook(t testing.TB) []byte {
	t.Helper()
	g := rules.SampleGrid()
	return xlsxBytes(t, func(f *excelize.File) {
		if err := f.SetSheetName("Sheet1", sheetTitle); err != nil {
			t.Fatal(err)
		}
		for r, row := range g.Cells {
			for c, cell := range row {
				name, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if cell.Value != "" {
					f.SetCellValue(sheetTitle, name, cell.Value)
				}
			}
		}
		bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Times New Roman", Size: 12},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
			Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}})
		f.SetCellStyle(sheetTitle, "A4", "E4", bold)
		f.MergeCell(sheetTitle, "A1", "E1")
		f.SetColWidth(sheetTitle, "B", "B", 48)
		f.SetRowHeight(sheetTitle, 7, 60)
		f.AddComment(sheetTitle, excelize.Comment{Cell: "A1", Author: "Мария", Paragraph: []excelize.RichTextRun{
			{Text: "Мария:", Font: &excelize.Font{Bold: true}}, {Text: "\nутвердить до пятницы"}}})
		f.AddComment(sheetTitle, excelize.Comment{Cell: "B6", Author: "Иван", Paragraph: []excelize.RichTextRun{
			{Text: "Иван:", Font: &excelize.Font{Bold: true}}, {Text: "\nуточнить название"}}})
	})
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// xlsxCycle runs fetch + lint + plan + write on an XLSX source.
func xlsxCycle(t testing.TB, s *XLSXSource, now time.Time) ([]NoteChange, error) {
	t.Helper()
	snap, err := s.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	reg, diags := lintGrid(t, snap.Grid)
	changes := PlanNotes(snap.Grid, reg, diags, now)
	return changes, s.WriteNotes(context.Background(), snap, changes)
}

// workbookView is what must survive a round trip.
type workbookView struct {
	Rows     [][]string
	Merges   []string
	Styles   map[string]excelize.Style
	ColWidth float64
	RowH     float64
	Comments map[string]excelize.Comment
}

func viewWorkbook(t testing.TB, path string) workbookView {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := workbookView{Styles: map[string]excelize.Style{}, Comments: map[string]excelize.Comment{}}
	if v.Rows, err = f.GetRows(sheetTitle); err != nil {
		t.Fatal(err)
	}
	mcs, _ := f.GetMergeCells(sheetTitle)
	for _, m := range mcs {
		v.Merges = append(v.Merges, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, cell := range []string{"A4", "C4", "B7", "D13"} {
		idx, _ := f.GetCellStyle(sheetTitle, cell)
		st, err := f.GetStyle(idx)
		if err != nil {
			t.Fatal(err)
		}
		v.Styles[cell] = *st
	}
	v.ColWidth, _ = f.GetColWidth(sheetTitle, "B")
	v.RowH, _ = f.GetRowHeight(sheetTitle, 7)
	cs, _ := f.GetComments(sheetTitle)
	for _, c := range cs {
		v.Comments[c.Cell] = c
	}
	return v
}

func TestXLSXCopyRoundTrip(t *testing.T) {
	path := writeTemp(t, "перечень.xlsx", sampleWorkbook(t))
	original, _ := os.ReadFile(path)
	s, err := NewXLSXSource(XLSXConfig{Path: path, Sheet: sheetTitle})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(path), "перечень.perechen.xlsx"); s.CopyPath() != want {
		t.Fatalf("copy path %s", s.CopyPath())
	}
	changes, err := xlsxCycle(t, s, now0)
	if err != nil || len(changes) == 0 {
		t.Fatalf("changes %d, err %v", len(changes), err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, original) {
		t.Fatal("copy mode changed the original file")
	}
	assertRoundTrip(t, path, s.CopyPath(), changes)

	// Same file, same findings: the copy is not rewritten.
	info1, _ := os.Stat(s.CopyPath())
	time.Sleep(10 * time.Millisecond)
	if _, err := xlsxCycle(t, s, now0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if info2, _ := os.Stat(s.CopyPath()); !info2.ModTime().Equal(info1.ModTime()) {
		t.Fatal("unchanged copy rewritten")
	}
	link := s.Link(rules.Ref{Sheet: sheetTitle, Row: 21, Col: 2})
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "file" || u.Path != path || u.Fragment != "Перечень!C22" {
		t.Fatalf("link = %s", link)
	}
}

// assertRoundTrip compares the annotated workbook with the original: all
// but the planned comments must be equal.
func assertRoundTrip(t *testing.T, before, after string, changes []NoteChange) {
	t.Helper()
	a, b := viewWorkbook(t, before), viewWorkbook(t, after)
	if !reflect.DeepEqual(a.Rows, b.Rows) {
		t.Fatal("values changed")
	}
	if !reflect.DeepEqual(a.Merges, b.Merges) || len(a.Merges) == 0 {
		t.Fatalf("merges %v -> %v", a.Merges, b.Merges)
	}
	if !reflect.DeepEqual(a.Styles, b.Styles) {
		t.Fatalf("styles changed:\n%+v\n%+v", a.Styles, b.Styles)
	}
	if a.ColWidth != b.ColWidth || a.RowH != b.RowH {
		t.Fatalf("sizes %v/%v -> %v/%v", a.ColWidth, a.RowH, b.ColWidth, b.RowH)
	}
	changed := map[string]NoteChange{}
	for _, c := range changes {
		changed[c.Ref.A1()] = c
	}
	for cell, c := range a.Comments {
		if _, ok := changed[cell]; !ok && !reflect.DeepEqual(c, b.Comments[cell]) {
			t.Fatalf("comment %s changed: %+v -> %+v", cell, c, b.Comments[cell])
		}
	}
	for cell, ch := range changed {
		got := b.Comments[cell]
		if CommentText(got) != ch.New {
			t.Fatalf("comment %s = %q, want %q", cell, CommentText(got), ch.New)
		}
		if old, ok := a.Comments[cell]; ok {
			if got.Author != old.Author || !reflect.DeepEqual(got.Paragraph[0], old.Paragraph[0]) {
				t.Fatalf("person's comment %s lost its author or formatting: %+v", cell, got)
			}
		} else if got.Author != CommentAuthor {
			t.Fatalf("comment %s by %q", cell, got.Author)
		}
	}
	if n := CommentText(b.Comments["B6"]); !strings.HasPrefix(n, "Иван:\nуточнить название\n\nperechen: ") {
		t.Fatalf("B6 = %q", n)
	}
}

func TestXLSXInPlace(t *testing.T) {
	path := writeTemp(t, "Перечень ОИВ.xlsx", sampleWorkbook(t))
	original, _ := os.ReadFile(path)
	s, err := NewXLSXSource(XLSXConfig{Path: path, Mode: XLSXModeInPlace})
	if err != nil {
		t.Fatal(err)
	}
	changes, err := xlsxCycle(t, s, now0)
	if err != nil {
		t.Fatal(err)
	}
	if bak, _ := os.ReadFile(path + ".bak"); !bytes.Equal(bak, original) {
		t.Fatal("backup does not hold the previous version")
	}
	assertRoundTrip(t, path+".bak", path, changes)
	if again, err := xlsxCycle(t, s, now0.Add(time.Hour)); err != nil || len(again) != 0 {
		t.Fatalf("second cycle: %d changes, %v", len(again), err)
	}
	if tmp, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.tmp-*")); len(tmp) != 0 {
		t.Fatalf("temp files left: %v", tmp)
	}
}

func TestXLSXInPlaceSkipsLockedFile(t *testing.T) {
	for _, lock := range []string{"~$reg.xlsx", ".~lock.reg.xlsx#"} {
		t.Run(lock, func(t *testing.T) {
			path := writeTemp(t, "reg.xlsx", sampleWorkbook(t))
			original, _ := os.ReadFile(path)
			s, _ := NewXLSXSource(XLSXConfig{Path: path, Mode: XLSXModeInPlace})
			if err := os.WriteFile(filepath.Join(filepath.Dir(path), lock), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := xlsxCycle(t, s, now0)
			if !errors.Is(err, ErrFileLocked) {
				t.Fatalf("err = %v", err)
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, original) {
				t.Fatal("locked file written")
			}
			if _, err := os.Stat(path + ".bak"); err == nil {
				t.Fatal("backup written for a skipped write")
			}
		})
	}
}

func TestXLSXConcurrentChangeDetected(t *testing.T) {
	for _, mode := range []string{XLSXModeInPlace, XLSXModeCopy} {
		t.Run(mode, func(t *testing.T) {
			path := writeTemp(t, "reg.xlsx", sampleWorkbook(t))
			s, _ := NewXLSXSource(XLSXConfig{Path: path, Mode: mode})
			snap, err := s.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			reg, diags := lintGrid(t, snap.Grid)
			changes := PlanNotes(snap.Grid, reg, diags, now0)
			// A person saves the file with a new row meanwhile.
			edited := xlsxBytes(t, func(f *excelize.File) { f.SetCellValue("Sheet1", "A1", "другая версия") })
			if err := os.WriteFile(path, edited, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := s.WriteNotes(context.Background(), snap, changes); !errors.Is(err, ErrSheetMoved) {
				t.Fatalf("err = %v", err)
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, edited) {
				t.Fatal("the person's version was replaced")
			}
			if _, err := os.Stat(s.CopyPath()); mode == XLSXModeCopy && err == nil {
				t.Fatal("copy written from a stale read")
			}
		})
	}
}

func TestXLSXModeOffAndBadConfig(t *testing.T) {
	path := writeTemp(t, "reg.xlsx", sampleWorkbook(t))
	s, _ := NewXLSXSource(XLSXConfig{Path: path, Mode: XLSXModeOff})
	if _, err := xlsxCycle(t, s, now0); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("read-only source wrote files: %v", entries)
	}
	if _, err := NewXLSXSource(XLSXConfig{Path: path, Mode: "overwrite"}); err == nil || !strings.Contains(err.Error(), "in-place") {
		t.Fatalf("err = %v", err)
	}
	if _, err := NewXLSXSource(XLSXConfig{Path: path, CopyPath: path}); err == nil {
		t.Fatal("copy over the original accepted")
	}
	missing, _ := NewXLSXSource(XLSXConfig{Path: filepath.Join(t.TempDir(), "нет.xlsx")})
	if _, err := missing.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "не найден") {
		t.Fatalf("err = %v", err)
	}
}

// TestXLSXLibreOfficeRoundTrip annotates a workbook written by LibreOffice
// Calc (converted from the sample with soffice) in place.
func TestXLSXLibreOfficeRoundTrip(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("soffice (libreoffice-calc) is required under CI")
		}
		t.Skip("soffice not installed (apt-get install libreoffice-calc)")
	}
	if testing.Short() {
		t.Skip("LibreOffice conversion takes seconds; skipped with -short")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src", "reg.xlsx")
	os.MkdirAll(filepath.Dir(src), 0o755)
	os.WriteFile(src, sampleWorkbook(t), 0o644)
	out := filepath.Join(dir, "lo")
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, src)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	path := filepath.Join(out, "reg.xlsx")
	s, _ := NewXLSXSource(XLSXConfig{Path: path, Mode: XLSXModeInPlace})
	snap, err := s.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if snap.Grid.At(5, 1).Note == "" {
		t.Fatal("LibreOffice file lost the person's comment before we touched it")
	}
	reg, diags := lintGrid(t, snap.Grid)
	changes := PlanNotes(snap.Grid, reg, diags, now0)
	if err := s.WriteNotes(context.Background(), snap, changes); err != nil {
		t.Fatal(err)
	}
	a, b := viewWorkbook(t, path+".bak"), viewWorkbook(t, path)
	if !reflect.DeepEqual(a.Rows, b.Rows) || !reflect.DeepEqual(a.Merges, b.Merges) || !reflect.DeepEqual(a.Styles, b.Styles) {
		t.Fatal("values, merges or styles changed in the LibreOffice file")
	}
	if CommentText(b.Comments["A1"]) != CommentText(a.Comments["A1"]) {
		t.Fatal("comment outside the table changed")
	}
	again, err := xlsxCycle(t, s, now0.Add(time.Hour))
	if err != nil || len(again) != 0 {
		t.Fatalf("second cycle on the LibreOffice file: %d changes, %v", len(again), err)
	}
}

// TestXLSXLogs: the XLSX source logs through the logger it is given — a
// write, and a write skipped because the file changed, both at info.
func TestXLSXLogs(t *testing.T) {
	path := writeTemp(t, "reg.xlsx", sampleWorkbook(t))
	logs := &logbuf.Buffer{}
	logger := logrus.New()
	logger.Out = logs
	s, _ := NewXLSXSource(XLSXConfig{Path: path, Mode: XLSXModeInPlace, Logger: logger.WithField("source", "oiv")})
	snap, err := s.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	reg, diags := lintGrid(t, snap.Grid)
	changes := PlanNotes(snap.Grid, reg, diags, now0)
	if err := s.WriteNotes(context.Background(), snap, changes); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteNotes(context.Background(), snap, changes); !errors.Is(err, ErrSheetMoved) {
		t.Fatalf("a second write from the same read: %v", err)
	}
	out := logs.String()
	for _, want := range []string{"level=info msg=\"notes written\"", "file changed since it was read", "source=oiv", "file=" + path} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "level=error") || strings.Contains(out, "level=warn") {
		t.Errorf("logged above info:\n%s", out)
	}
}
