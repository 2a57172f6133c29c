package rules

import (
	"strconv"
	"strings"
	"testing"
)

// TestChoicesLintClean: every value a drop-down offers lints clean in its
// graph, with the stand-in and with the organisation's name filled in.
func TestChoicesLintClean(t *testing.T) {
	for _, name := range ProfileNames() {
		for _, org := range []string{"", "Министерство экономического развития Московской области", "Главное управление культурного наследия", "Мосавтодор"} {
			p := mustProfile(t, name).WithOrganisation(org)
			p.FillSlot = org != ""
			c := p.Choices()
			if len(c.Touchpoints) != len(p.Touchpoints) || len(c.Kinds) != len(p.Kinds) || len(c.Needs) < 8 {
				t.Fatalf("%s: choices %+v", name, c)
			}
			var b strings.Builder
			b.WriteString("№\tПроцесс взаимодействия с внутренним клиентом\tТочка взаимодействия\tУдовлетворяемые потребности клиента\tОсобенности взаимодействия с клиентом\n")
			// one process per touchpoint, then one per need
			for i, tp := range c.Touchpoints {
				kind := p.Kinds[0].Label
				if k, ok := p.KindByID(p.Touchpoints[i].Kind); ok {
					kind = k.Label
				}
				b.WriteString(strings.Join([]string{strconv.Itoa(i + 1), "Процесс " + strconv.Itoa(i+1), tp, c.Needs[i%len(c.Needs)], kind}, "\t") + "\n")
			}
			for j, n := range c.Needs {
				i := len(c.Touchpoints) + j
				b.WriteString(strings.Join([]string{strconv.Itoa(i + 1), "Процесс " + strconv.Itoa(i+1), p.Touchpoints[0].Text, n, p.Kinds[0].Label}, "\t") + "\n")
			}
			_, ds := Lint(GridFromTSV("Перечень", b.String()), p)
			for _, d := range AtLeast(ds, Warning) {
				t.Errorf("%s, organisation %q: an offered value is flagged: %s", name, org, d.Text())
			}
			if org == "Министерство экономического развития Московской области" && name == "oiv" &&
				!contains(c.Touchpoints, "Электронная почта Министерства экономического развития Московской области") {
				t.Errorf("slot not filled: %q", c.Touchpoints)
			}
			if org == "Мосавтодор" && !contains(c.Touchpoints, p.Touchpoints[0].Text) {
				t.Errorf("a name that cannot be inflected must keep the stand-in: %q", c.Touchpoints)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
