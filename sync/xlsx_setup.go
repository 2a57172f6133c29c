package sync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/internal/xlsxlists"
	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/rules"
)

var _ SheetSetup = (*XLSXSource)(nil)

// SetupCopyPath is where setup-sheet writes the workbook with drop-downs
// when the source is not written in place: <name>.подсказки.xlsx.
func (s *XLSXSource) SetupCopyPath() string {
	ext := filepath.Ext(s.cfg.Path)
	return strings.TrimSuffix(s.cfg.Path, ext) + ".подсказки.xlsx"
}

// SetupSheet puts the form's drop-downs into the workbook (xlsxlists):
// in place under the rules notes are written by (xlsx.notes: in-place —
// never while Excel or LibreOffice has it open, previous version kept as
// .bak, atomic replace), otherwise into a new copy (opt.Out, or
// SetupCopyPath) and the file itself stays as it is. A workbook that
// already holds exactly the plan is not written.
func (s *XLSXSource) SetupSheet(ctx context.Context, p *rules.Profile, opt SetupOptions) (*SetupResult, error) {
	inPlace := s.cfg.Mode == XLSXModeInPlace
	if inPlace && !opt.DryRun {
		if lock := lockFile(s.cfg.Path); lock != "" {
			return nil, setupLocked(s.cfg.Path, lock)
		}
	}
	data, st, g, err := s.readGrid()
	if err != nil {
		return nil, err
	}
	plan, err := PlanSetup(g, p, opt, excelize.TotalRows)
	if err != nil {
		return nil, err
	}
	out, changes, err := setupWorkbook(data, plan)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.cfg.Path, err)
	}
	res := &SetupResult{Plan: plan, Changes: changes}
	if opt.ProtectHeader {
		res.Notices = append(res.Notices, "защита шапки (protect_header) есть только у Google Таблиц; в Excel шапку защищает «Рецензирование → Защитить лист»")
	}
	if opt.DryRun || out == nil {
		return res, nil
	}
	if inPlace {
		if err := replaceInPlace(s.cfg.Path, data, st, out); err != nil {
			switch {
			case errors.Is(err, ErrFileLocked):
				return res, setupLocked(s.cfg.Path, lockFile(s.cfg.Path))
			case errors.Is(err, ErrSheetMoved):
				return res, fmt.Errorf("файл %s изменился во время настройки; ничего не записано, запустите setup-sheet ещё раз", s.cfg.Path)
			}
			return res, err
		}
		res.Written = true
		return res, nil
	}
	path := opt.Out
	if path == "" {
		path = s.SetupCopyPath()
	}
	if sameFile(path, s.cfg.Path) {
		return res, errors.New("копия с выпадающими списками совпадает с самим файлом; для записи в файл выберите xlsx.notes: in-place")
	}
	if old, err := os.ReadFile(path); err != nil || !bytes.Equal(old, out) {
		if err := publish.WriteFileAtomic(path, out, 0o644); err != nil {
			return res, fmt.Errorf("копия с выпадающими списками не записана: %v", err)
		}
	}
	res.Written, res.CopyPath = true, path
	return res, nil
}

func setupLocked(path, lock string) error {
	return fmt.Errorf("%s: %w (%s); закройте файл и запустите setup-sheet ещё раз", path, errFileOpen, filepath.Base(lock))
}

// errFileOpen is ErrFileLocked in setup's words.
var errFileOpen = errors.New("файл открыт в Excel или LibreOffice, выпадающие списки не записаны")

// setupWorkbook applies the plan's lists to the workbook; out is nil when
// it already holds them.
func setupWorkbook(data []byte, plan *SetupPlan) (out []byte, changes []SetupChange, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, changes, err = nil, nil, fmt.Errorf("файл XLSX повреждён: %v", p)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipSize, UnzipXMLSizeLimit: MaxUnzipXMLSize})
	if err != nil {
		return nil, nil, openError(err)
	}
	defer f.Close()
	lists := make([]xlsxlists.List, len(plan.Lists))
	for i, l := range plan.Lists {
		lists[i] = xlsxlists.List{DropDown: l.DropDown, Sqref: l.Ranges(), Strict: l.Strict}
	}
	changed, removed, err := xlsxlists.Set(f, plan.Sheet, lists)
	if err != nil {
		return nil, nil, err
	}
	for _, i := range changed {
		changes = append(changes, SetupChange{Kind: SetupSet, Graph: lists[i].Graph, Range: lists[i].Sqref})
	}
	for _, r := range removed {
		changes = append(changes, SetupChange{Kind: SetupClear, Range: r})
	}
	if len(changes) == 0 {
		return nil, nil, nil
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, nil, fmt.Errorf("файл XLSX не собирается: %v", err)
	}
	return buf.Bytes(), changes, nil
}
