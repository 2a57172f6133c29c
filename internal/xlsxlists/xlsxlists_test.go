package xlsxlists

import (
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/rules"
)

func TestSet(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	form := "Sheet1"
	// The workbook's own lookup sheet and a person's validations: one on a
	// cell the lists take, one elsewhere.
	if _, err := f.NewSheet("Справочники"); err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("Справочники", "C1", "своё")
	for _, ref := range []string{"C5", "H2"} {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = ref
		dv.SetDropList([]string{"да", "нет"})
		if err := f.AddDataValidation(form, dv); err != nil {
			t.Fatal(err)
		}
	}
	tp := rules.DropDown{Graph: 3, Values: []string{"СЭД", "Телефонная связь"}, Title: "Точка", Prompt: "выберите", ErrorTitle: "не из списка", Error: "п. 4.1"}
	kind := rules.DropDown{Graph: 5, Values: []string{"Цифровая точка", "Офлайн точка"}, Closed: true, Title: "Вид", Prompt: "вид", ErrorTitle: "вид", Error: "п. 3.1"}
	lists := []List{{DropDown: tp, Sqref: "C3:C10"}, {DropDown: kind, Sqref: "E3:E10", Strict: true}}

	changed, removed, err := Set(f, form, lists)
	if err != nil || !slices.Equal(changed, []int{0, 1}) || len(removed) != 0 {
		t.Fatalf("first: changed %v removed %v %v", changed, removed, err)
	}
	if v, _ := f.GetCellValue("Справочники", "C1"); v != "своё" {
		t.Error("the workbook's own lookup sheet was touched")
	}
	if v, _ := f.GetCellValue(Sheet, "C2"); v != "Телефонная связь" {
		t.Errorf("lists sheet C2 = %q", v)
	}
	dvs, _ := f.GetDataValidations(form)
	refs := map[string]string{}
	for _, dv := range dvs {
		refs[dv.Sqref] = dv.Formula1
	}
	if len(refs) != 3 || refs["H2"] == "" || refs["C3:C10"] != "'"+Sheet+"'!$C$1:$C$2" || refs["E3:E10"] != "'"+Sheet+"'!$E$1:$E$2" {
		t.Fatalf("validations %v: the person's C5 gives way to the list, H2 stays", refs)
	}

	// Again: nothing to do.
	if changed, removed, err := Set(f, form, lists); err != nil || changed != nil || removed != nil {
		t.Fatalf("second: changed %v removed %v %v", changed, removed, err)
	}
	// One list fewer and the other moved: perechen's old range goes, its column is cleared.
	changed, removed, err = Set(f, form, []List{{DropDown: kind, Sqref: "E4:E12", Strict: true}})
	if err != nil || !slices.Equal(changed, []int{0}) || !slices.Equal(removed, []string{"C3:C10", "E3:E10"}) {
		t.Fatalf("third: changed %v removed %v %v", changed, removed, err)
	}
	if v, _ := f.GetCellValue(Sheet, "C1"); v != "" {
		t.Errorf("a list no graph uses stayed on the lists sheet: %q", v)
	}
}
