package sync

import (
	"context"
	"fmt"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// Graph 4 modes of SetupOptions.Needs.
const (
	// NeedsAuto: a list in graph 4 unless the sheet writes several needs
	// in one cell (the Порядок's own example does), where a list would mark
	// every such correct cell.
	NeedsAuto = "auto"
	NeedsList = "list" // always a list in graph 4
	NeedsOff  = "off"  // no list in graph 4
)

// DefaultSetupMargin is how many rows below the table get the drop-downs
// too, for the rows staff add next.
const DefaultSetupMargin = 200

// SetupOptions shape what `perechen setup-sheet` puts on a sheet.
type SetupOptions struct {
	// Strict makes the lists refuse other text where the Порядок allows no
	// other value (graph 5, the kinds). Other lists only mark such text.
	Strict bool
	// Needs is NeedsAuto ("" too), NeedsList or NeedsOff.
	Needs string
	// Margin is the number of empty rows below the table that get the
	// lists too (0 means DefaultSetupMargin, negative none).
	Margin int
	// ProtectHeader adds a warning-only protected range over the header
	// block (Google Sheets): an edit there asks for confirmation.
	ProtectHeader bool
	// DryRun plans and compares but writes nothing.
	DryRun bool
	// Out is where an XLSX source not written in place gets its copy with
	// the drop-downs ("" = XLSXSource.SetupCopyPath).
	Out string
}

// SheetSetup is a source that can put the form's drop-downs on its sheet.
type SheetSetup interface {
	SetupSheet(ctx context.Context, p *rules.Profile, opt SetupOptions) (*SetupResult, error)
}

// SetupPlan is what a sheet should hold: a list per graph over the data
// rows and, when asked, the header guard.
type SetupPlan struct {
	Sheet string
	Body  rules.Body
	// End is one past the last row the lists cover: the table's end plus
	// the margin, cut at the sheet's last row (Clipped).
	End     int
	Clipped bool
	// Columns are the form's five graphs' 0-based columns.
	Columns [5]int
	Lists   []ColumnList
	// NeedsSkipped says in Russian why graph 4 has no list ("" when it has).
	NeedsSkipped string
	// Header is the header block across the form's graphs, the range the
	// protection covers (when Protect).
	Header  rules.Range
	Protect bool
}

// ColumnList is one graph's drop-down over row spans of its column.
type ColumnList struct {
	rules.DropDown
	Col    int
	Strict bool
	Spans  []RowSpan
}

// RowSpan is the rows From..To-1 (0-based).
type RowSpan struct{ From, To int }

// A1 is the span in column col as an A1 range ("C13:C240").
func (s RowSpan) A1(col int) string {
	return fmt.Sprintf("%s%d:%s%d", rules.ColumnName(col), s.From+1, rules.ColumnName(col), s.To)
}

// Ranges is the list's spans in A1 notation, space-separated (an sqref).
func (l ColumnList) Ranges() string {
	parts := make([]string, len(l.Spans))
	for i, s := range l.Spans {
		parts[i] = s.A1(l.Col)
	}
	return strings.Join(parts, " ")
}

// Setup change kinds.
const (
	SetupSet       = "set"       // a graph's list set on a range
	SetupClear     = "clear"     // a list perechen set earlier removed from a range
	SetupProtect   = "protect"   // the header guard added or moved
	SetupUnprotect = "unprotect" // the header guard perechen added removed
)

// SetupChange is one change a setup sends (or, in a dry run, would send).
type SetupChange struct {
	Kind  string
	Graph int    // the graph of a set list; 0 otherwise
	Range string // A1 range(s)
	// Replaced: the range held rules someone else set; the list replaces them.
	Replaced bool
}

// SetupResult is what a setup planned and did.
type SetupResult struct {
	Plan    *SetupPlan
	Changes []SetupChange
	// Written: the changes were sent (false in a dry run or with none).
	Written bool
	// CopyPath is the workbook written in XLSX copy mode.
	CopyPath string
	// Notices are remarks in Russian on what could not be done as asked.
	Notices []string
}

// PlanSetup plans the drop-downs of the registry on g. rowLimit is the
// number of rows the sheet has (Google Sheets' grid; lists cannot reach
// beyond it). A sheet without the form's header is an error.
func PlanSetup(g rules.Grid, p *rules.Profile, opt SetupOptions, rowLimit int) (*SetupPlan, error) {
	reg, _ := rules.Parse(g, p)
	if !reg.HasHeader() {
		return nil, fmt.Errorf("на листе «%s» не найдена шапка формы Перечня (графы «%s»): выпадающие списки не заданы. Проверьте, что выбран лист с Перечнем",
			g.Sheet, strings.Join(p.Captions(), "», «"))
	}
	margin := opt.Margin
	if margin == 0 {
		margin = DefaultSetupMargin
	}
	body := reg.Body(&g, p)
	plan := &SetupPlan{Sheet: g.Sheet, Body: body, Columns: reg.Columns, Protect: opt.ProtectHeader}
	plan.End = body.To + max(margin, 0)
	if plan.End > rowLimit {
		plan.End, plan.Clipped = max(rowLimit, body.From), true
	}
	lo, hi := reg.Columns[0], reg.Columns[0]
	for _, c := range reg.Columns {
		lo, hi = min(lo, c), max(hi, c)
	}
	plan.Header = rules.Range{Row0: body.Header, Col0: lo, Row1: body.HeaderEnd, Col1: hi}
	spans := bodySpans(body, plan.End)
	if len(spans) == 0 {
		return plan, nil
	}
	for _, dd := range p.DropDowns() {
		if dd.Graph == 4 {
			if why := needsSkipped(reg, opt.Needs); why != "" {
				plan.NeedsSkipped = why
				continue
			}
		}
		plan.Lists = append(plan.Lists, ColumnList{DropDown: dd, Col: reg.Columns[dd.Graph-1], Strict: opt.Strict && dd.Closed, Spans: spans})
	}
	return plan, nil
}

// bodySpans are the data rows From..end without the repeated headers.
func bodySpans(b rules.Body, end int) []RowSpan {
	var spans []RowSpan
	from := b.From
	for _, r := range b.Repeats {
		if r > from {
			spans = append(spans, RowSpan{from, r})
		}
		from = r + 1
	}
	if end > from {
		spans = append(spans, RowSpan{from, end})
	}
	return spans
}

// needsSkipped says why graph 4 gets no list, "" when it gets one.
func needsSkipped(reg *rules.Registry, mode string) string {
	switch mode {
	case NeedsOff:
		return "графа 4 без списка (--needs off)"
	case NeedsList:
		return ""
	}
	if at, ok := sharedNeedsCell(reg); ok {
		return fmt.Sprintf("графа 4 без списка: потребности записаны по нескольку в ячейке (например, %s), а список отметил бы такие верные ячейки. "+
			"Список в графе 4 — при записи по одной потребности в строке или с --needs list", at.A1())
	}
	return ""
}

// sharedNeedsCell finds a cell holding more than one need.
func sharedNeedsCell(reg *rules.Registry) (rules.Ref, bool) {
	for _, p := range reg.Processes {
		for _, t := range p.Touchpoints {
			for i := 1; i < len(t.Needs); i++ {
				if a, b := t.Needs[i-1].At, t.Needs[i].At; a.Row == b.Row && a.Col == b.Col {
					return a, true
				}
			}
		}
	}
	return rules.Ref{}, false
}
