package rules

import (
	"embed"
	"strings"
)

//go:embed samples/*.tsv
var sampleFS embed.FS

// SampleGrid is the embedded sample registry: the generic form of the
// Порядок's example (seed 000, п. 4.3) written one touchpoint per row, for
// the profile "oiv". `make run` and the tests use it.
func SampleGrid() Grid { return mustSample("oiv-sample.tsv") }

// Seed003Grid is seed 003's Перечень (profile "mimp-mo") exactly as printed,
// with every defect the linter exists to catch. It is a test fixture shipped
// in the binary so renders and demos can show a real-world registry.
func Seed003Grid() Grid { return mustSample("mimp-mo-seed003.tsv") }

func mustSample(name string) Grid {
	data, err := sampleFS.ReadFile("samples/" + name)
	if err != nil {
		panic("rules: embedded sample missing: " + name) // a build defect, not input
	}
	return GridFromTSV("Перечень", string(data))
}

// GridFromTSV builds a grid from tab-separated text: one line per row, "\n"
// inside a cell for a line break, lines starting with '#' skipped. Fixtures
// and samples use it; it is not a general CSV reader.
func GridFromTSV(sheet, text string) Grid {
	g := Grid{Sheet: sheet}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimSuffix(line, "\r")
		var row []Cell
		if line != "" {
			for _, v := range strings.Split(line, "\t") {
				row = append(row, Cell{Value: strings.ReplaceAll(v, `\n`, "\n")})
			}
		}
		g.Cells = append(g.Cells, row)
	}
	return g
}

// SampleGridWithSlips is the sample with three slips staff really make, so
// tests and demos have findings to write as notes: «Электронная почта»
// without the organisation (п. 4.1.9), «Кабинеты клиентов» for the
// офлайн-точка of п. 4.2.2, and a need typed with a letter missing
// («Получение консультаци», п. 2.6.2). Three warnings, no errors: it is
// still published.
func SampleGridWithSlips() Grid {
	g := SampleGrid()
	replaceFirst(&g, colTouchpoint, "Электронная почта ОИВ", "Электронная почта")
	replaceFirst(&g, colTouchpoint, "Телефонная связь", "Кабинеты клиентов")
	replaceFirst(&g, colNeeds, "Получение консультации", "Получение консультаци")
	return g
}

// replaceFirst sets the first cell of column col holding from to to.
func replaceFirst(g *Grid, col int, from, to string) {
	for _, row := range g.Cells {
		if col < len(row) && row[col].Value == from {
			row[col].Value = to
			return
		}
	}
	panic("rules: sample lacks " + from) // the embedded sample changed: a build defect
}
