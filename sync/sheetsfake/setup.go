package sheetsfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// Validation is a cell's data validation rule: the part of Sheets'
// DataValidationRule the fake keeps (a list or another condition, its
// values, the hint on selecting the cell, strictness, the drop-down chip).
type Validation struct {
	Type         string // "ONE_OF_LIST", "ONE_OF_RANGE", …
	Values       []string
	InputMessage string
	Strict       bool
	ShowCustomUI bool
}

// ProtectedRange is one protected range of a sheet.
type ProtectedRange struct {
	ID          int64
	Range       rules.Range // inclusive on both ends
	Description string
	WarningOnly bool
}

// validationJSON is Sheets' DataValidationRule; unknown keys are refused,
// as Sheets refuses unknown field names.
type validationJSON struct {
	Condition *struct {
		Type   string `json:"type"`
		Values []struct {
			UserEnteredValue string `json:"userEnteredValue"`
		} `json:"values,omitempty"`
	} `json:"condition"`
	InputMessage string `json:"inputMessage,omitempty"`
	Strict       bool   `json:"strict,omitempty"`
	ShowCustomUi bool   `json:"showCustomUi,omitempty"`
}

// conditionTypes are the condition types the fake accepts for a rule.
var conditionTypes = map[string]bool{"ONE_OF_LIST": true, "ONE_OF_RANGE": true, "TEXT_CONTAINS": true,
	"NUMBER_BETWEEN": true, "CUSTOM_FORMULA": true, "BOOLEAN": true, "DATE_IS_VALID": true}

// json is the rule as Sheets returns it (false and empty fields omitted).
func (v Validation) json() map[string]any {
	cond := map[string]any{"type": v.Type}
	if len(v.Values) > 0 {
		vals := make([]any, len(v.Values))
		for i, s := range v.Values {
			vals[i] = map[string]any{"userEnteredValue": s}
		}
		cond["values"] = vals
	}
	out := map[string]any{"condition": cond}
	if v.InputMessage != "" {
		out["inputMessage"] = v.InputMessage
	}
	if v.Strict {
		out["strict"] = true
	}
	if v.ShowCustomUI {
		out["showCustomUi"] = true
	}
	return out
}

func decodeStrict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// setupRequest is the part of a Request the fake understands for sheet
// setup: data validation and protected ranges.
type setupRequest struct {
	SetDataValidation *struct {
		Range *gridRange      `json:"range"`
		Rule  *validationJSON `json:"rule"`
	} `json:"setDataValidation"`
	AddProtectedRange *struct {
		ProtectedRange *protectedJSONIn `json:"protectedRange"`
	} `json:"addProtectedRange"`
	UpdateProtectedRange *struct {
		ProtectedRange *protectedJSONIn `json:"protectedRange"`
		Fields         string           `json:"fields"`
	} `json:"updateProtectedRange"`
	DeleteProtectedRange *struct {
		ProtectedRangeID *int64 `json:"protectedRangeId"`
	} `json:"deleteProtectedRange"`
}

type protectedJSONIn struct {
	ProtectedRangeID *int64     `json:"protectedRangeId"`
	Range            *gridRange `json:"range"`
	Description      string     `json:"description"`
	WarningOnly      bool       `json:"warningOnly"`
}

// planSetupRequest validates a setDataValidation or protected-range
// request and returns its effect, applied only once the whole batch is
// valid, and its reply. isSetup is false for requests of other kinds.
// The fake's lock is held.
func (f *Fake) planSetupRequest(raw json.RawMessage) (apply func(), reply any, isSetup bool, err error) {
	var keys map[string]json.RawMessage
	if json.Unmarshal(raw, &keys) != nil || len(keys) != 1 {
		return nil, nil, false, nil
	}
	var req setupRequest
	switch {
	case keys["setDataValidation"] != nil, keys["addProtectedRange"] != nil, keys["updateProtectedRange"] != nil, keys["deleteProtectedRange"] != nil:
	default:
		return nil, nil, false, nil
	}
	if err := decodeStrict(raw, &req); err != nil {
		return nil, nil, true, err
	}
	empty := map[string]any{}
	switch {
	case req.SetDataValidation != nil:
		apply, err = f.planValidation(req.SetDataValidation.Range, req.SetDataValidation.Rule)
		return apply, empty, true, err
	case req.AddProtectedRange != nil:
		return f.planAddProtected(req.AddProtectedRange.ProtectedRange)
	case req.UpdateProtectedRange != nil:
		apply, err = f.planUpdateProtected(req.UpdateProtectedRange.ProtectedRange, req.UpdateProtectedRange.Fields)
		return apply, empty, true, err
	default:
		apply, err = f.planDeleteProtected(req.DeleteProtectedRange.ProtectedRangeID)
		return apply, empty, true, err
	}
}

