package render

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"github.com/perechen-oiv/perechen/rules"
)

// TestPDFFontCoversTheForm: the embedded fonts are a subset of DejaVu
// (scripts/subset-fonts.sh). Everything perechen itself prints — profiles,
// captions, titles, footers — and the text of the sample and seed
// registries must have glyphs in both cuts, as must the typography staff
// use in Russian documents.
func TestPDFFontCoversTheForm(t *testing.T) {
	var text strings.Builder
	text.WriteString("«»„“”‘’—–‑…№•·₽€$§°±×÷≤≥≠→←↑↓■□●○✓✔ IVXLCDM ⅠⅡⅢⅣⅤ ÀÉÖÜßàéöüçñ αβγΔΩ ЁёЙйЇїІіЄєЎўҐґ ")
	text.WriteString(pdfContinued + " Стр. из Изменения в этой редакции Перечень не содержит процессов \uFFFD")
	for _, name := range rules.ProfileNames() {
		p, err := rules.LoadProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(p) // every string of the profile
		var strs any
		json.Unmarshal(b, &strs)
		collectStrings(strs, &text)
		text.WriteString(officialTitle(&rules.Registry{}, p))
	}
	for _, g := range []rules.Grid{rules.SampleGrid(), rules.Seed003Grid()} {
		for _, row := range g.Cells {
			for _, c := range row {
				text.WriteString(c.Value)
			}
		}
	}
	for name, font := range map[string][]byte{"regular": pdfFontRegular, "bold": pdfFontBold} {
		path := filepath.Join(t.TempDir(), name+".ttf")
		if err := os.WriteFile(path, font, 0o600); err != nil {
			t.Fatal(err)
		}
		ttf, err := fpdf.TtfParse(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		missing := map[rune]bool{}
		for _, r := range text.String() {
			if r >= ' ' && r <= 0xFFFF && ttf.Chars[uint16(r)] == 0 {
				missing[r] = true
			}
		}
		for r := range missing {
			t.Errorf("%s cut lacks %q (U+%04X): add its range to scripts/subset-fonts.sh", name, r, r)
		}
	}
}

func collectStrings(v any, b *strings.Builder) {
	switch v := v.(type) {
	case string:
		b.WriteString(v + " ")
	case []any:
		for _, x := range v {
			collectStrings(x, b)
		}
	case map[string]any:
		for _, x := range v {
			collectStrings(x, b)
		}
	}
}

// TestPDFOutsideTheFont: a character without a glyph (CJK, Armenian) is
// printed as the font's empty box; the render does not fail.
func TestPDFOutsideTheFont(t *testing.T) {
	reg := &rules.Registry{Processes: []rules.Process{{Number: "1", Name: "日本語 Հայերեն עברית", Touchpoints: []rules.Touchpoint{
		{Name: "СЭД", Kind: "Цифровая точка", Needs: []rules.Need{{Text: "Получение консультации ☃"}}},
	}}}}
	if data := pxRenderPDF(t, reg, Meta{}); pxPages(data) != 1 {
		t.Errorf("%d pages", pxPages(data))
	}
}
