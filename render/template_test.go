package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/internal/xlsxlists"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

func pxTemplate(t *testing.T, p *rules.Profile, opts TemplateOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, p, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTemplate(t *testing.T) {
	for _, name := range rules.ProfileNames() {
		t.Run(name, func(t *testing.T) {
			p, err := rules.LoadProfile(name)
			if err != nil {
				t.Fatal(err)
			}
			data := pxTemplate(t, p, TemplateOptions{NumberRow: true, ExampleRows: 4, Organisation: "Тестовый орган"})
			if !bytes.Equal(data, pxTemplate(t, p, TemplateOptions{NumberRow: true, ExampleRows: 4, Organisation: "Тестовый орган"})) {
				t.Error("two templates from the same options differ")
			}
			g, err := psync.ReadXLSX(bytes.NewReader(data), int64(len(data)), "")
			if err != nil {
				t.Fatal(err)
			}
			reg, diags := rules.Lint(g, p)
			if !reg.HasHeader() {
				t.Fatal("the parser finds no header in the template")
			}
			if !strings.Contains(reg.Title, "Тестовый орган") {
				t.Errorf("title block %q lacks the organisation", reg.Title)
			}
			if len(reg.Processes) != 1 || len(reg.Processes[0].Touchpoints) != 2 {
				t.Fatalf("examples parse to %s", pxModel(reg))
			}
			placeholders := 0
			for _, d := range diags {
				if d.Rule == "placeholder" {
					placeholders++
				} else {
					t.Errorf("the fresh template has a finding besides its placeholders: %s %s", d.Rule, d.Message)
				}
			}
			if placeholders == 0 {
				t.Error("the linter does not flag the example placeholders; staff could publish them")
			}
			pxCheckDropDowns(t, data, p, reg)
		})
	}
}

// checkDropDowns resolves the validations of graphs 3 and 5 to their lists.
func pxCheckDropDowns(t *testing.T, data []byte, p *rules.Profile, reg *rules.Registry) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetSheetVisible(xlsxlists.Sheet); v {
		t.Error("the lists sheet is visible")
	}
	if f.GetSheetList()[f.GetActiveSheetIndex()] != xlsxSheet {
		t.Error("the workbook does not open on the form")
	}
	dvs, err := f.GetDataValidations(xlsxSheet)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string][]string{}
	for _, dv := range dvs {
		col := dv.Sqref[:1]
		ref := strings.TrimPrefix(dv.Formula1, "'"+xlsxlists.Sheet+"'!")
		if dv.Type != "list" || ref == dv.Formula1 {
			t.Errorf("validation %s: type %s formula %q, want a list on %s", dv.Sqref, dv.Type, dv.Formula1, xlsxlists.Sheet)
			continue
		}
		from, to, _ := strings.Cut(strings.ReplaceAll(ref, "$", ""), ":")
		c0, r0, _ := excelize.CellNameToCoordinates(from)
		_, r1, _ := excelize.CellNameToCoordinates(to)
		for r := r0; r <= r1; r++ {
			v, _ := f.GetCellValue(xlsxlists.Sheet, xlsxCell(r, c0))
			lists[col] = append(lists[col], v)
		}
		if first := reg.HeaderAt.Row + 3; !strings.HasPrefix(dv.Sqref, col+pxItoa(first)+":") {
			t.Errorf("validation %s does not start at the first data row %d", dv.Sqref, first)
		}
	}
	c := p.Choices()
	if got, want := strings.Join(lists["C"], "|"), strings.Join(c.Touchpoints, "|"); got != want {
		t.Errorf("touchpoint list\n got %s\nwant %s", got, want)
	}
	if got, want := strings.Join(lists["D"], "|"), strings.Join(c.Needs, "|"); got != want {
		t.Errorf("needs list\n got %s\nwant %s", got, want)
	}
	if got, want := strings.Join(lists["E"], "|"), strings.Join(c.Kinds, "|"); got != want {
		t.Errorf("kind list %s, want %s", got, want)
	}
	for _, dv := range dvs {
		if stop := dv.ErrorStyle != nil && *dv.ErrorStyle == "stop"; stop != (dv.Sqref[:1] == "E") {
			t.Errorf("validation %s: error style %v; only the kinds refuse other text", dv.Sqref, *dv.ErrorStyle)
		}
	}
}

func TestTemplateOptions(t *testing.T) {
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		t.Fatal(err)
	}
	data := pxTemplate(t, p, TemplateOptions{})
	g, err := psync.ReadXLSX(bytes.NewReader(data), int64(len(data)), "")
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := rules.Parse(g, p)
	if !reg.HasHeader() || len(reg.Processes) != 0 {
		t.Fatalf("a template without examples: header %v, processes %d", reg.HasHeader(), len(reg.Processes))
	}
	if g.Value(reg.HeaderAt.Row+1, 0) != "" {
		t.Errorf("column-number row written without NumberRow: %q", g.Value(reg.HeaderAt.Row+1, 0))
	}
	if err := WriteTemplate(&bytes.Buffer{}, p, TemplateOptions{ExampleRows: -1}); err == nil {
		t.Error("negative ExampleRows accepted")
	}
	if err := WriteTemplate(&bytes.Buffer{}, nil, TemplateOptions{}); err == nil {
		t.Error("nil profile accepted")
	}
}
