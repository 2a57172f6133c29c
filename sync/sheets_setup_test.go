package sync

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

// row12Grid is a registry whose header stands on row 12 (under the
// approval stamp and the title), one need per row, no column-number row:
// its data starts on row 13.
func row12Grid() rules.Grid {
	tsv := "\t\t\t\tУТВЕРЖДЕН\n\t\t\t\tприказом Министерства\n\t\t\t\tот 17.02.2025 № 12-ОД\n\n\t\t\t\tПриложение\n\t\t\t\tк Порядку\n\n" +
		"ПЕРЕЧЕНЬ\nточек взаимодействия с внутренним клиентом\n(информационно-техническое обеспечение)\n\n" +
		"№\tПроцесс взаимодействия с внутренним клиентом\tТочка взаимодействия\tУдовлетворяемые потребности клиента\tОсобенности взаимодействия с клиентом\n" +
		"1\tПредоставление удалённого доступа\tСистема учёта заявок\tПредставление запроса\tЦифровая точка\n" +
		"\t\t\tПолучение консультации\n" +
		"\t\tТелефонная связь\tПолучение консультации\tОфлайн точка\n" +
		"2\tВыдача оборудования\tКабинеты внутренних клиентов\tПолучение материальных ценностей\tОфлайн точка\n" +
		"\t\tСЭД\tПредставление документов\tЦифровая точка\n"
	return rules.GridFromTSV(sheetTitle, tsv)
}