// checkedBounds resolves a range and refuses one beyond the grid.
func (f *Fake) checkedBounds(g *gridRange) (*sheet, [4]int, error) {
	if g == nil {
		return nil, [4]int{}, fmt.Errorf("range is required")
	}
	b, err := f.bounds(g)
	if err != nil {
		return nil, b, err
	}
	sh := f.sheetByID(g.SheetID)
	if b[1] > b[0] && b[3] > b[2] {
		if err := checkGrid(sh, b[1]-1, b[3]-1); err != nil {
			return nil, b, err
		}
	}
	return sh, b, nil
}

func (f *Fake) planValidation(g *gridRange, rule *validationJSON) (func(), error) {
	sh, b, err := f.checkedBounds(g)
	if err != nil {
		return nil, err
	}
	var v *Validation
	if rule != nil {
		if rule.Condition == nil || !conditionTypes[rule.Condition.Type] {
			return nil, fmt.Errorf("rule needs a condition of a known type")
		}
		v = &Validation{Type: rule.Condition.Type, InputMessage: rule.InputMessage, Strict: rule.Strict, ShowCustomUI: rule.ShowCustomUi}
		for _, cv := range rule.Condition.Values {
			if cv.UserEnteredValue == "" {
				return nil, fmt.Errorf("condition values must not be empty")
			}
			v.Values = append(v.Values, cv.UserEnteredValue)
		}
		if v.Type == "ONE_OF_LIST" && len(v.Values) == 0 {
			return nil, fmt.Errorf("ONE_OF_LIST needs at least one value")
		}
	}
	return func() {
		for r := b[0]; r < b[1]; r++ {
			for c := b[2]; c < b[3]; c++ {
				if v == nil {
					delete(sh.validations, [2]int{r, c})
					continue
				}
				if sh.validations == nil {
					sh.validations = map[[2]int]Validation{}
				}
				sh.validations[[2]int{r, c}] = *v
			}
		}
	}, nil
}

func (f *Fake) planAddProtected(in *protectedJSONIn) (func(), any, bool, error) {
	if in == nil {
		return nil, nil, true, fmt.Errorf("protectedRange is required")
	}
	if in.ProtectedRangeID != nil {
		return nil, nil, true, fmt.Errorf("protectedRangeId is assigned by Sheets")
	}
	sh, b, err := f.checkedBounds(in.Range)
	if err != nil {
		return nil, nil, true, err
	}
	f.nextRangeID++
	pr := ProtectedRange{ID: 1_000_000 + f.nextRangeID, Range: rules.Range{Row0: b[0], Col0: b[2], Row1: b[1] - 1, Col1: b[3] - 1},
		Description: in.Description, WarningOnly: in.WarningOnly}
	reply := map[string]any{"addProtectedRange": map[string]any{"protectedRange": protectedOut(sh, pr)}}
	return func() { sh.protected = append(sh.protected, pr) }, reply, true, nil
}

func (f *Fake) planUpdateProtected(in *protectedJSONIn, fields string) (func(), error) {
	if in == nil || in.ProtectedRangeID == nil {
		return nil, fmt.Errorf("protectedRange.protectedRangeId is required")
	}
	sh, i := f.protectedByID(*in.ProtectedRangeID)
	if sh == nil {
		return nil, fmt.Errorf("No protected range with id: %d", *in.ProtectedRangeID)
	}
	pr := sh.protected[i]
	if strings.TrimSpace(fields) == "" {
		return nil, fmt.Errorf("fields is required")
	}
	for _, field := range strings.Split(fields, ",") {
		switch strings.TrimSpace(field) {
		case "range":
			target, b, err := f.checkedBounds(in.Range)
			if err != nil {
				return nil, err
			}
			if target != sh {
				return nil, fmt.Errorf("a protected range cannot move to another sheet")
			}
			pr.Range = rules.Range{Row0: b[0], Col0: b[2], Row1: b[1] - 1, Col1: b[3] - 1}
		case "warningOnly":
			pr.WarningOnly = in.WarningOnly
		case "description":
			pr.Description = in.Description
		default:
			return nil, fmt.Errorf("fake cannot update protected range field %q", field)
		}
	}
	return func() { sh.protected[i] = pr }, nil
}

