package render

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	psync "github.com/perechen-oiv/perechen/sync"

	"github.com/perechen-oiv/perechen/rules"
)

func pxRenderXLSX(t testing.TB, fx pxFixture) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := NewXLSX().Render(&buf, fx.reg, fx.meta); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// modelText is the registry's content without cell positions: what a
// round trip must keep.
func pxModel(reg *rules.Registry) string {
	var b strings.Builder
	for _, p := range reg.Processes {
		b.WriteString("P " + p.Number + " | " + p.Name + "\n")
		for _, tp := range p.Touchpoints {
			b.WriteString("  T " + tp.Name + " | " + tp.Kind + "\n")
			for _, n := range tp.Needs {
				b.WriteString("    N " + n.Text + "\n")
			}
		}
	}
	return b.String()
}

func TestXLSXRoundTrip(t *testing.T) {
	for _, name := range []string{"sample", "seed003", "synthetic-500"} {
		t.Run(name, func(t *testing.T) {
			fx := pxLoad(t, name)
			data := pxRenderXLSX(t, fx)
			g, err := psync.ReadXLSX(bytes.NewReader(data), int64(len(data)), "")
			if err != nil {
				t.Fatal(err)
			}
			if g.Sheet != xlsxSheet {
				t.Errorf("sheet %q, want %q", g.Sheet, xlsxSheet)
			}
			back, _ := rules.Parse(g, fx.profile)
			if !back.HasHeader() {
				t.Fatal("the written form has no header the parser finds")
			}
			want, got := pxModel(fx.reg), pxModel(back)
			if got != want {
				t.Errorf("round trip changed the model\n--- want:\n%s\n--- got:\n%s", pxClip(want), pxClip(got))
			}
			if !strings.HasPrefix(back.Title, "ПЕРЕЧЕНЬ") || !strings.Contains(back.Title, fx.meta.Organisation) {
				t.Errorf("title block %q lacks the title or organisation", back.Title)
			}
			for i, c := range fx.profile.Captions() {
				if back.Header[i] != c {
					t.Errorf("header %d = %q, want the profile's %q", i+1, back.Header[i], c)
				}
			}
		})
	}
}

func TestXLSXDeterministic(t *testing.T) {
	fx := pxLoad(t, "seed003")
	a, b := pxRenderXLSX(t, fx), pxRenderXLSX(t, fx)
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same registry differ")
	}
	fx.meta.Version = fx.meta.Version.AddDate(0, 0, 1)
	if bytes.Equal(a, pxRenderXLSX(t, fx)) {
		t.Error("the version date does not reach the document properties")
	}
}

