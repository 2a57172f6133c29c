// Command genxlsx supports `make bench-compare`: it writes a synthetic
// registry of N rows as an XLSX in the official form, and renders an XLSX
// to PDF the way `perechen render --format pdf` does (read, parse, render),
// printing the time the render took.
//
//	go run ./scripts/genxlsx -rows 10000 -out perechen-10k.xlsx
//	go run ./scripts/genxlsx -pdf perechen-10k.xlsx -out perechen.pdf
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
)

func main() {
	rows := flag.Int("rows", 10000, "rows of the synthetic registry")
	pdfFrom := flag.String("pdf", "", "render this XLSX to PDF instead of generating one")
	out := flag.String("out", "", "output file")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "genxlsx: -out is required")
		os.Exit(2)
	}
	var err error
	if *pdfFrom != "" {
		err = renderPDF(*pdfFrom, *out)
	} else {
		err = generate(*rows, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genxlsx:", err)
		os.Exit(1)
	}
}

func generate(rows int, out string) error {
	p, err := rules.LoadProfile(rules.DefaultProfile)
	if err != nil {
		return err
	}
	reg, _ := rules.Parse(rules.SyntheticGrid(rows), p)
	var buf bytes.Buffer
	meta := render.Meta{Organisation: "Синтетический орган", Profile: p, Version: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := render.NewXLSX().Render(&buf, reg, meta); err != nil {
		return err
	}
	return publish.WriteFileAtomic(out, buf.Bytes(), 0o644)
}

func renderPDF(in, out string) error {
	start := time.Now()
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	g, err := psync.ReadXLSXBytes(data, "")
	if err != nil {
		return err
	}
	p, err := rules.LoadProfile(rules.DefaultProfile)
	if err != nil {
		return err
	}
	reg, _ := rules.Parse(g, p)
	parsed := time.Now()
	var buf bytes.Buffer
	if err := render.NewPDF().Render(&buf, reg, render.Meta{Organisation: "Синтетический орган", Profile: p}); err != nil {
		return err
	}
	rendered := time.Now()
	if err := publish.WriteFileAtomic(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("read+parse %d rows: %v; PDF render: %v; total: %v; %d bytes\n",
		reg.Rows(), parsed.Sub(start).Round(time.Millisecond), rendered.Sub(parsed).Round(time.Millisecond),
		time.Since(start).Round(time.Millisecond), buf.Len())
	return nil
}
