package rules

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestDropDownsLintClean: every value a drop-down offers (perechen
// setup-sheet, perechen template) lints clean in its own graph under the
// profile it came from — with the stand-in and with the organisation's
// name filled in — and the hints fit Excel's limits.
func TestDropDownsLintClean(t *testing.T) {
	for _, name := range ProfileNames() {
		for _, org := range []string{"", "Министерство экономического развития Московской области", "Мосавтодор"} {
			p := mustProfile(t, name).WithOrganisation(org)
			p.FillSlot = org != ""
			dds := p.DropDowns()
			if len(dds) != 3 || dds[0].Graph != 3 || dds[1].Graph != 4 || dds[2].Graph != 5 {
				t.Fatalf("%s: drop-downs of graphs %v", name, dds)
			}
			tps, needs, kinds := dds[0].Values, dds[1].Values, dds[2].Values
			if !dds[2].Closed || dds[0].Closed || dds[1].Closed {
				t.Errorf("%s: only the kinds are a closed list", name)
			}
			for _, want := range []string{"Получение консультации", "Получение результата", "Получение разъяснения", "Получение результата рассмотрения обратной связи"} {
				if !contains(needs, want) {
					t.Errorf("%s: needs list lacks %q: %q", name, want, needs)
				}
			}
			// One process per touchpoint (with its own kind), then one row per
			// need under a known touchpoint: each offered value in its graph.
			var b strings.Builder
			b.WriteString(strings.Join(p.Captions(), "\t") + "\n")
			n := 0
			for i, tp := range tps {
				n++
				kind, _ := p.KindByID(p.Touchpoints[i].Kind)
				b.WriteString(strings.Join([]string{strconv.Itoa(n), "Процесс " + strconv.Itoa(n), tp, needs[i%len(needs)], kind.Label}, "\t") + "\n")
			}
			for _, need := range needs {
				n++
				b.WriteString(strings.Join([]string{strconv.Itoa(n), "Процесс " + strconv.Itoa(n), p.Touchpoints[0].Text, need, kinds[0]}, "\t") + "\n")
			}
			for i, k := range kinds {
				n++
				var tp string
				for j, item := range p.Touchpoints {
					if item.Kind == p.Kinds[i].ID {
						tp = tps[j]
						break
					}
				}
				b.WriteString(strings.Join([]string{strconv.Itoa(n), "Процесс " + strconv.Itoa(n), tp, needs[0], k}, "\t") + "\n")
			}
			_, ds := Lint(GridFromTSV("Перечень", b.String()), p)
			for _, d := range AtLeast(ds, Warning) {
				t.Errorf("%s, organisation %q: an offered value is flagged: %s", name, org, d.Text())
			}
			for _, d := range ds {
				if d.Rule == NeedOther.ID {
					t.Errorf("%s: an offered need counts as «other»: %s", name, d.Text())
				}
			}
			for _, dd := range dds {
				if utf8.RuneCountInString(dd.Title) > 32 || utf8.RuneCountInString(dd.ErrorTitle) > 32 ||
					utf8.RuneCountInString(dd.Prompt) > 255 || utf8.RuneCountInString(dd.Error) > 225 {
					t.Errorf("%s graph %d: a hint exceeds Excel's limits (title 32, prompt 255, error 225): %+v", name, dd.Graph, dd)
				}
				if !strings.Contains(dd.Prompt, "п. ") || !strings.Contains(dd.Error, "п. ") {
					t.Errorf("%s graph %d: the hint cites no paragraph: %q / %q", name, dd.Graph, dd.Prompt, dd.Error)
				}
			}
		}
	}
}

func TestBody(t *testing.T) {
	p := mustProfile(t, "oiv")
	cases := []struct {
		name             string
		grid             func(t *testing.T) Grid
		header, from, to int
		headerEnd        int
		repeats          []int
	}{
		{"sample", func(*testing.T) Grid { return SampleGrid() }, -1, -1, -1, -1, nil},
		{"header on row 12, number row, merged title", func(t *testing.T) Grid {
			return corpusGrid(t, "testdata/corpus/clean/c01-oiv-it-merged-title-offset.tsv")
		}, 11, 13, 32, 12, nil},
		{"header repeated at a page break", func(t *testing.T) Grid {
			return corpusGrid(t, "testdata/corpus/clean/c12-oiv-header-variants-page-break.tsv")
		}, 1, 3, 19, 2, []int{12, 13}},
		{"header merged over two rows", func(*testing.T) Grid {
			g := GridFromTSV("Перечень", "Перечень\n"+strings.Join(p.Captions(), "\t")+"\n\n1\t2\t3\t4\t5\n1\tПроцесс\tСЭД\tПолучение консультации\tЦифровая точка\n\n\n")
			for c := range 5 {
				g.Merges = append(g.Merges, Range{Row0: 1, Col0: c, Row1: 2, Col1: c})
			}
			return g
		}, 1, 4, 5, 3, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := c.grid(t)
			reg, _ := Parse(g, p)
			if !reg.HasHeader() {
				t.Fatal("no header")
			}
			b := reg.Body(&g, p)
			if c.header >= 0 && (b.Header != c.header || b.HeaderEnd != c.headerEnd || b.From != c.from || b.To != c.to) {
				t.Errorf("body %+v, want header %d..%d, rows %d..%d", b, c.header, c.headerEnd, c.from, c.to)
			}
			if strings.Join(itoas(b.Repeats), ",") != strings.Join(itoas(c.repeats), ",") {
				t.Errorf("repeats %v, want %v", b.Repeats, c.repeats)
			}
			// Every process lies inside the body, outside the repeats.
			for _, pr := range reg.Processes {
				if pr.At.First.Row < b.From || pr.At.Last.Row >= b.To {
					t.Errorf("process %s at rows %d..%d outside the body %d..%d", pr.Number, pr.At.First.Row, pr.At.Last.Row, b.From, b.To)
				}
			}
		})
	}
}

func corpusGrid(t *testing.T, path string) Grid {
	t.Helper()
	f := loadCorpusFile(t, path)
	return f.sheets[0].Grid
}

func itoas(xs []int) []string {
	var out []string
	for _, x := range xs {
		out = append(out, strconv.Itoa(x))
	}
	return out
}
