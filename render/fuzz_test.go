package render

import (
	"bytes"
	"html/template"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html/atom"

	"github.com/perechen-oiv/perechen/rules"
)

// FuzzTableHTML: for any cell text the hand-written table equals the
// reference html/template's output, and parsing the page back gives the
// text unchanged (no markup can escape its cell).
func FuzzTableHTML(f *testing.F) {
	for _, s := range append([]string{"", "обычный текст", "a&b", "&#43;", "+7", "\x00", "\xff\xfe", "</td></tr></table>",
		"<!--", "]]>", "\r\n", "'\"`"}, xssPayloads...) {
		f.Add(s, s+"!")
	}
	ref := template.Must(template.ParseFiles(filepath.Join("testdata", "table.html.tmpl")))
	f.Fuzz(func(t *testing.T, a, b string) {
		reg := &rules.Registry{Processes: []rules.Process{{Number: b, Name: a, Touchpoints: []rules.Touchpoint{
			{Name: b, Kind: a, Needs: []rules.Need{{Text: a}, {Text: b}}},
		}}}}
		v := newHTMLView(reg, Meta{Organisation: a, VersionLabel: b}, true)
		var want bytes.Buffer
		if err := ref.ExecuteTemplate(&want, "perechen-table-reference", v); err != nil {
			t.Fatal(err)
		}
		if got, w := string(v.Table), strings.ReplaceAll(want.String(), "&#43;", "+"); got != w {
			t.Fatalf("table differs from the template for %q, %q", a, b)
		}
		rows, _, _, doc := htmlTable(t, []byte(v.Table))
		if n := len(findAll(doc, atom.Script)) + len(findAll(doc, atom.Img)) + len(findAll(doc, atom.Svg)); len(rows) != 2 || n != 0 {
			t.Fatalf("%d rows and %d script/img/svg elements for %q, %q", len(rows), n, a, b)
		}
		// The HTML parser normalises NUL, CR and invalid UTF-8; compare what survives.
		norm := func(s string) string {
			s = strings.ToValidUTF8(s, "\uFFFD")
			s = strings.ReplaceAll(s, "\r\n", "\n")
			s = strings.ReplaceAll(s, "\r", "\n")
			return strings.ReplaceAll(s, "\x00", "\uFFFD")
		}
		want2 := [2]formRow{{b, a, b, a, a}, {b, a, b, b, a}}
		for i := range rows {
			for j := range rows[i] {
				if norm(rows[i][j]) != norm(want2[i][j]) {
					t.Fatalf("row %d graph %d: %q, want %q", i+1, j+1, rows[i][j], want2[i][j])
				}
			}
		}
	})
}
