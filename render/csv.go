package render

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/perechen-oiv/perechen/rules"
)

// CSVOptions configure the CSV writer.
type CSVOptions struct {
	// Semicolon separates fields with ';', which Excel with Russian regional
	// settings expects; the default is ','.
	Semicolon bool
}

type csvRenderer struct{ opts CSVOptions }

var _ Renderer = (*csvRenderer)(nil)

// NewCSV returns the CSV writer: UTF-8 with a byte order mark (so Excel
// detects the encoding), CRLF line ends, a header row with the five captions
// and one row per need with the process number and name, touchpoint and kind
// repeated. Cells that a spreadsheet would run as a formula are neutralised.
func NewCSV(opts CSVOptions) Renderer { return &csvRenderer{opts: opts} }

func (r *csvRenderer) Format() string   { return "csv" }
func (r *csvRenderer) FileName() string { return "perechen.csv" }

func (r *csvRenderer) Render(w io.Writer, reg *rules.Registry, meta Meta) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if r.opts.Semicolon {
		cw.Comma = ';'
	}
	head := captions(meta)
	record := make([]string, 5)
	for i, c := range head {
		record[i] = csvCell(c)
	}
	if err := cw.Write(record); err != nil {
		return fmt.Errorf("render csv: %w", err)
	}
	for _, row := range buildRows(reg) {
		record[0] = csvCell(row.Number)
		record[1] = csvCell(row.ProcessName)
		record[2] = csvCell(row.TouchpointName)
		record[3] = csvCell(row.NeedText)
		record[4] = csvCell(row.Kind)
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("render csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("render csv: %w", err)
	}
	return bw.Flush()
}

// csvCell neutralises formula injection (CWE-1236): a cell starting with
// = + - @, a tab or a carriage return gets a leading apostrophe, so Excel and
// LibreOffice show it as text instead of evaluating it.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
