package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/perechen-oiv/perechen/rules"
)

var update = flag.Bool("update", false, "rewrite golden files (and docs/render-html.png in the browser test)")

// fixture is a registry with the Meta a render gets.
type fixture struct {
	name string
	reg  *rules.Registry
	meta Meta
}

func mustProfile(t testing.TB, name string) *rules.Profile {
	t.Helper()
	p, err := rules.LoadProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func lintGrid(t testing.TB, g rules.Grid, profile string) (*rules.Registry, *rules.Profile) {
	t.Helper()
	p := mustProfile(t, profile)
	reg, _ := rules.Lint(g, p)
	if !reg.HasHeader() {
		t.Fatal("fixture grid has no header")
	}
	return reg, p
}

// fixtures are the embedded sample (profile oiv) and seed 003 (mimp-mo).
func fixtures(t testing.TB) []fixture {
	t.Helper()
	version := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	sample, oiv := lintGrid(t, rules.SampleGrid(), "oiv")
	seed, mimp := lintGrid(t, rules.Seed003Grid(), "mimp-mo")
	return []fixture{
		{"sample", sample, Meta{Organisation: "Министерство цифрового развития", Profile: oiv, Version: version,
			VersionLabel: "версия 3", Source: "perechen.xlsx",
			Changes: []string{"п. 5.3.1: добавлена точка «Телефонная связь» в процесс 10"}}},
		{"seed003", seed, Meta{Organisation: "Министерство информации и молодежной политики Московской области",
			Profile: mimp, Version: version.AddDate(0, 0, -103), VersionLabel: "приказ от 14.08.2024 № 27П-39"}},
	}
}

// formRow is one row of the official form, one need per row, built straight
// from the registry (independently of buildRows) to check the writers.
type formRow [5]string

func formRows(reg *rules.Registry) []formRow {
	var out []formRow
	for _, p := range reg.Processes {
		if len(p.Touchpoints) == 0 {
			out = append(out, formRow{p.Number, p.Name})
		}
		for _, tp := range p.Touchpoints {
			if len(tp.Needs) == 0 {
				out = append(out, formRow{p.Number, p.Name, tp.Name, "", tp.Kind})
			}
			for _, n := range tp.Needs {
				out = append(out, formRow{p.Number, p.Name, tp.Name, n.Text, tp.Kind})
			}
		}
	}
	return out
}

func renderBytes(t testing.TB, r Renderer, reg *rules.Registry, meta Meta) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := r.Render(&b, reg, meta); err != nil {
		t.Fatalf("%s: %v", r.Format(), err)
	}
	return b.Bytes()
}

func goldenCompare(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./render -update and review the diff)", path)
	}
}

// variants are the writers the golden files cover.
func variants() []struct {
	suffix string
	r      Renderer
} {
	return []struct {
		suffix string
		r      Renderer
	}{
		{"html", NewHTML(HTMLOptions{})},
		{"fragment.html", NewHTML(HTMLOptions{Fragment: true})},
		{"csv", NewCSV(CSVOptions{})},
		{"semicolon.csv", NewCSV(CSVOptions{Semicolon: true})},
		{"json", NewJSON()},
	}
}

