package rules

import (
	"os"
	"testing"
)

// FuzzParse feeds arbitrary grids (from tab/newline text, with an optional
// merge) to the linter: it must never panic and every finding must point at
// a cell with a rule of the set.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/seed000.tsv", "testdata/template000.tsv", "testdata/cases/one-touchpoint-per-row.tsv"} {
		f.Add(string(mustRead(f, name)), 0, 0, 1, 0)
	}
	f.Add("№\tпроцесс\tточка взаимодействия\tпотребности\tособенности\n1\t\t\t\t\n\t\t\t\t\tx", 1, 0, 3, 1)
	f.Add("\t\t\t", -1, -5, 2, 9)
	p := mustProfile(f, "oiv")
	f.Fuzz(func(t *testing.T, text string, r0, c0, r1, c1 int) {
		g := GridFromTSV("S", text)
		g.Merges = []Range{{Row0: r0, Col0: c0, Row1: r1, Col1: c1}}
		_, ds := Lint(g, p)
		for _, d := range ds {
			if RuleByID(d.Rule) == nil || d.Ref.Row < 0 || d.Ref.Col < 0 || d.Message == "" {
				t.Fatalf("bad finding %+v", d)
			}
		}
		for _, w := range []string{"Получение", "СЭД Телефонная связь"} {
			splitCell(w+text, p.idx().needs.phrases, p.idx().starts)
		}
	})
}

func mustRead(f *testing.F, name string) []byte {
	data, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	return data
}
