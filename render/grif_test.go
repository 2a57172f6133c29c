package render

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	psync "github.com/perechen-oiv/perechen/sync"

	"github.com/perechen-oiv/perechen/rules"
)

// seed003Appendix is the mark above seed 003's Перечень, as its title rows
// would hold it (row by row; the parser joins them with spaces).
var seed003Appendix = []string{
	"Приложение",
	"к Порядку ведения перечня точек взаимодействия с внутренним клиентом по вопросам информационно-технического обеспечения, ведения бухгалтерского учета, осуществления административно-хозяйственной деятельности Министерством информации и молодежной политики Московской области, утвержденному",
	"приказом информации и молодежной политики Московской области",
	"от 14.08.2024 № 27П-39",
}

func TestSplitTitleGrif(t *testing.T) {
	title := "ПЕРЕЧЕНЬ точек взаимодействия с внутренним клиентом"
	for _, tc := range []struct {
		in, grif, rest string
		lines          []string
	}{
		{strings.Join(seed003Appendix, " ") + " " + title, strings.Join(seed003Appendix, " "), title,
			[]string{"Приложение", seed003Appendix[1] + " " + seed003Appendix[2], "от 14.08.2024 № 27П-39"}},
		{"УТВЕРЖДЕН приказом Министерства от 14.08.2024 г. № 27П-39 " + title, "УТВЕРЖДЕН приказом Министерства от 14.08.2024 г. № 27П-39", title,
			[]string{"УТВЕРЖДЕН", "приказом Министерства", "от 14.08.2024 г. № 27П-39"}},
		{"Приложение № 2 к приказу от 01.02.2025 № 5 " + title, "Приложение № 2 к приказу от 01.02.2025 № 5", title,
			[]string{"Приложение № 2", "к приказу", "от 01.02.2025 № 5"}},
		// An organisation's name before the title is no grif.
		{"Министерство финансов " + title, "", "Министерство финансов " + title, nil},
		{title, "", title, nil},
		// «Перечень» in the grif's own text is not the title word.
		{"Утвержден приказом об утверждении Перечня от 01.01.2025 № 1", "", "Утвержден приказом об утверждении Перечня от 01.01.2025 № 1", nil},
	} {
		grif, rest := splitTitleGrif(tc.in)
		if grif != tc.grif || rest != tc.rest {
			t.Errorf("splitTitleGrif(%q)\n= %q, %q\nwant %q, %q", tc.in, grif, rest, tc.grif, tc.rest)
		}
		if grif != "" && !reflect.DeepEqual(grifLines(grif), tc.lines) {
			t.Errorf("grifLines(%q) = %q, want %q", grif, grifLines(grif), tc.lines)
		}
	}
}

