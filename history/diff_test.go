package history

import (
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/rules"
)

func profile(t *testing.T, name string) *rules.Profile {
	t.Helper()
	p, err := rules.LoadProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func tp(name, kind string, needs ...string) rules.Touchpoint {
	t := rules.Touchpoint{Name: name, Kind: kind}
	for _, n := range needs {
		t.Needs = append(t.Needs, rules.Need{Text: n})
	}
	return t
}

func reg(procs ...rules.Process) *rules.Registry { return &rules.Registry{Processes: procs} }

func proc(number, name string, tps ...rules.Touchpoint) rules.Process {
	return rules.Process{Number: number, Name: name, Touchpoints: tps}
}

func russian(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Russian())
	}
	return out
}

func TestDiffClassifiesByClause(t *testing.T) {
	old := reg(
		proc("1", "Согласование проекта документа",
			tp("СЭД", "Цифровая точка", "Возможность согласования документа", "Информирование о статусе"),
			tp("Личный кабинет", "Цифровая точка", "Получение информации"),
			tp("Кабинет руководителя", "Офлайн точка", "Консультация")),
		proc("2", "Заказ пропуска", tp("Бюро пропусков", "Офлайн точка", "Получение пропуска")),
		proc("3", "Старый процесс", tp("Телефон", "Цифровая точка", "Консультация")),
	)
	new := reg(
		proc("1", "Согласование  проекта документа.", // same process: spacing and trailing dot
			// Abbreviation and full name are the same touchpoint; needs reordered.
			tp("Система электронного документооборота", "цифровая точка", "Информирование о статусе", "Возможность согласования документа"),
			tp("Личный кабинет", "Офлайн точка", "Получение информации", "Получение\n  консультации"),
			tp("Электронная почта", "Цифровая точка", "Консультация")),
		proc("2", "Оформление пропуска", tp("Бюро пропусков", "Офлайн точка")), // renamed by number; need removed
		proc("4", "Новый процесс", tp("Портал", "Цифровая точка", "Подача заявки")),
	)
	got := russian(Diff(old, new, profile(t, "oiv")))
	want := []string{
		"п. 5.3.2: у точки «Личный кабинет» процесса «Согласование проекта документа.» изменён вид: «Цифровая точка» → «Офлайн точка»",
		"п. 5.3.3: в точке «Личный кабинет» процесса «Согласование проекта документа.» добавлена потребность «Получение консультации»",
		"п. 5.3.1: в процесс «Согласование проекта документа.» добавлена точка «Электронная почта» (Цифровая точка)",
		"п. 5.3.4: из процесса «Согласование проекта документа.» исключена точка «Кабинет руководителя»",
		"п. 5.3: процесс «Заказ пропуска» переименован в «Оформление пропуска»",
		"п. 5.3.3: из точки «Бюро пропусков» процесса «Оформление пропуска» исключена потребность «Получение пропуска»",
		"п. 5.3: добавлен процесс «Новый процесс»",
		"п. 5.3.1: в процесс «Новый процесс» добавлена точка «Портал» (Цифровая точка)",
		"п. 5.3: исключён процесс «Старый процесс»",
		"п. 5.3.4: из процесса «Старый процесс» исключена точка «Телефон»",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Seed 003 numbers the same cases п. 5.1.1–5.1.4.
func TestDiffUsesProfileClauses(t *testing.T) {
	p := profile(t, "mimp-mo")
	old := reg(proc("1", "П", tp("А", "Цифровая точка", "x"), tp("Б", "Цифровая точка")))
	new := reg(proc("1", "П", tp("А", "Офлайн точка", "y"), tp("В", "Цифровая точка")))
	var clauses []string
	for _, c := range Diff(old, new, p) {
		clauses = append(clauses, c.Clause+" "+c.Kind)
	}
	want := "5.1.2 kind_changed,5.1.3 need_removed,5.1.3 need_added,5.1.1 touchpoint_added,5.1.4 touchpoint_excluded"
	if got := strings.Join(clauses, ","); got != want {
		t.Errorf("clauses = %s\nwant      %s", got, want)
	}
}

func TestDiffSeedRegistry(t *testing.T) {
	p := profile(t, "mimp-mo")
	r, _ := rules.Parse(rules.Seed003Grid(), p)
	if len(r.Processes) == 0 {
		t.Fatal("seed 003 parsed to no processes")
	}
	if cs := Diff(r, r, p); len(cs) != 0 {
		t.Errorf("Diff of a registry with itself = %v", russian(cs))
	}
	tps := 0
	for _, pr := range r.Processes {
		tps += len(pr.Touchpoints)
	}
	count := func(cs []Change, kind string) int {
		n := 0
		for _, c := range cs {
			if c.Kind == kind {
				n++
			}
		}
		return n
	}
	first := Diff(nil, r, p)
	if count(first, ProcessAdded) != len(r.Processes) || count(first, TouchpointAdded) != tps || len(first) != len(r.Processes)+tps {
		t.Errorf("Diff(nil, seed) = %d changes, want %d processes + %d touchpoints added", len(first), len(r.Processes), tps)
	}
	gone := Diff(r, nil, p)
	if count(gone, ProcessRemoved) != len(r.Processes) || count(gone, TouchpointExcluded) != tps {
		t.Errorf("Diff(seed, nil) = %d changes", len(gone))
	}
	// A process renamed in place is matched by its number.
	edited, _ := rules.Parse(rules.Seed003Grid(), p)
	edited.Processes[0].Name += " (изм.)"
	cs := Diff(r, edited, p)
	if len(cs) != 1 || cs[0].Kind != ProcessRenamed || cs[0].Clause != "5.1" {
		t.Errorf("rename: %v", russian(cs))
	}
}

func TestDiffDuplicatesAndNumbers(t *testing.T) {
	// Duplicate names pair one to one; the extra copy is new.
	old := reg(proc("1", "А", tp("Т", "Цифровая точка")))
	new := reg(proc("1", "А", tp("Т", "Цифровая точка"), tp("т", "Цифровая точка")), proc("2", "А"))
	got := russian(Diff(old, new, nil)) // nil profile: the generic clauses
	want := []string{
		"п. 5.3.1: в процесс «А» добавлена точка «т» (Цифровая точка)",
		"п. 5.3: добавлен процесс «А»",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q", got)
	}
	// An unnamed process is named by its number; "1." and "1" are equal.
	old = reg(proc("1.", ""))
	new = reg(proc("1", "Назван"))
	got = russian(Diff(old, new, nil))
	if len(got) != 1 || got[0] != "п. 5.3: процесс «» переименован в «Назван»" {
		t.Errorf("got %q", got)
	}
	if got := russian(Diff(reg(proc("7", "")), nil, nil)); got[0] != "п. 5.3: исключён процесс «№ 7»" {
		t.Errorf("got %q", got)
	}
}

func TestRussianWithoutClause(t *testing.T) {
	c := Change{Kind: "something_new", Process: "П"}
	if got := c.Russian(); got != `изменение "something_new" в процессе «П»` {
		t.Errorf("got %q", got)
	}
}