func oivProfile(t testing.TB) *rules.Profile {
	t.Helper()
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sentRequest is one request of a batchUpdate as the fake received it.
type sentRequest struct {
	SetDataValidation *struct {
		Range struct {
			SheetID                                                      int64
			StartRowIndex, EndRowIndex, StartColumnIndex, EndColumnIndex int
		}
		Rule *struct {
			Condition struct {
				Type   string
				Values []struct{ UserEnteredValue string }
			}
			InputMessage string
			Strict       *bool
			ShowCustomUi bool
		}
	}
	AddProtectedRange *struct {
		ProtectedRange struct {
			Range struct {
				StartRowIndex, EndRowIndex, StartColumnIndex, EndColumnIndex int
			}
			Description string
			WarningOnly bool
		}
	}
	DeleteProtectedRange *struct{ ProtectedRangeId int64 }
}

func sentRequests(t *testing.T, f *sheetsfake.Fake) [][]sentRequest {
	t.Helper()
	var out [][]sentRequest
	for _, batch := range f.Requests() {
		var reqs []sentRequest
		for _, raw := range batch {
			var keys map[string]json.RawMessage
			if err := json.Unmarshal(raw, &keys); err != nil || len(keys) != 1 {
				t.Fatalf("request %s", raw)
			}
			for k := range keys {
				if k != "setDataValidation" && k != "addProtectedRange" && k != "updateProtectedRange" && k != "deleteProtectedRange" {
					t.Fatalf("setup sent a %s request: %s", k, raw)
				}
			}
			var r sentRequest
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			reqs = append(reqs, r)
		}
		out = append(out, reqs)
	}
	return out
}

func setup(t *testing.T, h *sheetsHarness, p *rules.Profile, opt SetupOptions) *SetupResult {
	t.Helper()
	res, err := h.src.SetupSheet(context.Background(), p, opt)
	if err != nil {
		h.errs = append(h.errs, err)
		t.Fatal(err)
	}
	return res
}

func TestSetupSheetRequests(t *testing.T) {
	g := row12Grid()
	h := newSheetsHarness(t, g, nil)
	h.fake.SetNote(sheetTitle, 12, 2, "Уточнить у Петрова")                                                           // a person's note inside the table
	h.fake.SetValidation(sheetTitle, 3, 7, sheetsfake.Validation{Type: "ONE_OF_LIST", Values: []string{"да", "нет"}}) // staff's own rule, elsewhere
	before := h.fake.Grid(sheetTitle)
	p := oivProfile(t)

	// Dry run: the plan, nothing sent.
	res := setup(t, h, p, SetupOptions{DryRun: true})
	if c := h.fake.Counts(); c["batchUpdate"] != 0 || c["get"] != 2 {
		t.Fatalf("dry run requests: %v", c)
	}
	if res.Written || len(res.Changes) != 3 {
		t.Fatalf("dry run: written %v, changes %+v", res.Written, res.Changes)
	}
	plan := res.Plan
	if plan.Body.Header != 11 || plan.Body.From != 12 || plan.Body.To != 17 || plan.End != 17+DefaultSetupMargin || plan.Clipped {
		t.Fatalf("plan rows: %+v, end %d", plan.Body, plan.End)
	}

	// The real run: one batchUpdate, exactly three lists from row 13.
	h.fake.ResetCounts()
	res = setup(t, h, p, SetupOptions{})
	if c := h.fake.Counts(); c["batchUpdate"] != 1 || c["rejected"] != 0 || !res.Written {
		t.Fatalf("requests: %v, written %v", c, res.Written)
	}
	batches := sentRequests(t, h.fake)
	if len(batches) != 1 || len(batches[0]) != 3 {
		t.Fatalf("batches: %+v", batches)
	}
	for i, dd := range p.DropDowns() {
		r := batches[0][i].SetDataValidation
		if r == nil || r.Rule == nil {
			t.Fatalf("request %d: %+v", i, batches[0][i])
		}
		rg := r.Range
		if rg.SheetID != h.fake.SheetID(sheetTitle) || rg.StartRowIndex != 12 || rg.EndRowIndex != 217 ||
			rg.StartColumnIndex != dd.Graph-1 || rg.EndColumnIndex != dd.Graph {
			t.Errorf("graph %d: range %+v, want rows 13..217 of column %d", dd.Graph, rg, dd.Graph)
		}
		var values []string
		for _, v := range r.Rule.Condition.Values {
			values = append(values, v.UserEnteredValue)
		}
		if r.Rule.Condition.Type != "ONE_OF_LIST" || !reflect.DeepEqual(values, dd.Values) {
			t.Errorf("graph %d: %s %q, want %q", dd.Graph, r.Rule.Condition.Type, values, dd.Values)
		}
		if r.Rule.Strict == nil || *r.Rule.Strict || !r.Rule.ShowCustomUi || r.Rule.InputMessage != SetupMarker+dd.Prompt {
			t.Errorf("graph %d: strict %v, showCustomUi %v, message %q", dd.Graph, r.Rule.Strict, r.Rule.ShowCustomUi, r.Rule.InputMessage)
		}
	}

	// Values and notes untouched; staff's own rule kept; nothing above row 13.
	after := h.fake.Grid(sheetTitle)
	if HashGrid(before) != HashGrid(after) {
		t.Fatal("setup changed values, notes or merges")
	}
	if b := h.fake.Batches(); len(b) != 1 || len(b[0]) != 0 {
		t.Fatalf("setup wrote notes: %v", b)
	}
	rulesAt := h.fake.Validations(sheetTitle)
	if v := rulesAt[[2]int{3, 7}]; v.Values[0] != "да" {
		t.Error("a rule staff set elsewhere was touched")
	}
	for k := range rulesAt {
		if k != [2]int{3, 7} && (k[0] < 12 || k[0] >= 217 || k[1] < 2 || k[1] > 4) {
			t.Errorf("a list at %s, outside C13:E217", rules.Ref{Row: k[0], Col: k[1]}.A1())
		}
	}
	if len(rulesAt) != 1+3*205 {
		t.Errorf("%d validated cells, want %d", len(rulesAt), 1+3*205)
	}

	// Twice in a row: the second run reads and sends nothing.
	h.fake.ResetCounts()
	res = setup(t, h, p, SetupOptions{})
	if c := h.fake.Counts(); c["batchUpdate"] != 0 || len(res.Changes) != 0 || res.Written {
		t.Fatalf("second run: %v, changes %+v", c, res.Changes)
	}
}

func TestSetupSheetStrictAndNeeds(t *testing.T) {
	// The sample writes several needs per cell: graph 4 gets no list unless asked.
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	p := oivProfile(t)
	res := setup(t, h, p, SetupOptions{Strict: true})
	if res.Plan.NeedsSkipped == "" || !strings.Contains(res.Plan.NeedsSkipped, "по нескольку в ячейке") {
		t.Fatalf("needs skipped: %q", res.Plan.NeedsSkipped)
	}
	reqs := sentRequests(t, h.fake)[0]
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		sdv := r.SetDataValidation
		col, strict := sdv.Range.StartColumnIndex, *sdv.Rule.Strict
		if sdv.Range.StartRowIndex != 5 || (col == 4) != strict || col == 3 {
			t.Errorf("column %d from row %d: strict %v (only the kinds may be strict; no needs list)", col, sdv.Range.StartRowIndex+1, strict)
		}
	}
	// --needs list adds graph 4; the others stay as they are.
	h.fake.ResetCounts()
	res = setup(t, h, p, SetupOptions{Strict: true, Needs: NeedsList})
	if len(res.Changes) != 1 || res.Changes[0].Graph != 4 || res.Changes[0].Range != "D6:D"+strconv.Itoa(res.Plan.End) {
		t.Fatalf("changes %+v", res.Changes)
	}
	// Not strict any more: the kinds list is replaced; --needs off removes perechen's list in graph 4.
	h.fake.ResetCounts()
	res = setup(t, h, p, SetupOptions{Needs: NeedsOff})
	kinds := []SetupChange{{Kind: SetupSet, Graph: 5, Range: "E6:E" + strconv.Itoa(res.Plan.End)}, {Kind: SetupClear, Range: "D6:D" + strconv.Itoa(res.Plan.End)}}
	if !reflect.DeepEqual(res.Changes, kinds) || h.fake.Count("batchUpdate") != 1 {
		t.Fatalf("changes %+v", res.Changes)
	}
}

