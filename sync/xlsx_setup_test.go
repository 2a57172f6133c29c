package sync

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/internal/xlsxlists"
	"github.com/perechen-oiv/perechen/rules"
)

// gridWorkbook writes a grid as the one sheet of a workbook, with a
// validation of the staff's own in H2.
func gridWorkbook(t testing.TB, g rules.Grid) []byte {
	t.Helper()
	return xlsxBytes(t, func(f *excelize.File) {
		if err := f.SetSheetName("Sheet1", g.Sheet); err != nil {
			t.Fatal(err)
		}
		for r, row := range g.Cells {
			for c, cell := range row {
				name, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if cell.Value != "" {
					f.SetCellValue(g.Sheet, name, cell.Value)
				}
			}
		}
		own := excelize.NewDataValidation(true)
		own.Sqref = "H2"
		own.SetDropList([]string{"да", "нет"})
		if err := f.AddDataValidation(g.Sheet, own); err != nil {
			t.Fatal(err)
		}
	})
}

// workbookLists resolves the workbook's list validations: sqref → values.
func workbookLists(t testing.TB, path string) (map[string][]string, map[string]*excelize.DataValidation) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dvs, err := f.GetDataValidations(sheetTitle)
	if err != nil {
		t.Fatal(err)
	}
	lists, byRef := map[string][]string{}, map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		byRef[dv.Sqref] = dv
		ref, ok := strings.CutPrefix(dv.Formula1, "'"+xlsxlists.Sheet+"'!")
		if !ok {
			continue
		}
		from, to, _ := strings.Cut(strings.ReplaceAll(ref, "$", ""), ":")
		c, r0, _ := excelize.CellNameToCoordinates(from)
		_, r1, _ := excelize.CellNameToCoordinates(to)
		for r := r0; r <= r1; r++ {
			name, _ := excelize.CoordinatesToCellName(c, r)
			v, _ := f.GetCellValue(xlsxlists.Sheet, name)
			lists[dv.Sqref] = append(lists[dv.Sqref], v)
		}
	}
	if visible, _ := f.GetSheetVisible(xlsxlists.Sheet); visible {
		t.Error("the lists sheet is visible")
	}
	return lists, byRef
}

