package sheetsfake

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/rules"
)

// The fake applies data validation and protected ranges as Sheets does:
// atomically with the batch, within the grid, read back by a masked get.
func TestSetupRequests(t *testing.T) {
	f := New(t)
	f.LoadGrid(rules.Grid{Sheet: "Лист1", Cells: [][]rules.Cell{{{Value: "a", Note: "n"}}}})
	f.SetGridSize("Лист1", 10, 5)
	c := authedClient(t, f)
	u := f.URL + "v4/spreadsheets/" + f.ID + ":batchUpdate"
	rejected := []string{
		// beyond the grid
		`{"requests":[{"setDataValidation":{"range":{"sheetId":0,"startRowIndex":5,"endRowIndex":11,"startColumnIndex":1,"endColumnIndex":2},"rule":{"condition":{"type":"ONE_OF_LIST","values":[{"userEnteredValue":"x"}]}}}}]}`,
		// a list without values, an unknown rule key
		`{"requests":[{"setDataValidation":{"range":{"sheetId":0},"rule":{"condition":{"type":"ONE_OF_LIST"}}}}]}`,
		`{"requests":[{"setDataValidation":{"range":{"sheetId":0},"rule":{"condition":{"type":"ONE_OF_LIST","values":[{"userEnteredValue":"x"}]},"colour":1}}}]}`,
		// an unknown protected range, an id set by the caller
		`{"requests":[{"deleteProtectedRange":{"protectedRangeId":42}}]}`,
		`{"requests":[{"addProtectedRange":{"protectedRange":{"protectedRangeId":1,"range":{"sheetId":0}}}}]}`,
		// atomic: a valid list next to a value write is not applied either
		`{"requests":[{"setDataValidation":{"range":{"sheetId":0,"endRowIndex":1,"endColumnIndex":1},"rule":{"condition":{"type":"ONE_OF_LIST","values":[{"userEnteredValue":"x"}]}}}},` +
			`{"updateCells":{"start":{"sheetId":0},"rows":[{"values":[{"userEnteredValue":{"stringValue":"x"}}]}],"fields":"userEnteredValue"}}]}`,
	}
	for _, body := range rejected {
		if code, resp := do(t, c, "POST", u, body); code != 400 {
			t.Fatalf("%s: %d %s", body, code, resp)
		}
	}
	if f.Count("rejected") != len(rejected) || len(f.Validations("Лист1")) != 0 {
		t.Fatalf("rejected %d, validations %v", f.Count("rejected"), f.Validations("Лист1"))
	}
	ok := `{"requests":[{"setDataValidation":{"range":{"sheetId":0,"startRowIndex":1,"endRowIndex":3,"startColumnIndex":2,"endColumnIndex":3},` +
		`"rule":{"condition":{"type":"ONE_OF_LIST","values":[{"userEnteredValue":"да"},{"userEnteredValue":"нет"}]},"inputMessage":"выберите","strict":false,"showCustomUi":true}}},` +
		`{"addProtectedRange":{"protectedRange":{"range":{"sheetId":0,"endRowIndex":1,"endColumnIndex":5},"description":"шапка","warningOnly":true}}}]}`
	if code, resp := do(t, c, "POST", u, ok); code != 200 || !strings.Contains(resp, `"protectedRangeId"`) {
		t.Fatalf("%d %s", code, resp)
	}
	want := Validation{Type: "ONE_OF_LIST", Values: []string{"да", "нет"}, InputMessage: "выберите", ShowCustomUI: true}
	got := f.Validations("Лист1")
	if len(got) != 2 || !reflect.DeepEqual(got[[2]int{1, 2}], want) || !reflect.DeepEqual(got[[2]int{2, 2}], want) {
		t.Fatalf("validations %+v", got)
	}
	prs := f.ProtectedRanges("Лист1")
	if len(prs) != 1 || !prs[0].WarningOnly || prs[0].Range != (rules.Range{Row0: 0, Col0: 0, Row1: 0, Col1: 4}) {
		t.Fatalf("protected %+v", prs)
	}
	if f.Value("Лист1", 0, 0) != "a" || f.Note("Лист1", 0, 0) != "n" {
		t.Fatal("a setup batch touched a value or note")
	}
	code, body := do(t, c, "GET", f.URL+"v4/spreadsheets/"+f.ID+"?includeGridData=true&fields="+
		url.QueryEscape("sheets(properties.gridProperties,protectedRanges(protectedRangeId,warningOnly),data.rowData.values.dataValidation)"), "")
	if code != 200 || !strings.Contains(body, `"rowCount":10`) || strings.Count(body, `"showCustomUi":true`) != 2 ||
		strings.Contains(body, `"strict"`) || !strings.Contains(body, `"warningOnly":true`) || strings.Contains(body, "formattedValue") {
		t.Fatalf("get: %d %s", code, body)
	}
	// Rows inserted above move the rules with the cells.
	f.InsertRow("Лист1", 0)
	if _, ok := f.Validations("Лист1")[[2]int{3, 2}]; !ok || f.ProtectedRanges("Лист1")[0].Range.Row0 != 1 {
		t.Fatal("rules did not move with an inserted row")
	}
	clear := `{"requests":[{"setDataValidation":{"range":{"sheetId":0,"startRowIndex":2,"endRowIndex":4,"startColumnIndex":2,"endColumnIndex":3}}},` +
		`{"deleteProtectedRange":{"protectedRangeId":` + strconv.FormatInt(prs[0].ID, 10) + `}}]}`
	if code, resp := do(t, c, "POST", u, clear); code != 200 || len(f.Validations("Лист1")) != 0 || len(f.ProtectedRanges("Лист1")) != 0 {
		t.Fatalf("clear: %d %s", code, resp)
	}
	if n := len(f.Requests()); n != 2 {
		t.Fatalf("%d batches recorded", n)
	}
}