func TestSetupSheetFollowsTheSheet(t *testing.T) {
	h := newSheetsHarness(t, row12Grid(), nil)
	p := oivProfile(t)
	setup(t, h, p, SetupOptions{})

	// Rows inserted above: Sheets moves the lists with the table; nothing to do.
	h.fake.InsertRow(sheetTitle, 0)
	h.fake.InsertRow(sheetTitle, 0)
	h.fake.ResetCounts()
	res := setup(t, h, p, SetupOptions{})
	if res.Plan.Body.From != 14 || len(res.Changes) != 0 {
		t.Fatalf("after inserting rows: from %d, changes %+v", res.Plan.Body.From, res.Changes)
	}

	// The table replaced by one whose header stands lower (pasted anew):
	// perechen's lists above the new data rows go, the new rows get lists.
	g := row12Grid()
	g.Cells = append(make([][]rules.Cell, 5), g.Cells...)
	h.fake.LoadGrid(g)
	h.fake.SetValidation(sheetTitle, 17, 2, sheetsfake.Validation{Type: "ONE_OF_LIST", Values: []string{"старый список"}})
	h.fake.ResetCounts()
	res = setup(t, h, p, SetupOptions{})
	var sets, clears []string
	replaced := false
	for _, c := range res.Changes {
		switch c.Kind {
		case SetupSet:
			sets = append(sets, c.Range)
			replaced = replaced || c.Replaced
		case SetupClear:
			clears = append(clears, c.Range)
		}
	}
	if res.Plan.Body.From != 17 || !reflect.DeepEqual(clears, []string{"C15:C17", "D15:D17", "E15:E17"}) || len(sets) != 3 || !replaced {
		t.Fatalf("from %d, sets %v, clears %v, replaced %v", res.Plan.Body.From, sets, clears, replaced)
	}
	for k := range h.fake.Validations(sheetTitle) {
		if k[0] < 17 {
			t.Errorf("a list left at %s above the data", rules.Ref{Row: k[0], Col: k[1]}.A1())
		}
	}

	// Another organisation's name fills the slot: the lists' values change.
	p2 := p.WithOrganisation("Министерство экономического развития Московской области")
	p2.FillSlot = true
	h.fake.ResetCounts()
	res = setup(t, h, p2, SetupOptions{})
	if len(res.Changes) != 1 || res.Changes[0].Graph != 3 {
		t.Fatalf("changes %+v", res.Changes)
	}
	v := h.fake.Validations(sheetTitle)[[2]int{17, 2}]
	if !strings.Contains(strings.Join(v.Values, "|"), "Электронная почта Министерства экономического развития Московской области") {
		t.Errorf("slot not filled: %q", v.Values)
	}
}

