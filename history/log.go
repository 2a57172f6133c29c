package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// AppendLog appends the changes to the JSON Lines log at path (one change a
// line), creating it with mode 0644, and fsyncs before returning. The
// changes are written with one write call so a crash leaves at most the
// last line torn; a torn last line of an earlier run is ended first so it
// stays one bad line instead of spoiling the next good one.
func AppendLog(path string, cs []Change) (err error) {
	if len(cs) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, c := range cs {
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("change log %s: encode: %w", path, err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("журнал изменений %s не открыт / change log not opened: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("change log %s: close: %w", path, cerr)
		}
	}()
	if torn, err := endsTorn(f); err != nil {
		return fmt.Errorf("change log %s: %w", path, err)
	} else if torn {
		buf = *bytes.NewBuffer(append([]byte{'\n'}, buf.Bytes()...))
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("журнал изменений %s не записан / change log not written: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("change log %s: fsync: %w", path, err)
	}
	return nil
}

// endsTorn reports whether a non-empty file does not end with a newline.
func endsTorn(f *os.File) (bool, error) {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false, err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return false, fmt.Errorf("read last byte: %w", err)
	}
	return last[0] != '\n', nil
}

// ReadLog reads the whole log. A missing file is an empty history. A line
// that is not a change is an error naming the file and line: the log is
// evidence of what was published when, so it is not silently skipped (use
// ReadLogLenient to show what is readable).
func ReadLog(path string) ([]Change, error) {
	var out []Change
	err := readLog(path, func(lineNo int, c Change, err error) error {
		if err != nil {
			return fmt.Errorf("журнал изменений %s, строка %d: запись повреждена / change log %s, line %d: %w",
				path, lineNo, path, lineNo, err)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// ReadLogLenient reads the log, skipping bad lines; it returns the good
// changes and how many lines were skipped. Only I/O failures are errors.
func ReadLogLenient(path string) (cs []Change, bad int, err error) {
	err = readLog(path, func(_ int, c Change, err error) error {
		if err != nil {
			bad++
			return nil
		}
		cs = append(cs, c)
		return nil
	})
	return cs, bad, err
}

func readLog(path string, fn func(lineNo int, c Change, err error) error) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("журнал изменений %s не прочитан / change log not read: %w", path, err)
	}
	defer f.Close()
	return parseLog(f, fn)
}

// parseLog calls fn for every non-blank line of r (lines have no length
// limit).
func parseLog(r io.Reader, fn func(lineNo int, c Change, err error) error) error {
	br := bufio.NewReader(r)
	for lineNo := 1; ; lineNo++ {
		line, rerr := br.ReadBytes('\n')
		if rerr != nil && rerr != io.EOF {
			return fmt.Errorf("change log line %d: read: %w", lineNo, rerr)
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			var c Change
			err := json.Unmarshal(line, &c)
			if err == nil && c.Kind == "" {
				err = errors.New("no kind")
			}
			if ferr := fn(lineNo, c, err); ferr != nil {
				return ferr
			}
		}
		if rerr == io.EOF {
			return nil
		}
	}
}
