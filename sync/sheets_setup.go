package sync

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/sirupsen/logrus"
	"google.golang.org/api/sheets/v4"

	"github.com/perechen-oiv/perechen/rules"
)

// setupFields is the mask of setup's read of the chosen sheet: the grid
// (to find the form), its size, the data validation of every cell and the
// protected ranges (to change only what differs).
const setupFields = "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),merges," +
	"protectedRanges(protectedRangeId,description,warningOnly,range)," +
	"data(startRow,startColumn,rowData(values(formattedValue,note,dataValidation))))"

// SetupMarker begins the hint of every list perechen sets: it tells
// perechen's rules from those people set, so a later run replaces or
// removes only its own.
const SetupMarker = "perechen: "

// ProtectDescription names the header guard perechen adds.
const ProtectDescription = "perechen: шапка формы Перечня — правка требует подтверждения"

var _ SheetSetup = (*SheetsSource)(nil)

// SetupSheet puts the form's drop-downs on the sheet the daemon reads:
// one read of the sheet's validations, then — unless opt.DryRun or the
// sheet already holds exactly the plan — one batchUpdate with only
// setDataValidation requests (plus the header guard's protected range
// when asked). Values, notes and formats are never part of it.
func (s *SheetsSource) SetupSheet(ctx context.Context, p *rules.Profile, opt SetupOptions) (*SetupResult, error) {
	snap, err := s.Fetch(ctx) // chooses the sheet as every cycle does
	if err != nil {
		return nil, err
	}
	var resp *sheets.Spreadsheet
	err = s.call(ctx, "get", func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.Get(s.cfg.SpreadsheetID).IncludeGridData(true).
			Ranges(quoteSheet(snap.Grid.Sheet)).Fields(setupFields).Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(resp.Sheets) == 0 || resp.Sheets[0].Properties == nil {
		return nil, errors.New("в таблице Google нет листов")
	}
	sh := resp.Sheets[0]
	g, err := gridFromSheet(sh)
	if err != nil {
		return nil, err
	}
	rowLimit := MaxRows
	if gp := sh.Properties.GridProperties; gp != nil {
		rowLimit = int(gp.RowCount)
	}
	plan, err := PlanSetup(g, p, opt, rowLimit)
	if err != nil {
		return nil, err
	}
	reqs, changes := setupRequests(plan, sh)
	res := &SetupResult{Plan: plan, Changes: changes}
	if opt.DryRun || len(reqs) == 0 {
		return res, nil
	}
	err = s.call(ctx, "batchUpdate", func(ctx context.Context) error {
		_, err := s.svc.Spreadsheets.BatchUpdate(s.cfg.SpreadsheetID,
			&sheets.BatchUpdateSpreadsheetRequest{Requests: reqs}).Fields("spreadsheetId").Context(ctx).Do()
		return err
	})
	if err != nil {
		return res, err
	}
	res.Written = true
	s.log.WithFields(logrus.Fields{"sheet": plan.Sheet, "requests": len(reqs)}).Info("drop-downs set up")
	return res, nil
}

// listRule is the validation rule of one graph's list.
func listRule(l ColumnList) *sheets.DataValidationRule {
	values := make([]*sheets.ConditionValue, len(l.Values))
	for i, v := range l.Values {
		values[i] = &sheets.ConditionValue{UserEnteredValue: v}
	}
	return &sheets.DataValidationRule{
		Condition:    &sheets.BooleanCondition{Type: "ONE_OF_LIST", Values: values},
		InputMessage: SetupMarker + l.Prompt,
		ShowCustomUi: true,
		Strict:       l.Strict,
		// strict: false said outright, so the request reads as meant.
		ForceSendFields: []string{"Strict"},
	}
}

func sameRule(a, b *sheets.DataValidationRule) bool {
	if a == nil || b == nil || a.Condition == nil || b.Condition == nil {
		return a == b
	}
	if a.Condition.Type != b.Condition.Type || a.InputMessage != b.InputMessage || a.Strict != b.Strict ||
		a.ShowCustomUi != b.ShowCustomUi || len(a.Condition.Values) != len(b.Condition.Values) {
		return false
	}
	for i, v := range a.Condition.Values {
		if v == nil || b.Condition.Values[i] == nil || v.UserEnteredValue != b.Condition.Values[i].UserEnteredValue {
			return false
		}
	}
	return true
}

// ownRule: a rule perechen set (its hint starts with SetupMarker).
func ownRule(r *sheets.DataValidationRule) bool {
	return r != nil && strings.HasPrefix(r.InputMessage, SetupMarker)
}

type cellKey struct{ row, col int }

// sheetRules collects the data validation of every cell of the sheet.
func sheetRules(sh *sheets.Sheet) map[cellKey]*sheets.DataValidationRule {
	out := map[cellKey]*sheets.DataValidationRule{}
	for _, d := range sh.Data {
		for i, rd := range d.RowData {
			for j, v := range rd.Values {
				if v != nil && v.DataValidation != nil {
					out[cellKey{int(d.StartRow) + i, int(d.StartColumn) + j}] = v.DataValidation
				}
			}
		}
	}
	return out
}

// setupRequests compares the plan with the sheet and returns the requests
// that make the sheet hold it, with the changes they are.
func setupRequests(plan *SetupPlan, sh *sheets.Sheet) ([]*sheets.Request, []SetupChange) {
	gid := sh.Properties.SheetId
	have := sheetRules(sh)
	var (
		reqs    []*sheets.Request
		changes []SetupChange
	)
	covered := map[cellKey]bool{}
	want := map[int]*sheets.DataValidationRule{} // column → its list's rule
	for _, l := range plan.Lists {
		rule := listRule(l)
		want[l.Col] = rule
		for _, span := range l.Spans {
			differs, replaced := false, false
			for r := span.From; r < span.To; r++ {
				k := cellKey{r, l.Col}
				covered[k] = true
				if h := have[k]; !sameRule(h, rule) {
					differs = true
					replaced = replaced || h != nil && !ownRule(h)
				}
			}
			if differs {
				reqs = append(reqs, &sheets.Request{SetDataValidation: &sheets.SetDataValidationRequest{
					Range: gridRange(gid, span.From, span.To, l.Col), Rule: rule}})
				changes = append(changes, SetupChange{Kind: SetupSet, Graph: l.Graph, Range: span.A1(l.Col), Replaced: replaced})
			}
		}
	}
	// perechen's own lists where the plan has none any more: above the
	// header's new place, on repeated headers, in a graph that lost its
	// list, or below the margin with another profile's values.
	stale := map[int][]int{}
	for k, h := range have {
		if !ownRule(h) || covered[k] || k.row >= plan.End && sameRule(h, want[k.col]) {
			continue
		}
		stale[k.col] = append(stale[k.col], k.row)
	}
	cols := make([]int, 0, len(stale))
	for c := range stale {
		cols = append(cols, c)
	}
	sort.Ints(cols)
	for _, c := range cols {
		for _, span := range runs(stale[c]) {
			reqs = append(reqs, &sheets.Request{SetDataValidation: &sheets.SetDataValidationRequest{Range: gridRange(gid, span.From, span.To, c)}})
			changes = append(changes, SetupChange{Kind: SetupClear, Range: span.A1(c)})
		}
	}
	preqs, pchanges := protectRequests(plan, sh)
	return append(reqs, preqs...), append(changes, pchanges...)
}

// protectRequests adds, moves or removes perechen's warning-only guard on
// the header block; other protected ranges are never touched.
func protectRequests(plan *SetupPlan, sh *sheets.Sheet) ([]*sheets.Request, []SetupChange) {
	gid := sh.Properties.SheetId
	h := plan.Header
	want := &sheets.GridRange{SheetId: gid, StartRowIndex: int64(h.Row0), EndRowIndex: int64(h.Row1 + 1),
		StartColumnIndex: int64(h.Col0), EndColumnIndex: int64(h.Col1 + 1)}
	a1 := rules.Ref{Row: h.Row0, Col: h.Col0}.A1() + ":" + rules.Ref{Row: h.Row1, Col: h.Col1}.A1()
	var (
		reqs    []*sheets.Request
		changes []SetupChange
		kept    bool
	)
	for _, pr := range sh.ProtectedRanges {
		if pr == nil || pr.Description != ProtectDescription {
			continue
		}
		switch {
		case !plan.Protect || kept:
			reqs = append(reqs, &sheets.Request{DeleteProtectedRange: &sheets.DeleteProtectedRangeRequest{ProtectedRangeId: pr.ProtectedRangeId}})
			changes = append(changes, SetupChange{Kind: SetupUnprotect, Range: a1Range(pr.Range)})
		case !pr.WarningOnly || !sameGridRange(pr.Range, want):
			kept = true
			reqs = append(reqs, &sheets.Request{UpdateProtectedRange: &sheets.UpdateProtectedRangeRequest{
				ProtectedRange: &sheets.ProtectedRange{ProtectedRangeId: pr.ProtectedRangeId, Range: want, WarningOnly: true},
				Fields:         "range,warningOnly"}})
			changes = append(changes, SetupChange{Kind: SetupProtect, Range: a1})
		default:
			kept = true
		}
	}
	if plan.Protect && !kept {
		reqs = append(reqs, &sheets.Request{AddProtectedRange: &sheets.AddProtectedRangeRequest{
			ProtectedRange: &sheets.ProtectedRange{Range: want, Description: ProtectDescription, WarningOnly: true}}})
		changes = append(changes, SetupChange{Kind: SetupProtect, Range: a1})
	}
	return reqs, changes
}

func gridRange(gid int64, from, to, col int) *sheets.GridRange {
	return &sheets.GridRange{SheetId: gid, StartRowIndex: int64(from), EndRowIndex: int64(to),
		StartColumnIndex: int64(col), EndColumnIndex: int64(col + 1)}
}

func sameGridRange(a, b *sheets.GridRange) bool {
	return a != nil && b != nil && a.SheetId == b.SheetId && a.StartRowIndex == b.StartRowIndex && a.EndRowIndex == b.EndRowIndex &&
		a.StartColumnIndex == b.StartColumnIndex && a.EndColumnIndex == b.EndColumnIndex
}

// a1Range writes a bounded GridRange in A1 notation ("?" when unbounded).
func a1Range(g *sheets.GridRange) string {
	if g == nil || g.EndRowIndex == 0 || g.EndColumnIndex == 0 {
		return "?"
	}
	return rules.Ref{Row: int(g.StartRowIndex), Col: int(g.StartColumnIndex)}.A1() + ":" +
		rules.Ref{Row: int(g.EndRowIndex) - 1, Col: int(g.EndColumnIndex) - 1}.A1()
}

// runs groups row numbers into contiguous spans.
func runs(rows []int) []RowSpan {
	rows = slices.Clone(rows)
	sort.Ints(rows)
	var out []RowSpan
	for _, r := range rows {
		if n := len(out); n > 0 && out[n-1].To == r {
			out[n-1].To++
			continue
		}
		out = append(out, RowSpan{r, r + 1})
	}
	return out
}
