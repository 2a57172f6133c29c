package rules

import (
	"strconv"
	"strings"
	"testing"
)

// lintText is the golden form of a lint: the parsed model, then findings.
func lintText(reg *Registry, ds []Diagnostic) string {
	var b strings.Builder
	b.WriteString("title: " + reg.Title + "\n")
	for _, p := range reg.Processes {
		b.WriteString(p.Number + " " + p.Name + " @" + p.NameAt.A1() + "\n")
		for _, t := range p.Touchpoints {
			b.WriteString("    " + t.Name + " [" + t.Kind + "] @" + t.NameAt.A1() + "\n")
			for _, n := range t.Needs {
				b.WriteString("        - " + n.Text + " @" + n.At.A1() + "\n")
			}
		}
	}
	b.WriteString("\n")
	for _, d := range ds {
		b.WriteString(d.Text() + "\n")
	}
	return b.String()
}

func TestSeedGolden(t *testing.T) {
	for _, c := range []struct {
		name, profile string
		grid          Grid
	}{
		{"sample", "oiv", SampleGrid()},
		{"seed003", "mimp-mo", Seed003Grid()},
		{"seed000", "oiv", loadFixture(t, "testdata/seed000.tsv").grid},
		{"template000", "oiv", loadFixture(t, "testdata/template000.tsv").grid},
	} {
		t.Run(c.name, func(t *testing.T) {
			reg, ds := Lint(c.grid, mustProfile(t, c.profile))
			goldenCompare(t, "testdata/"+c.name+".golden", lintText(reg, ds))
		})
	}
}

// TestSampleIsPublishable: the embedded sample has no errors, so `make run`
// publishes it; its warnings are the Порядок example's real gaps.
func TestSampleIsPublishable(t *testing.T) {
	reg, ds := Lint(SampleGrid(), mustProfile(t, "oiv"))
	if s := Summarize(ds); s.Errors != 0 {
		t.Errorf("sample has %d errors", s.Errors)
	}
	tps := 0
	for _, p := range reg.Processes {
		tps += len(p.Touchpoints)
	}
	if len(reg.Processes) != 12 || tps != 17 || reg.Rows() != 45 {
		t.Errorf("sample: %d processes, %d touchpoints, %d needs", len(reg.Processes), tps, reg.Rows())
	}
	for _, d := range ds {
		if d.Rule != "no-offline-alternative" && d.Rule != "need-other" {
			t.Errorf("unexpected finding on the sample: %s", d.Text())
		}
	}
}

// TestSeed000Parse: the Порядок's own example, as printed, parses into its
// 12 processes with run-on needs and double touchpoint cells split.
func TestSeed000Parse(t *testing.T) {
	reg, ds := Lint(loadFixture(t, "testdata/seed000.tsv").grid, mustProfile(t, "oiv"))
	if len(reg.Processes) != 12 {
		t.Fatalf("got %d processes, want 12", len(reg.Processes))
	}
	for i, p := range reg.Processes {
		if want := strconv.Itoa(i + 1); p.Number != want {
			t.Errorf("process %d numbered %q", i+1, p.Number)
		}
	}
	p1 := reg.Processes[0].Touchpoints[0]
	wantNeeds := []string{"Предоставление документов",
		"Получение информации, в том числе о ходе рассмотрения запроса",
		"Получение информации, в том числе о ходе рассмотрения документов",
		"Получение консультации"}
	if strings.Join(needTexts(p1), "|") != strings.Join(wantNeeds, "|") {
		t.Errorf("process 1 needs: %q", needTexts(p1))
	}
	// Process 4 continues over the repeated header with a second touchpoint.
	if tps := reg.Processes[3].Touchpoints; len(tps) != 2 || tps[1].Name != "СЭД" {
		t.Errorf("process 4 touchpoints: %+v", tps)
	}
	// Process 10: "Электронная почта ОИВ Телефонная связь" in one cell.
	tps := reg.Processes[9].Touchpoints
	if len(tps) != 2 || tps[0].Name != "Электронная почта ОИВ" || tps[1].Name != "Телефонная связь" ||
		tps[1].Kind != "Оффлайн точка" || len(tps[0].Needs) != 2 || len(tps[1].Needs) != 1 {
		t.Errorf("process 10 touchpoints: %+v", tps)
	}
	counts := map[string]int{}
	for _, d := range ds {
		counts[d.Rule]++
	}
	for rule, n := range map[string]int{"one-touchpoint-per-row": 4, "offline-spelling": 0} { // «Оффлайн» is seed 000's own spelling
		if counts[rule] != n {
			t.Errorf("%s: %d findings, want %d", rule, counts[rule], n)
		}
	}
}

// TestSeed003Defects asserts each defect of seed 003 at its cell.
func TestSeed003Defects(t *testing.T) {
	_, ds := Lint(Seed003Grid(), mustProfile(t, "mimp-mo"))
	have := map[string]bool{}
	for _, d := range ds {
		have[d.Ref.A1()+" "+d.Rule] = true
	}
	for _, want := range []string{
		"B4 header-client",                       // "с внешним клиентом"
		"A7 blank-row",                           // blank rows inside process 1
		"C23 touchpoint-vocabulary",              // "Кабинеты клиентов" → 4.2.2
		"D29 need-fragment", "D30 need-fragment", // "Получение" / "материальных ценностей"
		"A35 misplaced-text",        // "Получение консультации" in column A
		"F40 form-columns",          // "Офлайн точка" in column F
		"E40 kind-required",         // ... so graph 5 is empty
		"C43 touchpoint-vocabulary", // "Электронная почта" → 4.1.6
		"D48 duplicate-need",        // objects for inspection twice
		"A75 misplaced-text",        // "Предоставление справки БК" in column A
		"B79 misplaced-text",        // "Получение справки 2-НДФЛ" repeated in column B
		"B88 misplaced-text",        // "Получение информации" in column B
		"D73 need-vocabulary",       // "Консультирование"
		"B6 no-digital-touchpoint",  // process 1: offline only
		"D26 need-other",            // "Получение материальных ценностей" (2.6.9)
	} {
		if !have[want] {
			t.Errorf("missing finding %s", want)
		}
	}
}

func needTexts(t Touchpoint) []string {
	var out []string
	for _, n := range t.Needs {
		out = append(out, n.Text)
	}
	return out
}

// TestSampleWithSlips: three warnings at their cells, no errors.
func TestSampleWithSlips(t *testing.T) {
	_, ds := Lint(SampleGridWithSlips(), mustProfile(t, "oiv"))
	var warned []string
	for _, d := range AtLeast(ds, Warning) {
		warned = append(warned, d.Ref.A1()+" "+d.Rule+" "+d.Severity.String())
	}
	want := []string{"C17 touchpoint-vocabulary warning", "C18 touchpoint-vocabulary warning", "D18 need-vocabulary warning"}
	if strings.Join(warned, "|") != strings.Join(want, "|") {
		t.Errorf("findings %q, want %q", warned, want)
	}
}
