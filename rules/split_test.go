package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSplitNeeds(t *testing.T) {
	p := mustProfile(t, "oiv")
	idx := p.idx()
	for in, want := range map[string]string{
		"Предоставление документов Получение информации, в том числе о ходе рассмотрения запроса Получение консультации": "Предоставление документов|Получение информации, в том числе о ходе рассмотрения запроса|Получение консультации",
		"Получение информации, в том числе о ходе\nрассмотрения запроса":                                                 "Получение информации, в том числе о ходе рассмотрения запроса",
		"Получение консультации; Получение форм документов":                                                              "Получение консультации|Получение форм документов",
		"• Получение консультации\n• Получение форм документов":                                                          "Получение консультации|Получение форм документов",
		"Получение материальных ценностей Получение консультации":                                                        "Получение материальных ценностей|Получение консультации",
		"Получение справки 2-НДФЛ":                 "Получение справки 2-НДФЛ",
		"Предоставление справки БК":                "Предоставление справки БК",
		"Учет и передача информации в бухгалтерию": "Учет и передача информации в бухгалтерию",
	} {
		if got := strings.Join(splitCell(in, idx.needs.phrases, idx.starts), "|"); got != want {
			t.Errorf("%q\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestSplitTouchpoints(t *testing.T) {
	idx := mustProfile(t, "oiv").idx()
	for in, want := range map[string]string{
		"Электронная почта ОИВ Телефонная связь": "Электронная почта ОИВ|Телефонная связь",
		"СЭД Система учёта заявок":               "СЭД|Система учёта заявок",
		"Сеть Интернет":                          "Сеть Интернет",
		"Официальный сайт ОИВ (Портал)":          "Официальный сайт ОИВ (Портал)",
		"Кабинеты клиентов":                      "Кабинеты клиентов",
	} {
		if got := strings.Join(splitCell(in, idx.touchpoints.phrases, nil), "|"); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestProfileFromFile(t *testing.T) {
	data, err := os.ReadFile("profiles/oiv.yaml")
	if err != nil {
		t.Fatal(err)
	}
	custom := strings.Replace(string(data), "name: oiv", "name: my-org", 1)
	custom = strings.Replace(custom, `  - {text: "Журнал заявок", paragraph: "4.2.5", kind: offline}`,
		`  - {text: "Журнал заявок", paragraph: "4.2.5", kind: offline}
  - {text: "Голубиная почта", paragraph: "4.2.8", kind: offline}`, 1)
	path := filepath.Join(t.TempDir(), "my-org.yaml")
	if err := os.WriteFile(path, []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := loadFixture(t, "testdata/cases/touchpoint-vocabulary.tsv")
	_, ds := Lint(f.grid, p)
	for _, d := range ds {
		if d.Ref.A1() == "C5" {
			t.Errorf("the custom profile's touchpoint is still reported: %s", d.Text())
		}
	}
	if _, err := LoadProfile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing profile file accepted")
	}
	broken := filepath.Join(t.TempDir(), "broken.yaml")
	os.WriteFile(broken, []byte("name: x\ncolumns: [1, 2]\n"), 0o644)
	if _, err := LoadProfile(broken); err == nil {
		t.Error("broken profile accepted")
	}
}
