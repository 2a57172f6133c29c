package render

import (
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// benchRender renders a synthetic registry of n rows (parsed once, outside
// the timer) to io.Discard. Target (issue 4): HTML ≤ 100 ms for 10,000 rows.
func benchRender(b *testing.B, r Renderer, sizes ...int) {
	p := mustProfile(b, "oiv")
	for _, n := range sizes {
		reg, _ := rules.Lint(rules.SyntheticGrid(n), p)
		meta := Meta{Organisation: "Министерство", Profile: p, Version: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)}
		b.Run(strconv.Itoa(n)+"rows", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := r.Render(io.Discard, reg, meta); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRenderHTML(b *testing.B) {
	benchRender(b, NewHTML(HTMLOptions{}), 100, 1000, 10000, 100000)
}
func BenchmarkRenderCSV(b *testing.B)  { benchRender(b, NewCSV(CSVOptions{}), 100, 1000, 10000, 100000) }
func BenchmarkRenderJSON(b *testing.B) { benchRender(b, NewJSON(), 100, 1000, 10000, 100000) }

// TestHTMLLarge checks a 10,000-row registry renders every row (the
// benchmark only times it).
func TestHTMLLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large render skipped in -short mode")
	}
	p := mustProfile(t, "oiv")
	reg, _ := rules.Lint(rules.SyntheticGrid(10000), p)
	rows, _, _, _ := htmlTable(t, renderBytes(t, NewHTML(HTMLOptions{}), reg, Meta{Profile: p}))
	if len(rows) != 10000 || rows[9999] != (formRow{"1250", "Процесс взаимодействия номер 1250", "Телефонная связь",
		"Получение результата, ответа, разъяснения", "Офлайн точка"}) {
		t.Errorf("%d rows, last %q", len(rows), rows[len(rows)-1])
	}
}