func TestXLSXSetupCopy(t *testing.T) {
	path := writeTemp(t, "перечень.xlsx", gridWorkbook(t, row12Grid()))
	original, _ := os.ReadFile(path)
	s, err := NewXLSXSource(XLSXConfig{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	p := oivProfile(t)
	res, err := s.SetupSheet(context.Background(), p, SetupOptions{DryRun: true, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	copyPath := strings.TrimSuffix(path, ".xlsx") + ".подсказки.xlsx"
	if _, err := os.Stat(copyPath); !os.IsNotExist(err) || res.Written || len(res.Changes) != 3 {
		t.Fatalf("dry run: written %v, changes %+v, copy %v", res.Written, res.Changes, err)
	}

	res, err = s.SetupSheet(context.Background(), p, SetupOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Written || res.CopyPath != copyPath {
		t.Fatalf("written %v to %q", res.Written, res.CopyPath)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, original) {
		t.Fatal("copy mode changed the file itself")
	}
	lists, byRef := workbookLists(t, copyPath)
	for _, dd := range p.DropDowns() {
		col := rules.ColumnName(dd.Graph - 1)
		ref := col + "13:" + col + "217" // header on row 12: lists from row 13
		if !reflect.DeepEqual(lists[ref], dd.Values) {
			t.Errorf("graph %d: %s holds %q, want %q", dd.Graph, ref, lists[ref], dd.Values)
		}
		dv := byRef[ref]
		if dv == nil || *dv.ErrorStyle != map[bool]string{true: "stop", false: "warning"}[dd.Closed] || *dv.Prompt != dd.Prompt {
			t.Errorf("graph %d: validation %+v", dd.Graph, dv)
		}
	}
	if byRef["H2"] == nil || len(byRef) != 4 {
		t.Errorf("validations %v: staff's own in H2 must stay", byRef)
	}
	if fetchHash(t, path) != fetchHash(t, copyPath) {
		t.Error("the copy's values or notes differ from the file's")
	}

	// The copy, set up again, needs nothing.
	again, err := NewXLSXSource(XLSXConfig{Path: copyPath, Mode: XLSXModeInPlace})
	if err != nil {
		t.Fatal(err)
	}
	res, err = again.SetupSheet(context.Background(), p, SetupOptions{Strict: true})
	if err != nil || res.Written || len(res.Changes) != 0 {
		t.Fatalf("second run: written %v, changes %+v, %v", res.Written, res.Changes, err)
	}
	if _, err := os.Stat(copyPath + ".bak"); !os.IsNotExist(err) {
		t.Error("an unchanged workbook was backed up and rewritten")
	}
}

func TestXLSXSetupInPlace(t *testing.T) {
	path := writeTemp(t, "перечень.xlsx", sampleWorkbook(t))
	original, _ := os.ReadFile(path)
	before := viewWorkbook(t, path)
	s, err := NewXLSXSource(XLSXConfig{Path: path, Sheet: sheetTitle, Mode: XLSXModeInPlace})
	if err != nil {
		t.Fatal(err)
	}
	p := oivProfile(t)
	lock := filepath.Join(filepath.Dir(path), ".~lock.перечень.xlsx#")
	if err := os.WriteFile(lock, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = s.SetupSheet(context.Background(), p, SetupOptions{})
	if err == nil || !strings.Contains(err.Error(), "открыт в Excel или LibreOffice") || !strings.Contains(err.Error(), "setup-sheet ещё раз") {
		t.Fatalf("locked: %v", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, original) {
		t.Fatal("a locked file was changed")
	}
	os.Remove(lock)

	res, err := s.SetupSheet(context.Background(), p, SetupOptions{})
	if err != nil || !res.Written {
		t.Fatalf("written %v: %v", res != nil && res.Written, err)
	}
	if bak, _ := os.ReadFile(path + ".bak"); !bytes.Equal(bak, original) {
		t.Error("the previous version was not kept as .bak")
	}
	if after := viewWorkbook(t, path); !reflect.DeepEqual(before, after) {
		t.Errorf("values, merges, styles or comments changed:\n%+v\n%+v", before, after)
	}
	lists, _ := workbookLists(t, path)
	end := res.Plan.End
	if len(lists) != 2 || lists["C6:C"+strconv.Itoa(end)] == nil || lists["E6:E"+strconv.Itoa(end)] == nil {
		t.Fatalf("lists %v (the sample writes several needs per cell: no list in graph 4)", keys(lists))
	}

	// The organisation's name in the slot: only graph 3 changes.
	p2 := p.WithOrganisation("Министерство экономического развития Московской области")
	p2.FillSlot = true
	res, err = s.SetupSheet(context.Background(), p2, SetupOptions{})
	if err != nil || len(res.Changes) != 1 || res.Changes[0].Graph != 3 {
		t.Fatalf("changes %+v, %v", res.Changes, err)
	}
	// --needs off again after --needs list removes perechen's list from graph 4.
	if _, err := s.SetupSheet(context.Background(), p2, SetupOptions{Needs: NeedsList}); err != nil {
		t.Fatal(err)
	}
	res, err = s.SetupSheet(context.Background(), p2, SetupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var cleared []string
	for _, c := range res.Changes {
		if c.Kind == SetupClear {
			cleared = append(cleared, c.Range)
		}
	}
	if !reflect.DeepEqual(cleared, []string{"D6:D" + strconv.Itoa(end)}) {
		t.Fatalf("changes %+v", res.Changes)
	}
	if lists, _ := workbookLists(t, path); len(lists) != 2 {
		t.Fatalf("lists after --needs off: %v", keys(lists))
	}
}

// fetchHash is the hash of the grid an XLSX source reads from path.
func fetchHash(t testing.TB, path string) string {
	t.Helper()
	s, err := NewXLSXSource(XLSXConfig{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return snap.Hash
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