func TestApprovalGrif(t *testing.T) {
	doc := "Приказ Министерства информации и молодежной политики Московской области  от 01.12.2026 № 27П-50"
	got := approvalGrif(Approval{Document: doc, Appendix: true})
	want := [][]string{
		{"Приложение", "к приказу Министерства информации и молодежной политики Московской области", "от 01.12.2026 № 27П-50"},
		{"УТВЕРЖДЁН", "приказом Министерства информации и молодежной политики Московской области", "от 01.12.2026 № 27П-50"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("approvalGrif = %q\nwant %q", got, want)
	}
	for doc, want := range map[string]string{
		"распоряжение Губернатора от 02.03.2026 № 10-РГ": "распоряжением Губернатора",
		"приказом Министерства от 02.03.2026 № 10":       "приказом Министерства", // already in the grif's case
		"Протокол заседания от 02.03.2026 № 3":           "протоколом заседания",
		"Служебная записка от 02.03.2026 № 3":            "Служебная записка", // unknown: as written
	} {
		if g := approvalGrif(Approval{Document: doc}); len(g) != 1 || g[0][1] != want || g[0][2] != "от 02.03.2026 № "+strings.Fields(doc)[len(strings.Fields(doc))-1] {
			t.Errorf("approvalGrif(%q) = %q, want %q", doc, g, want)
		}
	}
	if g := textGrif("УТВЕРЖДЁН\r\n приказом  от 01.01.2025 № 1\n\n\nСОГЛАСОВАНО\nуправлением"); !reflect.DeepEqual(g,
		[][]string{{"УТВЕРЖДЁН", "приказом от 01.01.2025 № 1"}, {"СОГЛАСОВАНО", "управлением"}}) {
		t.Errorf("textGrif = %q", g)
	}
}

// withTitleRows puts rows above a grid's first row (the form's title block).
func withTitleRows(g rules.Grid, rows ...string) rules.Grid {
	var cells [][]rules.Cell
	for _, r := range rows {
		cells = append(cells, []rules.Cell{{}, {}, {}, {Value: r}})
	}
	g.Cells = append(cells, g.Cells...)
	return g
}

// TestGrifInEveryFormat: the approval's grif (and, without approval, the
// one in the sheet's title rows or the config) is printed top right in
// HTML, PDF and XLSX, and the JSON carries it with the approving document.
func TestGrifInEveryFormat(t *testing.T) {
	fx := pxLoad(t, "seed003")
	g := withTitleRows(fx.grid, seed003Appendix...)
	reg, _ := rules.Parse(g, fx.profile)
	if !strings.HasPrefix(reg.Title, "Приложение") {
		t.Fatalf("the appendix mark is not in the title rows: %q", reg.Title)
	}
	approved := fx.meta
	approved.Approval = &Approval{Document: "приказ Министерства информации и молодежной политики Московской области от 01.12.2026 № 27П-50",
		Date: time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC), Version: 4}
	configured := fx.meta
	configured.Grif = "УТВЕРЖДАЮ\nМинистр\nК.Г. Швелидзе"
	for _, tc := range []struct {
		name  string
		meta  Meta
		lines []string // in reading order
		json  string
	}{
		{"title rows", fx.meta, []string{"Приложение", "к Порядку ведения перечня", "от 14.08.2024 № 27П-39"}, `"approval": null`},
		{"approval", approved, []string{"УТВЕРЖДЁН", "приказом Министерства информации", "от 01.12.2026 № 27П-50"},
			`"approval": {
    "document": "приказ Министерства информации и молодежной политики Московской области от 01.12.2026 № 27П-50",
    "date": "2026-12-01",
    "version": 4
  }`},
		{"config", configured, []string{"УТВЕРЖДАЮ", "Министр", "К.Г. Швелидзе"}, `"approval": null`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var html bytes.Buffer
			if err := NewHTML(HTMLOptions{}).Render(&html, reg, tc.meta); err != nil {
				t.Fatal(err)
			}
			page := html.String()
			if !strings.Contains(page, `<div class="perechen-grif">`) {
				t.Fatal("HTML has no grif block")
			}
			pxInOrder(t, "HTML", page, append(tc.lines, "<h1>")...)

			var js bytes.Buffer
			if err := NewJSON().Render(&js, reg, tc.meta); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Grif [][]string `json:"grif"`
			}
			if err := json.Unmarshal(js.Bytes(), &doc); err != nil || len(doc.Grif) != 1 || doc.Grif[0][0] != tc.lines[0] {
				t.Errorf("JSON grif = %q (%v)", doc.Grif, err)
			}
			if !strings.Contains(js.String(), tc.json) {
				t.Errorf("JSON lacks %s", tc.json)
			}

			xfx := fx
			xfx.reg, xfx.meta = reg, tc.meta
			data := pxRenderXLSX(t, xfx)
			back, err := psync.ReadXLSX(bytes.NewReader(data), int64(len(data)), "")
			if err != nil {
				t.Fatal(err)
			}
			if v := back.Cells[0][3].Value; v != tc.lines[0] {
				t.Errorf("XLSX D1 = %q, want the grif's first line %q", v, tc.lines[0])
			}
			parsed, _ := rules.Parse(back, fx.profile)
			if pxModel(parsed) != pxModel(reg) || !strings.HasPrefix(titleWithoutGrif(parsed.Title), "ПЕРЕЧЕНЬ") {
				t.Errorf("XLSX with a grif does not read back: title %q", parsed.Title)
			}

			pdf := pxRenderPDF(t, reg, tc.meta)
			text := pxPdftotext(t, pdf, "-layout", "-l", "1")
			pxInOrder(t, "PDF", text, append(tc.lines, "ПЕРЕЧЕНЬ")...)
			for _, l := range strings.Split(text, "\n") {
				if strings.Contains(l, tc.lines[0]) && strings.Index(l, tc.lines[0]) < 60 {
					t.Errorf("PDF grif is not at the right: %q", l)
				}
			}
		})
	}
}

// pxInOrder checks that every want occurs in s, each after the previous.
func pxInOrder(t *testing.T, what, s string, want ...string) {
	t.Helper()
	rest := s
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("%s lacks %q after the previous lines:\n%s", what, w, pxClip(s))
			return
		}
		rest = rest[i+len(w):]
	}
}