func TestSetupSheetProtectHeader(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	p := oivProfile(t)
	h.fake.SetGridSize(sheetTitle, 40, 26) // a short sheet: the margin stops at its end
	res := setup(t, h, p, SetupOptions{ProtectHeader: true})
	if !res.Plan.Clipped || res.Plan.End != 40 {
		t.Fatalf("end %d, clipped %v", res.Plan.End, res.Plan.Clipped)
	}
	reqs := sentRequests(t, h.fake)[0]
	last := reqs[len(reqs)-1].AddProtectedRange
	if last == nil {
		t.Fatalf("no addProtectedRange: %+v", reqs)
	}
	pr := last.ProtectedRange
	if !pr.WarningOnly || pr.Description != ProtectDescription || pr.Range.StartRowIndex != 3 || pr.Range.EndRowIndex != 5 ||
		pr.Range.StartColumnIndex != 0 || pr.Range.EndColumnIndex != 5 {
		t.Fatalf("protected range %+v, want warning-only A4:E5 (header and column numbers)", pr)
	}
	h.fake.ResetCounts()
	if res := setup(t, h, p, SetupOptions{ProtectHeader: true}); len(res.Changes) != 0 || h.fake.Count("batchUpdate") != 0 {
		t.Fatalf("second run: %+v", res.Changes)
	}
	// Turned off: perechen's guard goes, anybody else's stays.
	h.fake.ResetCounts()
	res = setup(t, h, p, SetupOptions{})
	if len(res.Changes) != 1 || res.Changes[0].Kind != SetupUnprotect || len(h.fake.ProtectedRanges(sheetTitle)) != 0 {
		t.Fatalf("changes %+v, ranges %+v", res.Changes, h.fake.ProtectedRanges(sheetTitle))
	}
}

func TestSetupSheetErrors(t *testing.T) {
	t.Run("403", func(t *testing.T) {
		h := newSheetsHarness(t, rules.SampleGrid(), nil)
		h.fake.SetForbidden(true)
		_, err := h.src.SetupSheet(context.Background(), oivProfile(t), SetupOptions{})
		want := "нет доступа к таблице: поделитесь таблицей с " + sheetsfake.ClientEmail + " (права редактора)"
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v", err)
		}
		h.errs = append(h.errs, err)
	})
	t.Run("read-only share", func(t *testing.T) {
		h := newSheetsHarness(t, rules.SampleGrid(), nil)
		h.fake.SetHook(func(method string, n int) {
			if method == "batchUpdate" {
				h.fake.SetForbidden(true)
			}
		})
		_, err := h.src.SetupSheet(context.Background(), oivProfile(t), SetupOptions{})
		var se *SheetsError
		if !errors.As(err, &se) || se.Status != 403 || !strings.Contains(err.Error(), sheetsfake.ClientEmail) {
			t.Fatalf("err = %v", err)
		}
		h.errs = append(h.errs, err)
	})
	t.Run("no form", func(t *testing.T) {
		h := newSheetsHarness(t, rules.GridFromTSV(sheetTitle, "Список сотрудников\nИванов\tПетров\n"), nil)
		_, err := h.src.SetupSheet(context.Background(), oivProfile(t), SetupOptions{})
		if err == nil || !strings.Contains(err.Error(), "не найдена шапка формы") || h.fake.Count("batchUpdate") != 0 {
			t.Fatalf("err = %v", err)
		}
		h.errs = append(h.errs, err)
	})
}

// A header merged over two rows with the column-number row under it, and
// merged process cells in the body: the lists start below the number row
// and cover the merged body cells like any others.
func TestSetupSheetMergedHeader(t *testing.T) {
	g := row12Grid()
	header := g.Cells[11]
	g.Cells = append(g.Cells[:12:12], append([][]rules.Cell{nil, {{Value: "1"}, {Value: "2"}, {Value: "3"}, {Value: "4"}, {Value: "5"}}}, g.Cells[12:]...)...)
	g.Cells[11] = header
	for c := range 5 {
		g.Merges = append(g.Merges, rules.Range{Row0: 11, Col0: c, Row1: 12, Col1: c})
	}
	g.Merges = append(g.Merges, rules.Range{Row0: 14, Col0: 0, Row1: 16, Col1: 0}, rules.Range{Row0: 14, Col0: 1, Row1: 16, Col1: 1},
		rules.Range{Row0: 14, Col0: 2, Row1: 15, Col1: 2}, rules.Range{Row0: 14, Col0: 4, Row1: 15, Col1: 4})
	h := newSheetsHarness(t, g, nil)
	res := setup(t, h, oivProfile(t), SetupOptions{ProtectHeader: true})
	if b := res.Plan.Body; b.Header != 11 || b.HeaderEnd != 13 || b.From != 14 || b.To != 19 {
		t.Fatalf("body %+v", b)
	}
	want := []string{"C15:C219", "D15:D219", "E15:E219", "A12:E14"}
	var got []string
	for _, c := range res.Changes {
		got = append(got, c.Range)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changes %v, want %v (lists from row 15, guard over rows 12–14)", got, want)
	}
	for k := range h.fake.Validations(sheetTitle) {
		if k[0] < 14 {
			t.Errorf("a list inside the header block at %s", rules.Ref{Row: k[0], Col: k[1]}.A1())
		}
	}
}
