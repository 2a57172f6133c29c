package sync

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"google.golang.org/api/sheets/v4"

	"github.com/perechen-oiv/perechen/rules"
)

// pickRows is how many rows of each tab the header search reads: the form's
// header sits under a few title rows, well within 50.
const pickRows = 50

// repickEvery bounds how long a choice stands while the workbook's tabs
// stay the same (a header typed into another tab is noticed within it);
// added, removed, renamed, moved or hidden tabs are noticed at once.
const repickEvery = time.Hour

// sheetPick is the sheet chosen by its header when no title is configured.
type sheetPick struct {
	title  string
	reason string
	tabs   string // the workbook's tabs when it was chosen
	at     time.Time
	// noForm: no tab carries the form and title is the first visible one,
	// read so the lint says so; chosen again every cycle until a form appears.
	noForm bool
}

// tab is one sheet of the workbook as its properties describe it.
type tab struct {
	title  string
	hidden bool
}

// sheetTitle is the title of the sheet to read: the configured one, else
// the one the header search chose — re-chosen when the tabs change, every
// repickEvery, or when the chosen one lost its header. The choice costs
// one small request per cycle (the tab list) and, when it is made, one
// request for the first rows of every tab.
func (s *SheetsSource) sheetTitle(ctx context.Context) (string, error) {
	if s.cfg.Sheet != "" {
		return s.cfg.Sheet, nil
	}
	tabs, err := s.listTabs(ctx)
	if err != nil {
		return "", err
	}
	sig := tabsSignature(tabs)
	s.mu.Lock()
	prev := s.pick
	s.mu.Unlock()
	if prev.title != "" && prev.tabs == sig && time.Since(prev.at) < repickEvery {
		return prev.title, nil
	}
	pick, err := s.choose(ctx, tabs)
	if err != nil {
		return "", err
	}
	pick.tabs, pick.at = sig, time.Now()
	s.mu.Lock()
	s.pick = pick
	s.mu.Unlock()
	if pick.title != prev.title || pick.reason != prev.reason {
		l := s.log.WithFields(logrus.Fields{"sheet": pick.title, "reason": pick.reason, "previous": prev.title})
		if pick.noForm {
			l.Warn("no sheet holds the form; reading the first visible one")
		} else {
			l.Info("sheet chosen by its header")
		}
	}
	return pick.title, nil
}

// currentTitle is the sheet reads go to now ("" before the first choice).
func (s *SheetsSource) currentTitle() string {
	if s.cfg.Sheet != "" {
		return s.cfg.Sheet
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pick.title
}

// forgetPick makes the next read choose the sheet again; the old choice
// stays for comparison, so an unchanged choice is not logged again.
func (s *SheetsSource) forgetPick() {
	s.mu.Lock()
	s.pick.at = time.Time{}
	s.mu.Unlock()
}

// checkPick forgets a chosen sheet whose full read has no header (the
// form moved to another tab, or no tab had it), so the next cycle chooses
// again.
func (s *SheetsSource) checkPick(g rules.Grid) {
	if s.cfg.Sheet != "" || rules.PickSheet([]rules.SheetCandidate{{Grid: g}}, s.cfg.Profile).Index >= 0 {
		return
	}
	s.mu.Lock()
	noForm := s.pick.noForm
	s.mu.Unlock()
	if !noForm {
		s.log.WithField("sheet", g.Sheet).Warn("the chosen sheet has no header any more; choosing again next cycle")
	}
	s.forgetPick()
}

// listTabs reads the workbook's grid sheets, in tab order.
func (s *SheetsSource) listTabs(ctx context.Context) ([]tab, error) {
	var resp *sheets.Spreadsheet
	err := s.call(ctx, "get", func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.Get(s.cfg.SpreadsheetID).
			Fields("sheets.properties(sheetId,title,index,hidden,sheetType)").Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, err
	}
	var tabs []tab
	for _, sh := range resp.Sheets {
		p := sh.Properties
		if p == nil || p.SheetType != "" && p.SheetType != "GRID" { // charts and data sources hold no form
			continue
		}
		tabs = append(tabs, tab{title: p.Title, hidden: p.Hidden})
	}
	if len(tabs) == 0 {
		return nil, fmt.Errorf("в таблице Google %s нет листов с ячейками", s.cfg.SpreadsheetID)
	}
	return tabs, nil
}

func tabsSignature(tabs []tab) string {
	var b strings.Builder
	for _, t := range tabs {
		b.WriteString(strconv.Quote(t.title))
		if t.hidden {
			b.WriteString("/hidden")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// choose reads the first pickRows rows of every tab in one request and
// lets rules.PickSheet find the form. A workbook of one tab needs no
// search: its only sheet is read (and linted, header or not). Without a
// form anywhere the first visible tab is read, as for an XLSX workbook:
// the lint then reports the missing header, and notes go nowhere.
func (s *SheetsSource) choose(ctx context.Context, tabs []tab) (sheetPick, error) {
	if len(tabs) == 1 {
		return sheetPick{title: tabs[0].title, reason: fmt.Sprintf("лист «%s» — единственный в таблице", tabs[0].title)}, nil
	}
	ranges := make([]string, len(tabs))
	for i, t := range tabs {
		ranges[i] = quoteSheet(t.title) + "!1:" + strconv.Itoa(pickRows)
	}
	var resp *sheets.Spreadsheet
	err := s.call(ctx, "get", func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.Get(s.cfg.SpreadsheetID).IncludeGridData(true).Ranges(ranges...).
			Fields("sheets(properties(title),merges,data(startRow,startColumn,rowData(values(formattedValue))))").Context(ctx).Do()
		return err
	})
	if err != nil {
		return sheetPick{}, err
	}
	// Candidates in tab order, matched by title: the response's order is
	// not the ranges' order, and never taken as meaning anything.
	cands := make([]rules.SheetCandidate, len(tabs))
	for i, t := range tabs {
		cands[i] = rules.SheetCandidate{Grid: rules.Grid{Sheet: t.title}, Hidden: t.hidden}
		if sh := sheetTitled(resp, t.title); sh != nil {
			g, err := gridFromSheet(sh)
			if err != nil {
				return sheetPick{}, err
			}
			cands[i].Grid = g
		}
	}
	choice := rules.PickSheet(cands, s.cfg.Profile)
	if choice.Index >= 0 {
		return sheetPick{title: tabs[choice.Index].title, reason: choice.Reason}, nil
	}
	first := tabs[0]
	for _, t := range tabs {
		if !t.hidden {
			first = t
			break
		}
	}
	return sheetPick{title: first.title, noForm: true, reason: fmt.Sprintf("%s; проверяется первый видимый лист «%s». "+
		"Укажите имя листа с Перечнем (sheet в настройках источника)", choice.Reason, first.title)}, nil
}

// sheetTitled finds a sheet of a response by its title.
func sheetTitled(resp *sheets.Spreadsheet, title string) *sheets.Sheet {
	for _, sh := range resp.Sheets {
		if sh.Properties != nil && sh.Properties.Title == title {
			return sh
		}
	}
	return nil
}
