package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestMain lets a test re-run this binary as the perechen command, so
// hostile inputs are measured in a separate process (exit code, peak RSS).
func TestMain(m *testing.M) {
	if os.Getenv("PERECHEN_TEST_AS_MAIN") == "1" {
		args := strings.Fields(os.Getenv("PERECHEN_TEST_ARGS"))
		if argv := os.Getenv("PERECHEN_TEST_ARGV"); argv != "" { // one argument a line: they may hold spaces
			args = strings.Split(argv, "\n")
		}
		os.Args = append([]string{"perechen"}, args...)
		os.Exit(run())
	}
	os.Exit(m.Run())
}

// hostileCase is one broken or malicious workbook and what the user must read.
type hostileCase struct {
	name  string
	write func(t *testing.T, path string)
	want  string // fragment of the Russian message on stderr
}

func hostileCases() []hostileCase {
	return []hostileCase{
		{"zip-bomb", writeZipBomb, "zip-бомбу"},
		{"billion-laughs", writeSheetXML(billionLaughs), "строка заголовка"}, // the entity is never expanded: nothing readable is left
		{"million-rows", writeSheetXML(millionRows), "больше 200000 строк"},
		{"encrypted", writeBytes(oleContainer()), "паролем"},
		{"csv-renamed", writeBytes([]byte("№;Наименование процесса\n1;Отпуск\n")), "не файл XLSX"},
		{"truncated", writeTruncated, "повреждён"},
		{"empty", writeBytes(nil), "пуст"},
	}
}

// TestHostileXLSX feeds each case to `perechen lint` in a child process: it
// must exit 2 with a clear Russian message and bounded memory.
func TestHostileXLSX(t *testing.T) {
	if testing.Short() {
		t.Skip("builds large hostile files")
	}
	const maxRSS = 400 << 20
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.name+".xlsx")
			c.write(t, path)
			code, stderr, rss := runChild(t, "lint", path)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d; stderr: %s", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not mention %q", stderr, c.want)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("stderr shows a crash: %s", stderr)
			}
			if rss > maxRSS {
				t.Errorf("peak RSS %d MiB > %d MiB", rss>>20, maxRSS>>20)
			}
			t.Logf("%-15s exit=%d peak RSS=%3d MiB: %s", c.name, code, rss>>20, strings.TrimSpace(stderr))
		})
	}
}

func runChild(t *testing.T, args ...string) (code int, stderr string, maxRSS int64) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PERECHEN_TEST_AS_MAIN=1", "PERECHEN_TEST_ARGS="+strings.Join(args, " "))
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		maxRSS = ru.Maxrss << 10 // kilobytes on Linux
	}
	return cmd.ProcessState.ExitCode(), errb.String(), maxRSS
}

func writeBytes(data []byte) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// oleContainer starts like an encrypted Office file (a CFB container).
func oleContainer() []byte {
	return append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 4096)...)
}

func writeTruncated(t *testing.T, path string) {
	var buf bytes.Buffer
	f := excelize.NewFile()
	for r := 1; r <= 200; r++ {
		f.SetCellStr("Sheet1", fmt.Sprintf("C%d", r), strings.Repeat("Телефонная связь ", 5))
	}
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	writeBytes(buf.Bytes()[:buf.Len()*2/3])(t, path)
}

// writeZipBomb stores a worksheet that inflates to 300 MiB of whitespace (over
// the 256 MiB limit) in a file of a few hundred kilobytes; the declared size
// alone must get it refused.
func writeZipBomb(t *testing.T, path string) {
	rewriteWorkbook(t, path, func(w io.Writer) {
		io.WriteString(w, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		for i := 0; i < 300; i++ {
			w.Write(chunk)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	})
}

func writeSheetXML(body func(w io.Writer)) func(t *testing.T, path string) {
	return func(t *testing.T, path string) { rewriteWorkbook(t, path, body) }
}

// billionLaughs defines nested entities; a parser that expanded them would
// need gigabytes.
func billionLaughs(w io.Writer) {
	io.WriteString(w, `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
	prev := "lol"
	for i := 1; i <= 9; i++ {
		name := fmt.Sprintf("lol%d", i)
		fmt.Fprintf(w, `<!ENTITY %s "%s">`, name, strings.Repeat("&"+prev+";", 10))
		prev = name
	}
	io.WriteString(w, `]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>`)
}

// millionRows is a sheet filled to Excel's last row.
func millionRows(w io.Writer) {
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	var line []byte
	for r := 1; r <= 1<<20; r++ {
		n := strconv.AppendInt(nil, int64(r), 10)
		line = append(line[:0], `<row r="`...)
		line = append(append(line, n...), `"><c r="A`...)
		line = append(append(line, n...), `"><v>`...)
		line = append(append(line, n...), `</v></c></row>`...)
		bw.Write(line)
	}
	bw.WriteString(`</sheetData></worksheet>`)
	bw.Flush()
}

// rewriteWorkbook writes a valid one-sheet workbook whose sheet1.xml is
// replaced by body.
func rewriteWorkbook(t *testing.T, path string, body func(w io.Writer)) {
	t.Helper()
	var base bytes.Buffer
	if err := excelize.NewFile().Write(&base); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(base.Bytes()), int64(base.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			body(w)
			continue
		}
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