func TestGolden(t *testing.T) {
	for _, f := range fixtures(t) {
		for _, v := range variants() {
			t.Run(f.name+"."+v.suffix, func(t *testing.T) {
				goldenCompare(t, filepath.Join("testdata", f.name+"."+v.suffix+".golden"), renderBytes(t, v.r, f.reg, f.meta))
			})
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, f := range fixtures(t) {
		for _, v := range variants() {
			a := renderBytes(t, v.r, f.reg, f.meta)
			b := renderBytes(t, v.r, f.reg, f.meta)
			// A fresh writer and a re-parsed registry must not change a byte either.
			reg2, _ := rules.Lint(rules.SampleGrid(), f.meta.Profile)
			if f.name == "seed003" {
				reg2, _ = rules.Lint(rules.Seed003Grid(), f.meta.Profile)
			}
			fresh := variants()
			var c []byte
			for _, w := range fresh {
				if w.suffix == v.suffix {
					c = renderBytes(t, w.r, reg2, f.meta)
				}
			}
			if !bytes.Equal(a, b) || !bytes.Equal(a, c) {
				t.Errorf("%s %s: output differs between runs", f.name, v.suffix)
			}
		}
	}
}

// htmlTable parses HTML and returns the table body as form rows with the
// rowspans expanded, plus the rowspans of graphs 1 and 3 by first row.
func htmlTable(t *testing.T, page []byte) (rows []formRow, procSpans, tpSpans map[int]int, doc *html.Node) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	procSpans, tpSpans = map[int]int{}, map[int]int{}
	pending := [5]struct {
		text string
		left int
	}{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.DataAtom == atom.Thead {
			return
		}
		if n.DataAtom == atom.Tr {
			var row formRow
			col := 0
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode {
					continue
				}
				for col < 5 && pending[col].left > 0 {
					row[col] = pending[col].text
					pending[col].left--
					col++
				}
				if col >= 5 {
					t.Fatalf("row %d has more than 5 cells", len(rows)+1)
				}
				span := 1
				for _, a := range c.Attr {
					if a.Key == "rowspan" {
						span, _ = strconv.Atoi(a.Val)
					}
				}
				row[col] = textOf(c)
				if span > 1 {
					pending[col].text, pending[col].left = row[col], span-1
				}
				switch col {
				case 0:
					procSpans[len(rows)] = span
				case 2:
					tpSpans[len(rows)] = span
				}
				col++
			}
			for ; col < 5; col++ {
				if pending[col].left == 0 {
					t.Fatalf("row %d: graph %d missing", len(rows)+1, col+1)
				}
				row[col] = pending[col].text
				pending[col].left--
			}
			rows = append(rows, row)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return rows, procSpans, tpSpans, doc
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func findAll(n *html.Node, a atom.Atom) []*html.Node {
	var out []*html.Node
	if n.Type == html.ElementNode && n.DataAtom == a {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, findAll(c, a)...)
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// wantSpans are the rowspans the form must have: graphs 1–2 over all rows
// of a process, graphs 3 and 5 over all needs of a touchpoint.
func wantSpans(reg *rules.Registry) (proc, tp map[int]int) {
	proc, tp = map[int]int{}, map[int]int{}
	row := 0
	for _, p := range reg.Processes {
		start := row
		if len(p.Touchpoints) == 0 {
			tp[row] = 1
			row++
		}
		for _, t := range p.Touchpoints {
			tp[row] = max(1, len(t.Needs))
			row += tp[row]
		}
		proc[start] = row - start
	}
	return proc, tp
}

func TestHTMLContentAndSpans(t *testing.T) {
	for _, f := range fixtures(t) {
		for _, fragment := range []bool{false, true} {
			page := renderBytes(t, NewHTML(HTMLOptions{Fragment: fragment}), f.reg, f.meta)
			rows, procSpans, tpSpans, doc := htmlTable(t, page)
			want := formRows(f.reg)
			if len(rows) != len(want) || len(rows) != f.reg.Rows() {
				t.Fatalf("%s: %d rows, want %d", f.name, len(rows), len(want))
			}
			for i := range want {
				if rows[i] != want[i] {
					t.Errorf("%s row %d:\n got %q\nwant %q", f.name, i+1, rows[i], want[i])
				}
			}
			wp, wt := wantSpans(f.reg)
			if len(procSpans) != len(wp) || len(tpSpans) != len(wt) {
				t.Errorf("%s: %d process and %d touchpoint spans, want %d and %d", f.name, len(procSpans), len(tpSpans), len(wp), len(wt))
			}
			for r, s := range wp {
				if procSpans[r] != s {
					t.Errorf("%s: process at row %d spans %d, want %d", f.name, r+1, procSpans[r], s)
				}
			}
			for r, s := range wt {
				if tpSpans[r] != s {
					t.Errorf("%s: touchpoint at row %d spans %d, want %d", f.name, r+1, tpSpans[r], s)
				}
			}
			ths := findAll(doc, atom.Th)
			caps := f.meta.Profile.Captions()
			for i, c := range caps {
				if textOf(ths[i]) != c || attr(ths[i], "scope") != "col" || attr(ths[i], "id") == "" {
					t.Errorf("%s: header %d is %q scope=%q id=%q, want %q", f.name, i+1, textOf(ths[i]), attr(ths[i], "scope"), attr(ths[i], "id"), c)
				}
			}
			// Every headers attribute points at ids of the same table.
			ids := map[string]bool{}
			var collect func(*html.Node)
			collect = func(n *html.Node) {
				if id := attr(n, "id"); id != "" {
					if ids[id] {
						t.Errorf("%s: duplicate id %q", f.name, id)
					}
					ids[id] = true
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					collect(c)
				}
			}
			collect(doc)
			for _, td := range findAll(doc, atom.Td) {
				h := attr(td, "headers")
				if h == "" {
					t.Errorf("%s: cell %q has no headers", f.name, textOf(td))
				}
				for _, id := range strings.Fields(h) {
					if !ids[id] {
						t.Errorf("%s: headers %q: no such id", f.name, id)
					}
				}
			}
			if len(findAll(doc, atom.Caption)) != 1 {
				t.Errorf("%s: want one <caption>", f.name)
			}
			s := string(page)
			if fragment {
				if !strings.HasPrefix(s, `<table class="perechen"`) || strings.Contains(s, "<html") || strings.Contains(s, "<style") {
					t.Errorf("%s fragment: not just the table:\n%.200s", f.name, s)
				}
				continue
			}
			for _, want := range []string{
				`<html lang="ru">`,
				`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
				"<h1><span class=\"perechen-lead\">ПЕРЕЧЕНЬ</span> точек взаимодействия с внутренним клиентом",
				f.meta.Organisation,
				`Редакция от <time datetime="` + f.meta.Version.Format("2006-01-02") + `">` + f.meta.Version.Format("02.01.2006") + `</time>, ` + f.meta.VersionLabel,
				"@page { size: A4 landscape",
				"display: table-header-group",
				"break-inside: avoid",
				"@media screen and (max-width: 40em)",
			} {
				if !strings.Contains(s, want) {
					t.Errorf("%s: page lacks %q", f.name, want)
				}
			}
			for _, c := range f.meta.Changes {
				if !strings.Contains(s, "<li>"+c+"</li>") || !strings.Contains(s, "<h2 id=\"perechen-changes-title\">Изменения</h2>") {
					t.Errorf("%s: change %q not listed", f.name, c)
				}
			}
			// Nothing may be fetched: no src, href, url() or @import at all.
			for _, bad := range []string{"src=", "href=", "url(", "@import", "<script", "<link"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s: page contains %q", f.name, bad)
				}
			}
		}
	}
}

func TestHTMLDefaultsWithoutProfile(t *testing.T) {
	reg, _ := lintGrid(t, rules.SampleGrid(), "oiv")
	s := string(renderBytes(t, NewHTML(HTMLOptions{}), reg, Meta{}))
	for _, c := range defaultCaptions {
		if !strings.Contains(s, `">`+c+`</th>`) {
			t.Errorf("default caption %q missing", c)
		}
	}
	if strings.Contains(s, "Редакция") || strings.Contains(s, `<p class="perechen-org">`) || strings.Contains(s, "Изменения</h2>") {
		t.Error("empty Meta rendered a version, organisation or changes")
	}
}

// xssPayloads end up in every graph of a registry.
// (No ';' in them: the parser splits touchpoints at ';'.)
var xssPayloads = []string{
	`<script>window.__xss=1</script>`,
	`"><img src=x onerror="window.__xss=2">`,
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`<svg onload="document.title='XSS'">`,
}

// hostileGrid is a registry whose every text graph carries an XSS or
// formula payload.
func hostileGrid() rules.Grid {
	row := func(cells ...string) []rules.Cell {
		out := make([]rules.Cell, len(cells))
		for i, c := range cells {
			out[i] = rules.Cell{Value: c}
		}
		return out
	}
	return rules.Grid{Sheet: "Перечень", Cells: [][]rules.Cell{
		row("ПЕРЕЧЕНЬ точек взаимодействия с внутренним клиентом"),
		row("№", "Процесс взаимодействия с внутренним клиентом", "Точка взаимодействия",
			"Удовлетворяемые потребности клиента", "Особенности взаимодействия с клиентом"),
		row("1", xssPayloads[0], xssPayloads[1], xssPayloads[2], "Цифровая точка"),
		row("", "", "", xssPayloads[3], ""),
		row("", "", xssPayloads[4], xssPayloads[4], xssPayloads[4]),
		row("2", `=HYPERLINK("http://x","y")`, "+7 (495) 000-00-00", "-1+2", "@SUM(A1)"),
	}}
}

func TestHTMLEscapesCells(t *testing.T) {
	reg, p := lintGrid(t, hostileGrid(), "oiv")
	meta := Meta{Profile: p, Organisation: xssPayloads[1], VersionLabel: xssPayloads[0], Source: xssPayloads[3],
		Changes: []string{xssPayloads[2]}}
	for _, fragment := range []bool{false, true} {
		page := renderBytes(t, NewHTML(HTMLOptions{Fragment: fragment}), reg, meta)
		s := string(page)
		for _, bad := range []string{"<script", "<img", "<svg"} {
			if strings.Contains(s, bad) {
				t.Errorf("fragment=%v: unescaped %q in output", fragment, bad)
			}
		}
		rows, _, _, doc := htmlTable(t, page)
		if n := len(findAll(doc, atom.Script)) + len(findAll(doc, atom.Img)) + len(findAll(doc, atom.Svg)); n != 0 {
			t.Errorf("fragment=%v: %d script/img elements parsed", fragment, n)
		}
		if rows[0][1] != xssPayloads[0] || rows[0][2] != xssPayloads[1] || rows[0][3] != xssPayloads[2] || rows[1][3] != xssPayloads[3] ||
			rows[2][2] != xssPayloads[4] || rows[2][3] != xssPayloads[4] || rows[2][4] != xssPayloads[4] {
			t.Errorf("payload not shown as text: %q", rows[:3])
		}
	}
}

func TestCSV(t *testing.T) {
	for _, f := range fixtures(t) {
		for _, semi := range []bool{false, true} {
			out := renderBytes(t, NewCSV(CSVOptions{Semicolon: semi}), f.reg, f.meta)
			body, ok := bytes.CutPrefix(out, []byte("\xEF\xBB\xBF"))
			if !ok {
				t.Fatalf("%s: no UTF-8 BOM", f.name)
			}
			cr := csv.NewReader(bytes.NewReader(body))
			if semi {
				cr.Comma = ';'
			}
			recs, err := cr.ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			if got, want := strings.Join(recs[0], "|"), strings.Join(f.meta.Profile.Captions(), "|"); got != want {
				t.Errorf("%s header %q, want %q", f.name, got, want)
			}
			want := formRows(f.reg)
			if len(recs)-1 != len(want) {
				t.Fatalf("%s: %d rows, want %d", f.name, len(recs)-1, len(want))
			}
			for i, w := range want {
				if formRow(recs[i+1]) != w {
					t.Errorf("%s row %d: %q, want %q", f.name, i+1, recs[i+1], w)
				}
			}
			if !bytes.Contains(out, []byte("\r\n")) {
				t.Errorf("%s: want CRLF line ends for Excel", f.name)
			}
		}
	}
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	reg, p := lintGrid(t, hostileGrid(), "oiv")
	out := renderBytes(t, NewCSV(CSVOptions{Semicolon: true}), reg, Meta{Profile: p})
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\xEF\xBB\xBF"))))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, r := range recs[1:] {
		cells = append(cells, r...)
	}
	for _, want := range []string{`'=HYPERLINK("http://x","y")`, "'+7 (495) 000-00-00", "'-1+2", "'@SUM(A1)"} {
		found := false
		for _, c := range cells {
			found = found || c == want
		}
		if !found {
			t.Errorf("no neutralised cell %q in %q", want, cells)
		}
	}
	for _, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			t.Errorf("cell %q starts with a formula character", c)
		}
	}
	// The parser trims cells, so a leading tab or CR reaches csvCell only
	// from other callers; it is neutralised all the same.
	for in, want := range map[string]string{"": "", "=1": "'=1", "\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b", "1-2": "1-2"} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJSON(t *testing.T) {
	for _, f := range fixtures(t) {
		out := renderBytes(t, NewJSON(), f.reg, f.meta)
		var doc jsonDoc
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if doc.Schema != JSONSchema || doc.Profile != f.meta.Profile.Name || doc.VersionDate != f.meta.Version.Format("2006-01-02") ||
			doc.Organisation != f.meta.Organisation || doc.Title != f.meta.Profile.FormTitle || doc.Counts.Rows != f.reg.Rows() {
			t.Errorf("%s: header fields %+v", f.name, doc)
		}
		var got []formRow
		for _, p := range doc.Processes {
			for _, tp := range p.Touchpoints {
				if tp.KindID == "" && tp.Kind != "" {
					t.Errorf("%s: kind %q not resolved to an id", f.name, tp.Kind)
				}
				for _, n := range tp.Needs {
					got = append(got, formRow{p.Number, p.Name, tp.Name, n.Text, tp.Kind})
				}
			}
		}
		want := formRows(f.reg)
		if len(got) != len(want) {
			t.Fatalf("%s: %d needs, want %d", f.name, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s need %d: %q, want %q", f.name, i+1, got[i], want[i])
			}
		}
		if f.reg.Processes[0].Touchpoints[0].Needs[0].At.A1() != doc.Processes[0].Touchpoints[0].Needs[0].Cell {
			t.Errorf("%s: need cell %q", f.name, doc.Processes[0].Touchpoints[0].Needs[0].Cell)
		}
	}
	// Empty lists are [] so consumers need no null checks.
	out := renderBytes(t, NewJSON(), &rules.Registry{}, Meta{})
	for _, want := range []string{`"processes": []`, `"changes": []`, `"version_date": ""`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("empty registry JSON lacks %s:\n%s", want, out)
		}
	}
}

func TestHTMLTemplateOverride(t *testing.T) {
	reg, p := lintGrid(t, rules.SampleGrid(), "oiv")
	meta := Meta{Profile: p, Organisation: "ГКУ <Тест>", Version: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}
	user := template.Must(template.New("site").Parse(
		`<!DOCTYPE html><html lang="{{.Lang}}"><head><title>{{.Organisation}}</title><style>{{template "perechen-style" .}}</style></head>` +
			`<body><p class="site">{{.VersionDate}} · {{.Counts.Processes}} процессов</p>{{template "perechen-table" .}}</body></html>`))
	r := NewHTML(HTMLOptions{Template: user})
	page := renderBytes(t, r, reg, meta)
	s := string(page)
	for _, want := range []string{"<title>ГКУ &lt;Тест&gt;</title>", `<p class="site">02.01.2026 · 12 процессов</p>`, `<table class="perechen"`, "@media print"} {
		if !strings.Contains(s, want) {
			t.Errorf("user template output lacks %q", want)
		}
	}
	if rows, _, _, _ := htmlTable(t, page); len(rows) != reg.Rows() {
		t.Errorf("user template table has %d rows, want %d", len(rows), reg.Rows())
	}
	// The caller's template is not modified and can be used again.
	if again := renderBytes(t, NewHTML(HTMLOptions{Template: user}), reg, meta); !bytes.Equal(again, page) {
		t.Error("second writer from the same template differs")
	}
	// A user template may replace a partial.
	own := template.Must(template.New("p").Parse(`{{define "perechen-table"}}<ol>{{range .Processes}}<li>{{.Name}}</li>{{end}}</ol>{{end}}{{template "perechen-table" .}}`))
	if s := string(renderBytes(t, NewHTML(HTMLOptions{Template: own}), reg, meta)); strings.Contains(s, "<table") || !strings.Contains(s, "<li>Рассмотрение заявок") {
		t.Errorf("own partial not used: %.200s", s)
	}
	// A template error is reported, not panicked.
	bad := template.Must(template.New("bad").Parse(`{{.NoSuchField}}`))
	if err := NewHTML(HTMLOptions{Template: bad}).Render(&bytes.Buffer{}, reg, meta); err == nil {
		t.Error("template error not reported")
	}
}

func TestFormats(t *testing.T) {
	got := strings.Join(Formats(), ",")
	for _, f := range []string{"html", "csv", "json"} {
		if !strings.Contains(got, f) {
			t.Errorf("Formats() = %s, lacks %s", got, f)
		}
	}
	names := map[string]string{"html": "index.html", "csv": "perechen.csv", "json": "perechen.json", "pdf": "perechen.pdf", "xlsx": "perechen.xlsx"}
	for _, f := range Formats() {
		r, err := ByFormat(" " + strings.ToUpper(f) + " ")
		if err != nil || r.Format() != f || r.FileName() != names[f] {
			t.Errorf("ByFormat(%s) = %v, %v", f, r, err)
		}
	}
	_, err := ByFormat("docx")
	if err == nil || !strings.Contains(err.Error(), "неизвестный формат \"docx\"") || !strings.Contains(err.Error(), "html") {
		t.Errorf("ByFormat(docx) error = %v", err)
	}
}

func TestBuildRowsEdgeCases(t *testing.T) {
	reg := &rules.Registry{Processes: []rules.Process{
		{Number: "1", Name: "без точек"},
		{Number: "2", Name: "точка без потребностей", Touchpoints: []rules.Touchpoint{{Name: "СЭД", Kind: "Цифровая точка"}}},
		{Number: "3", Name: "две точки", Touchpoints: []rules.Touchpoint{
			{Name: "A", Needs: []rules.Need{{Text: "a1"}, {Text: "a2"}}},
			{Name: "B", Needs: []rules.Need{{Text: "b1"}}},
		}},
	}}
	rows := buildRows(reg)
	if len(rows) != reg.Rows() || len(rows) != 5 {
		t.Fatalf("%d rows, want %d", len(rows), reg.Rows())
	}
	spans := []struct{ p, t int }{{1, 1}, {1, 1}, {3, 2}, {0, 0}, {0, 1}}
	for i, s := range spans {
		if rows[i].ProcessSpan != s.p || rows[i].TouchpointSpan != s.t {
			t.Errorf("row %d spans %d/%d, want %d/%d", i, rows[i].ProcessSpan, rows[i].TouchpointSpan, s.p, s.t)
		}
	}
	if rows[4].Number != "3" || rows[4].TouchpointName != "B" || rows[4].NeedText != "b1" || rows[1].Need != -1 || rows[0].Touchpoint != -1 {
		t.Errorf("rows %+v", rows)
	}
	page := renderBytes(t, NewHTML(HTMLOptions{}), reg, Meta{})
	got, _, _, _ := htmlTable(t, page)
	if len(got) != 5 || got[0] != (formRow{"1", "без точек"}) || got[3] != (formRow{"3", "две точки", "A", "a2", ""}) {
		t.Errorf("html rows %q", got)
	}
}

// TestTableMatchesTemplate: the hand-written table (html_table.go) is
// byte-for-byte what the reference html/template in testdata produces, so
// its escaping is html/template's (up to '+', which html/template also
// writes as &#43;).
func TestTableMatchesTemplate(t *testing.T) {
	ref := template.Must(template.ParseFiles(filepath.Join("testdata", "table.html.tmpl")))
	reg, p := lintGrid(t, hostileGrid(), "oiv")
	cases := append(fixtures(t), fixture{"hostile", reg, Meta{Profile: p, Organisation: xssPayloads[1]}},
		fixture{"edge", &rules.Registry{Processes: []rules.Process{{Number: "1", Name: "без точек"},
			{Number: "2", Name: "x", Touchpoints: []rules.Touchpoint{{Name: "СЭД"}}}}}, Meta{}})
	for _, f := range cases {
		for _, fragment := range []bool{false, true} {
			v := newHTMLView(f.reg, f.meta, fragment)
			var want bytes.Buffer
			if err := ref.ExecuteTemplate(&want, "perechen-table-reference", v); err != nil {
				t.Fatal(err)
			}
			w := strings.ReplaceAll(want.String(), "&#43;", "+")
			if got := string(v.Table); got != w {
				i := 0
				for i < len(got) && i < len(w) && got[i] == w[i] {
					i++
				}
				t.Errorf("%s fragment=%v: table differs from the template at byte %d:\n got %.120q\nwant %.120q",
					f.name, fragment, i, got[max(0, i-40):], w[max(0, i-40):])
			}
		}
	}
}

// TestConcurrentRender: one writer serves concurrent renders (the daemon
// shares them) with identical output; -race checks for shared state.
func TestConcurrentRender(t *testing.T) {
	f := fixtures(t)[0]
	user := template.Must(template.New("u").Parse(`{{template "perechen-table" .}}`))
	for _, r := range []Renderer{NewHTML(HTMLOptions{}), NewHTML(HTMLOptions{Template: user}), NewCSV(CSVOptions{}), NewJSON()} {
		want := renderBytes(t, r, f.reg, f.meta)
		errs := make(chan error, 8)
		for range 8 {
			go func() {
				var b bytes.Buffer
				err := r.Render(&b, f.reg, f.meta)
				if err == nil && !bytes.Equal(b.Bytes(), want) {
					err = fmt.Errorf("%s: concurrent output differs", r.Format())
				}
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	}
}

func TestHTMLDownloads(t *testing.T) {
	p := mustProfile(t, "oiv")
	reg, _ := rules.Parse(rules.SampleGrid(), p)
	rs := []Renderer{NewHTML(HTMLOptions{}), NewPDF(), NewXLSX(), NewCSV(CSVOptions{})}
	var buf bytes.Buffer
	if err := NewHTML(HTMLOptions{}).Render(&buf, reg, Meta{Profile: p, Downloads: DownloadsFor(rs)}); err != nil {
		t.Fatal(err)
	}
	want := `Скачать: <a href="perechen.pdf" download>PDF (для печати)</a> · <a href="perechen.xlsx" download>XLSX (Excel)</a> · <a href="perechen.csv" download>CSV</a>`
	if !strings.Contains(buf.String(), want) {
		t.Errorf("page has no download links %q", want)
	}
	buf.Reset()
	if err := NewHTML(HTMLOptions{}).Render(&buf, reg, Meta{Profile: p}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Скачать") {
		t.Error("links shown without downloads")
	}
}
