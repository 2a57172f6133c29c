package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/sync"
)

// maxInput caps what a command reads from a file or stdin before excelize sees it.
const maxInput = 50 << 20

// input is a registry grid read from a file, stdin or the embedded sample.
type input struct {
	name    string // for messages: the path, "стандартный ввод" or "образец"
	grid    rules.Grid
	modTime time.Time // the file's modification time; zero for stdin and the sample
	file    bool      // read from a named file
	// sheetReason says which sheet of a workbook of several was read and
	// why, when none was named.
	sheetReason string
}

// readInput reads the one file argument of a command (or stdin for "-", or
// the embedded sample) into a grid; cmd names the command for the hint.
func readInput(e env, cmd string, args []string, sheet string, sample bool) (input, error) {
	if sample {
		return input{name: "образец", grid: rules.SampleGrid()}, nil
	}
	if len(args) != 1 {
		return input{}, fmt.Errorf("укажите один файл XLSX (или - для стандартного ввода); справка: perechen %s --help", cmd)
	}
	in := input{name: args[0]}
	var r io.Reader
	sizeHint := int64(0)
	if in.name == "-" {
		in.name, r = "стандартный ввод", e.stdin
	} else {
		f, err := os.Open(in.name)
		if err != nil {
			return input{}, fmt.Errorf("не удалось открыть файл: %w", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			if st.IsDir() {
				return input{}, fmt.Errorf("%s: это каталог, а не файл XLSX", in.name)
			}
			in.modTime, in.file, sizeHint = st.ModTime(), true, st.Size()
		}
		r = f
	}
	data, err := readAll(r, sizeHint)
	if err != nil {
		return input{}, fmt.Errorf("%s: не удалось прочитать: %w", in.name, err)
	}
	if len(data) > maxInput {
		return input{}, fmt.Errorf("%s: файл больше %d МиБ — это не похоже на Перечень", in.name, maxInput>>20)
	}
	if len(data) == 0 {
		return input{}, errors.New(in.name + ": пустой файл — это не XLSX")
	}
	in.grid, in.sheetReason, err = sync.ReadXLSXSheet(data, sheet, nil)
	if err != nil {
		return input{}, fmt.Errorf("%s: %w", in.name, err)
	}
	return in, nil
}

// readAll reads up to maxInput+1 bytes into a buffer sized by the file's
// length when known (growing by doubling would touch twice the memory).
func readAll(r io.Reader, sizeHint int64) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, min(max(sizeHint, 0), maxInput)+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(r, maxInput+1))
	return buf.Bytes(), err
}