func TestXLSXForm(t *testing.T) {
	fx := pxLoad(t, "sample")
	f, err := excelize.OpenReader(bytes.NewReader(pxRenderXLSX(t, fx)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := xlsxSheet
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Created != "2026-11-24T10:30:00Z" || props.Modified != props.Created || props.Creator != "perechen" {
		t.Errorf("doc properties %+v: want Created/Modified from Meta.Version and creator perechen", props)
	}
	layout, err := f.GetPageLayout(s)
	if err != nil {
		t.Fatal(err)
	}
	if *layout.Orientation != "landscape" || *layout.Size != 9 || *layout.FitToWidth != 1 {
		t.Errorf("page layout %v/%v/%v: want landscape A4 fit to width", *layout.Orientation, *layout.Size, *layout.FitToWidth)
	}
	var titles string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles = dn.RefersTo
		}
	}
	header, _ := pxFindRow(t, f, "№")
	if want := "'Перечень'!$" + pxItoa(header) + ":$" + pxItoa(header+1); titles != want {
		t.Errorf("print titles %q, want %q (header and column-number rows)", titles, want)
	}
	panes, err := f.GetPanes(s)
	if err != nil || !panes.Freeze || panes.YSplit != header+1 {
		t.Errorf("panes %+v: want frozen above row %d", panes, header+2)
	}
	merges, err := f.GetMergeCells(s)
	if err != nil {
		t.Fatal(err)
	}
	// process 1 of the sample has one touchpoint with four needs: №, process,
	// touchpoint and kind each merged over those four rows.
	first := header + 2
	want := map[string]bool{}
	for _, c := range "ABCE" {
		want[string(c)+pxItoa(first)+":"+string(c)+pxItoa(first+3)] = true
	}
	for _, m := range merges {
		delete(want, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	if len(want) > 0 {
		t.Errorf("missing merges %v", want)
	}
	if v, _ := f.GetCellValue(s, "D"+pxItoa(first+1)); v != "Получение информации, в том числе о ходе рассмотрения запроса" {
		t.Errorf("second need of process 1: %q", v)
	}
}

// findRow returns the 1-based row whose column A equals text.
func pxFindRow(t *testing.T, f *excelize.File, text string) (int, []string) {
	t.Helper()
	rows, err := f.GetRows(xlsxSheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == text {
			return i + 1, r
		}
	}
	t.Fatalf("no row starts with %q", text)
	return 0, nil
}

func pxItoa(n int) string { return strconv.Itoa(n) }

// gridDump is a readable golden of a workbook's first sheet: values row by
// row (tab-separated, "\n" for line breaks) and the merged ranges.
func pxGridDump(t *testing.T, data []byte) string {
	t.Helper()
	g, err := psync.ReadXLSX(bytes.NewReader(data), int64(len(data)), "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("# sheet " + g.Sheet + "\n")
	for _, row := range g.Cells {
		var vals []string
		for _, c := range row {
			vals = append(vals, strings.ReplaceAll(c.Value, "\n", `\n`))
		}
		b.WriteString(strings.TrimRight(strings.Join(vals, "\t"), "\t") + "\n")
	}
	for _, m := range g.Merges {
		b.WriteString("# merge " + rules.ColumnName(m.Col0) + pxItoa(m.Row0+1) + ":" + rules.ColumnName(m.Col1) + pxItoa(m.Row1+1) + "\n")
	}
	return b.String()
}

func TestXLSXGolden(t *testing.T) {
	for _, name := range []string{"sample", "seed003"} {
		t.Run(name, func(t *testing.T) {
			data := pxRenderXLSX(t, pxLoad(t, name))
			pxGolden(t, "xlsx-"+name+".tsv.golden", []byte(pxGridDump(t, data)))
			pxGolden(t, "xlsx-"+name+".sha256.golden", []byte(fmt.Sprintf("%x\n", sha256.Sum256(data))))
		})
	}
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		t.Fatal(err)
	}
	data := pxTemplate(t, p, TemplateOptions{NumberRow: true, ExampleRows: 4, Organisation: "Тестовый орган"})
	pxGolden(t, "template-oiv.tsv.golden", []byte(pxGridDump(t, data)))
	pxGolden(t, "template-oiv.sha256.golden", []byte(fmt.Sprintf("%x\n", sha256.Sum256(data))))
}

// TestXLSXHostileText: formulas stay text, control characters and markup
// do not break the workbook, and the PDF takes the same text.
func TestXLSXHostileText(t *testing.T) {
	texts := []string{"=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2", "@SUM(A1)", "<script>alert(1)</script>", "a\x01b\x0bc", "Строка 1\nСтрока 2", "🙂 смайлик", "{nb} страниц"}
	var needs []rules.Need
	for _, s := range texts {
		needs = append(needs, rules.Need{Text: s})
	}
	reg := &rules.Registry{Processes: []rules.Process{{Number: "1", Name: "=1+1", Touchpoints: []rules.Touchpoint{{Name: "СЭД", Kind: "Цифровая точка", Needs: needs}}}}}
	var buf bytes.Buffer
	if err := NewXLSX().Render(&buf, reg, Meta{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	header, _ := pxFindRow(t, f, "№ п/п")
	first := header + 2
	if v, _ := f.GetCellValue(xlsxSheet, "B"+pxItoa(first)); v != "=1+1" {
		t.Errorf("process name %q", v)
	}
	for i, want := range texts {
		ref := "D" + pxItoa(first+i)
		if formula, _ := f.GetCellFormula(xlsxSheet, ref); formula != "" {
			t.Errorf("%s became a formula %q", ref, formula)
		}
		got, _ := f.GetCellValue(xlsxSheet, ref)
		if strings.ContainsAny(want, "\x01\x0b") {
			if !strings.Contains(got, "a") || !strings.Contains(got, "c") {
				t.Errorf("%s = %q, want the text around the control characters kept", ref, got)
			}
			continue
		}
		if got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	var pdf bytes.Buffer
	if err := NewPDF().Render(&pdf, reg, Meta{Organisation: "Орган 🙂\x07"}); err != nil {
		t.Fatalf("PDF of the same text: %v", err)
	}
	text := pxSqueeze(pxPdftotext(t, pdf.Bytes(), "-raw"))
	for _, w := range []string{"=HYPERLINK(\"http://evil\",\"x\")", "<script>alert(1)</script>", "abc", "Строка1Строка2", "\uFFFDсмайлик", "Орган\uFFFD", "{nb}страниц"} {
		if !strings.Contains(text, pxSqueeze(w)) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}
