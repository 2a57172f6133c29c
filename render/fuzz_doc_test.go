package render

import (
	"bytes"
	"testing"

	"github.com/perechen-oiv/perechen/rules"
)

// FuzzRenderPDFXLSX: any cell text renders to PDF and XLSX without a panic
// or an error.
func FuzzRenderPDFXLSX(f *testing.F) {
	for _, s := range []string{"Получение консультации", "🙂", "a\x00b", "\xff\xfe", "=1+1", "(продолжение)", "\n\n\n", "{nb}", "Стр. 1 из {nb}"} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, text, number string) {
		reg := &rules.Registry{Title: text, Processes: []rules.Process{{Number: number, Name: text, Touchpoints: []rules.Touchpoint{
			{Name: text, Kind: text, Needs: []rules.Need{{Text: text}, {Text: "Получение консультации"}}},
		}}}}
		meta := Meta{Organisation: text, VersionLabel: text, Source: text, Changes: []string{text}}
		for _, r := range []Renderer{NewPDF(), NewXLSX()} {
			var buf bytes.Buffer
			if err := r.Render(&buf, reg, meta); err != nil {
				t.Fatalf("%s: %v", r.Format(), err)
			}
			if buf.Len() == 0 {
				t.Fatalf("%s: empty output", r.Format())
			}
		}
	})
}
