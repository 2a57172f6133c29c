package rules

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValidateRules(t *testing.T) {
	if err := Validate(All()); err != nil {
		t.Fatal(err)
	}
	bad := []*Rule{{ID: "Bad_ID", Paragraph: "1", Doc: strings.Repeat("x", 30)}}
	if Validate(bad) == nil {
		t.Error("Validate accepted a non-kebab-case ID")
	}
	dup := []*Rule{ProcessNumber, ProcessNumber}
	if Validate(dup) == nil {
		t.Error("Validate accepted a duplicate ID")
	}
}

func TestRulesDocUpToDate(t *testing.T) {
	goldenCompare(t, "../docs/rules.md", RulesMarkdown(All()))
}

func TestProfilesLoad(t *testing.T) {
	for _, name := range ProfileNames() {
		p := mustProfile(t, name)
		if p.Name != name {
			t.Errorf("profile file %s.yaml has name %q", name, p.Name)
		}
	}
	if _, err := LoadProfile("nope"); err == nil || !strings.Contains(err.Error(), "oiv") {
		t.Errorf("unknown profile: %v", err)
	}
	if _, err := ParseProfile([]byte("name: x\nbogus: 1\n")); err == nil {
		t.Error("unknown key accepted")
	}
}

func TestDiagnosticJSONContract(t *testing.T) {
	d := Diagnostic{Rule: "touchpoint-vocabulary", Severity: Warning, Paragraph: "4.2.2",
		Ref: Ref{Sheet: "Перечень", Row: 21, Col: 2}, Message: "m", Suggestion: "s"}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"rule":"touchpoint-vocabulary","severity":"warning","paragraph":"4.2.2","sheet":"Перечень","cell":"C22","row":22,"column":3,"message":"m","suggestion":"s"}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
	var back Diagnostic
	if err := json.Unmarshal(b, &back); err != nil || back != d {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}

func TestColumnNames(t *testing.T) {
	for col, name := range map[int]string{0: "A", 4: "E", 25: "Z", 26: "AA", 701: "ZZ", 702: "AAA"} {
		if got := ColumnName(col); got != name {
			t.Errorf("ColumnName(%d) = %s, want %s", col, got, name)
		}
		r, c, err := ParseA1(name + "7")
		if err != nil || r != 6 || c != col {
			t.Errorf("ParseA1(%s7) = %d,%d,%v", name, r, c, err)
		}
	}
}
