package rules

import (
	"strings"
	"testing"
)

// TestParseNumberBeforeAnyProcess is the FuzzParse finding 899cbdda6b140c03:
// a value in the № graph that is not a process number, on the first data row
// and with nothing in the process graph, crashed the parser (nil process).
// Now it is reported as misplaced text and the row still becomes a process.
func TestParseNumberBeforeAnyProcess(t *testing.T) {
	g := GridFromTSV("S", "ПроцесC0\tпотребност\tОсобенност\n\t\t0\tA")
	reg, ds := Lint(g, mustProfile(t, "oiv"))
	if reg == nil {
		t.Fatal("no registry")
	}
	if len(ds) == 0 {
		t.Fatal("no findings for a broken table")
	}
	for _, d := range ds {
		if d.Message == "" || RuleByID(d.Rule) == nil {
			t.Errorf("bad finding %+v", d)
		}
	}
	full := "№\tПроцесс взаимодействия с внутренним клиентом\tТочка взаимодействия\tУдовлетворяемые потребности клиента\tОсобенности взаимодействия с клиентом\n" +
		"x\t\tСЭД\tПолучение консультации\tЦифровая точка\n"
	reg, ds = Lint(GridFromTSV("S", full), mustProfile(t, "oiv"))
	var rulesSeen []string
	for _, d := range ds {
		rulesSeen = append(rulesSeen, d.Ref.A1()+" "+d.Rule)
	}
	if len(reg.Processes) != 1 || reg.Processes[0].Number != "" || !strings.Contains(strings.Join(rulesSeen, ","), "A2 misplaced-text") {
		t.Errorf("processes %+v, findings %v", reg.Processes, rulesSeen)
	}
}