func (f *Fake) planDeleteProtected(id *int64) (func(), error) {
	if id == nil {
		return nil, fmt.Errorf("protectedRangeId is required")
	}
	sh, _ := f.protectedByID(*id)
	if sh == nil {
		return nil, fmt.Errorf("No protected range with id: %d", *id)
	}
	return func() {
		if _, i := f.protectedByID(*id); i >= 0 {
			sh.protected = append(sh.protected[:i], sh.protected[i+1:]...)
		}
	}, nil
}

func (f *Fake) protectedByID(id int64) (*sheet, int) {
	for _, sh := range f.sheets {
		for i, pr := range sh.protected {
			if pr.ID == id {
				return sh, i
			}
		}
	}
	return nil, -1
}

func protectedOut(sh *sheet, pr ProtectedRange) map[string]any {
	return map[string]any{
		"protectedRangeId": pr.ID, "description": pr.Description, "warningOnly": pr.WarningOnly, "requestingUserCanEdit": true,
		"range": map[string]any{"sheetId": sh.id, "startRowIndex": pr.Range.Row0, "endRowIndex": pr.Range.Row1 + 1,
			"startColumnIndex": pr.Range.Col0, "endColumnIndex": pr.Range.Col1 + 1},
	}
}

// protectedJSON lists a sheet's protected ranges as spreadsheets.get does
// (nil when there are none).
func protectedJSON(sh *sheet) []any {
	var out []any
	for _, pr := range sh.protected {
		out = append(out, protectedOut(sh, pr))
	}
	return out
}

// validationWidths maps each row holding a validation to one past its
// last such column, so reads reach every validated cell.
func validationWidths(sh *sheet) map[int]int {
	out := map[int]int{}
	for k := range sh.validations {
		out[k[0]] = max(out[k[0]], k[1]+1)
	}
	return out
}

// shiftSetup moves validations and protected ranges down with a row
// inserted before row, as Sheets does.
func (sh *sheet) shiftSetup(row int) {
	if len(sh.validations) > 0 {
		moved := make(map[[2]int]Validation, len(sh.validations))
		for k, v := range sh.validations {
			if k[0] >= row {
				k[0]++
			}
			moved[k] = v
		}
		sh.validations = moved
	}
	for i, pr := range sh.protected {
		switch {
		case pr.Range.Row0 >= row:
			sh.protected[i].Range.Row0++
			sh.protected[i].Range.Row1++
		case pr.Range.Row1 >= row:
			sh.protected[i].Range.Row1++
		}
	}
}

// SetValidation sets a cell's data validation, as a person would in
// Данные → Настроить проверку данных.
func (f *Fake) SetValidation(title string, row, col int, v Validation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sh := f.mustSheet(title)
	if sh.validations == nil {
		sh.validations = map[[2]int]Validation{}
	}
	sh.validations[[2]int{row, col}] = v
}

// Validations returns a copy of a sheet's data validation by cell
// ({row, col}, 0-based).
func (f *Fake) Validations(title string) map[[2]int]Validation {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[[2]int]Validation{}
	for k, v := range f.mustSheet(title).validations {
		v.Values = append([]string(nil), v.Values...)
		out[k] = v
	}
	return out
}

// ProtectedRanges lists a sheet's protected ranges by ID.
func (f *Fake) ProtectedRanges(title string) []ProtectedRange {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]ProtectedRange(nil), f.mustSheet(title).protected...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// SetGridSize sets a sheet's grid (rows × columns): requests beyond it are
// refused, as Sheets refuses them.
func (f *Fake) SetGridSize(title string, rows, cols int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sh := f.mustSheet(title)
	sh.rows, sh.cols = rows, cols
}

// Requests lists the raw requests of every applied batchUpdate, in order.
func (f *Fake) Requests() [][]json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]json.RawMessage(nil), f.requests...)
}
