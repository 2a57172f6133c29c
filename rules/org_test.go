package rules

import "testing"

// TestOrganisationSlot: every way staff name their organisation in a
// touchpoint is the Порядок's «… ОИВ» (seed 000 п. 1.1) or «… МИМП
// Московской области» (seed 003 п. 1.1).
func TestOrganisationSlot(t *testing.T) {
	title := "ПЕРЕЧЕНЬ точек взаимодействия с внутренним клиентом в Министерстве информации и молодежной политики Московской области"
	for _, c := range []struct {
		profile, org, title, text string
		want                      matchKind
	}{
		{"oiv", "", "", "Электронная почта ОИВ", matchCanonical},
		{"oiv", "", "", "Электронная почта Министерства", matchCanonical},
		{"oiv", "", "", "Электронная почта Министерства экономического развития Московской области", matchCanonical},
		{"oiv", "", "", "электронная почта министерства", matchCanonical},
		{"oiv", "", "", "Электронная почта Комитета по архитектуре и градостроительству", matchCanonical},
		{"oiv", "", "", "Электронная почта Главного управления культурного наследия", matchCanonical},
		{"oiv", "", "", "Электронная почта ГКУ МО «Региональный центр торгов»", matchCanonical},
		{"oiv", "", "", "Электронная почта Минцифры", matchCanonical},
		{"oiv", "", "", "Сообщества Департамента в социальных сетях", matchCanonical},
		{"oiv", "", "", "Официальный сайт Министерства", matchAccepted},
		{"oiv", "", "", "Мобильное приложение Инспекции", matchCanonical},
		{"oiv", "", "", "Сетевой диск Агентства", matchCanonical},
		{"oiv", "Мосавтодор", "", "Электронная почта Мосавтодора", matchCanonical},
		{"oiv", "", "", "Электронная почта Мосавтодора", matchSlotUnknown},
		{"oiv", "", "", "Электронная почта", matchSynonym},
		{"mimp-mo", "", "", "Электронная почта МИМП Московской области", matchCanonical},
		{"mimp-mo", "", "", "Электронная почта МИМП МО", matchCanonical},
		{"mimp-mo", "", "", "Электронная почта ОИВ", matchCanonical},
		{"mimp-mo", "", "", "Электронная почта Министерства информации и молодежной политики Московской области", matchCanonical},
		{"mimp-mo", "", "", "Официальный сайт Министерства", matchCanonical},
		{"mimp-mo", "", "", "Сеть «Интернет»", matchCanonical},
		{"mimp-mo", "", "", `Информационно-телекоммуникационная сеть "Интернет"`, matchAccepted},
		{"oiv", "", title, "Электронная почта МИМП", matchCanonical},
		{"oiv", "", "", "Электронная почта сотрудника", matchSlotUnknown},
	} {
		p := mustProfile(t, c.profile).WithOrganisation(c.org)
		m := p.idx().touchpoints.resolve(c.text, newOrgMatcher(p, c.title), true)
		if m.How != c.want {
			t.Errorf("%s (profile %s, organisation %q): %v, want %v", c.text, c.profile, c.org, m.How, c.want)
		}
	}
}

// TestOrganisationAcronym: the short name derived from the full one.
func TestOrganisationAcronym(t *testing.T) {
	for name, want := range map[string]string{
		"Министерство информации и молодежной политики Московской области": "мимп",
		"Комитет по архитектуре и градостроительству Московской области":   "каг",
		"Мосавтодор": "",
	} {
		if got := acronymOf(tokens(name)); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// TestProfileExamplesLintClean: the touchpoints a suggestion names are the
// profile's own wordings of the kind it suggests (issue 13: the mimp-mo
// advice proposed «СЭД», which that Порядок calls «МСЭД»).
func TestProfileExamplesLintClean(t *testing.T) {
	for _, name := range ProfileNames() {
		p := mustProfile(t, name)
		for _, k := range p.Kinds {
			for _, ex := range p.examples(k.ID) {
				m := p.idx().touchpoints.resolve(ex, newOrgMatcher(p, ""), false)
				if m.How != matchCanonical && m.How != matchAccepted || m.Item.Kind != k.ID {
					t.Errorf("%s: example %q for %s is not a wording of that kind (%v)", name, ex, k.ID, m.How)
				}
			}
		}
	}
}
