package sync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/sirupsen/logrus"
	"google.golang.org/api/sheets/v4"

	"github.com/perechen-oiv/perechen/rules"
)

// guardFields is the partial-response mask of the read before a note write.
const guardFields = "sheets(properties(title),data(startRow,startColumn,rowData(values(formattedValue,note))))"

// errSheetGone is a guard read that did not find the linted sheet.
var errSheetGone = errors.New("the linted sheet is not in the answer")

// WriteNotes writes the changes as notes with batchUpdate calls that set
// notes and nothing else (one call; more only above MaxBatchBytes).
//
// Every attempt of a call is planned against a read made just before it:
// the rows of the cells it writes and the row on each side, values and
// notes only (guardRows, planAttempt). A cell whose value changed since
// snap, or whose row moved (rows inserted, deleted or dragged above it), is
// skipped and left to the next cycle; every other cell gets its planned
// block merged into the note just read, so whatever a person typed
// meanwhile — also during the backoff before a retry — is kept, and an edit
// elsewhere in the sheet changes nothing. The read and the write go back to
// back, without a quota wait between them. The Sheets API has no
// conditional update, so an edit of a written note in the moment between
// the two is the one race left.
//
// When cells were skipped the others are still written, and the error is a
// *MovedError (errors.Is ErrSheetMoved) naming them.
func (s *SheetsSource) WriteNotes(ctx context.Context, snap *Snapshot, changes []NoteChange) error {
	if !s.cfg.Notes || len(changes) == 0 {
		return nil
	}
	s.mu.Lock()
	gid, ok := s.gids[snap.Grid.Sheet]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("лист «%s» не читался этим источником; примечания не записаны", snap.Grid.Sheet)
	}
	lintedRows := rowKeys(&snap.Grid)
	var (
		written, calls, attempts int
		skipped                  []rules.Ref
	)
	chunks := chunkChanges(changes)
	for i, chunk := range chunks {
		p, n, err := s.writeChunk(ctx, gid, snap, chunk, lintedRows)
		attempts += n
		if err != nil {
			return fmt.Errorf("примечания записаны частично (%d из %d пакетов): %w", i, len(chunks), err)
		}
		if len(p.writes) > 0 {
			calls++
		}
		written += len(p.writes) + p.current
		for _, c := range p.skipped {
			skipped = append(skipped, c.Ref)
		}
	}
	log := s.log.WithFields(logrus.Fields{"notes": written, "calls": calls, "attempts": attempts})
	if len(skipped) == 0 {
		log.Info("notes written")
		return nil
	}
	moved := &MovedError{Written: written, Skipped: skipped}
	log.WithFields(logrus.Fields{"skipped": len(skipped), "cells": moved.cells()}).
		Info("sheet changed since it was read; notes of these cells wait for the next cycle")
	return moved
}

// writeChunk writes one batch of changes: every attempt reads the batch's
// rows, plans against them and writes, all again on a retry. It returns the
// plan of the last attempt and the number of attempts.
func (s *SheetsSource) writeChunk(ctx context.Context, gid int64, snap *Snapshot, chunk []NoteChange, lintedRows map[string]bool) (guardPlan, int, error) {
	rows := guardRows(chunk, len(snap.Grid.Cells))
	var (
		p        guardPlan
		attempts int
	)
	err := s.retry(ctx, "batchUpdate", func(ctx context.Context) error {
		attempts++
		p = guardPlan{}
		if err := s.pace(ctx, "batchUpdate", readWriteTurn); err != nil {
			return err
		}
		now, err := s.readRows(ctx, snap.Grid.Sheet, rows)
		if errors.Is(err, errSheetGone) || statusOf(err) == http.StatusBadRequest {
			// The sheet was renamed or deleted, or its rows cut short: the
			// next cycle's read reports it.
			p.skipped = chunk
			return nil
		}
		if err != nil {
			return err
		}
		p = planAttempt(&snap.Grid, &now, chunk, lintedRows)
		if len(p.writes) == 0 {
			return nil
		}
		reqs := noteRequests(gid, p.writes)
		return s.once(ctx, func(ctx context.Context) error {
			_, err := s.svc.Spreadsheets.BatchUpdate(s.cfg.SpreadsheetID,
				&sheets.BatchUpdateSpreadsheetRequest{Requests: reqs}).Fields("spreadsheetId").Context(ctx).Do()
			return err
		})
	})
	return p, attempts, err
}

// readRows reads the values and notes of blocks of rows (inclusive,
// 0-based) of the sheet titled title: one spreadsheets.get, no retries
// of its own (the write attempt it belongs to is retried).
func (s *SheetsSource) readRows(ctx context.Context, title string, blocks [][2]int) (rules.Grid, error) {
	ranges := make([]string, len(blocks))
	for i, b := range blocks {
		ranges[i] = quoteSheet(title) + "!" + strconv.Itoa(b[0]+1) + ":" + strconv.Itoa(b[1]+1)
	}
	var resp *sheets.Spreadsheet
	err := s.once(ctx, func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.Get(s.cfg.SpreadsheetID).IncludeGridData(true).Ranges(ranges...).
			Fields(guardFields).Context(ctx).Do()
		return err
	})
	if err != nil {
		return rules.Grid{}, err
	}
	if len(resp.Sheets) == 0 || resp.Sheets[0].Properties == nil || resp.Sheets[0].Properties.Title != title {
		return rules.Grid{}, errSheetGone
	}
	return gridFromSheet(resp.Sheets[0])
}

// noteRequests turns changes (sorted by cell) into note-only updateCells
// requests, one per run of adjacent cells in a row.
func noteRequests(gid int64, cs []NoteChange) []*sheets.Request {
	var reqs []*sheets.Request
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].Ref.Row == cs[i].Ref.Row && cs[j].Ref.Col == cs[j-1].Ref.Col+1 {
			j++
		}
		values := make([]*sheets.CellData, 0, j-i)
		for _, c := range cs[i:j] {
			values = append(values, &sheets.CellData{Note: c.New})
		}
		reqs = append(reqs, &sheets.Request{UpdateCells: &sheets.UpdateCellsRequest{
			Start:  &sheets.GridCoordinate{SheetId: gid, RowIndex: int64(cs[i].Ref.Row), ColumnIndex: int64(cs[i].Ref.Col)},
			Rows:   []*sheets.RowData{{Values: values}},
			Fields: "note",
		}})
		i = j
	}
	return reqs
}
