package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// SheetCandidate is one sheet of a workbook offered to PickSheet: its grid
// (Grid.Sheet is the sheet's title) and whether the workbook hides it.
type SheetCandidate struct {
	Grid   Grid
	Hidden bool
}

// SheetChoice is PickSheet's answer: the index of the chosen candidate (-1
// when no sheet carries the form's header) and, in Russian, which sheet was
// used and why, for the CLI and the status page.
type SheetChoice struct {
	Index  int
	Reason string
}

// PickSheet chooses the sheet that holds the Перечень when none is named.
// Workbooks keep last year's Перечень, an instruction sheet or a draft next
// to the current one, often first; reading the first sheet lints the wrong
// table. The choice, in order: a sheet whose header matches the form; a
// visible sheet over a hidden one; a sheet not named as an archive, draft,
// copy or template; among sheets whose names carry years, the latest (the
// title rows are not read for years: they cite the approving order's
// date); then workbook order. When several sheets remain equally good the first is
// taken and the reason names the others, so a person can name the right
// one.
func PickSheet(cands []SheetCandidate, p *Profile) SheetChoice {
	idx := p.idx()
	type scored struct {
		i, header       int
		hidden, archive bool
		year            int
	}
	var ok []scored
	for i := range cands {
		h := findHeader(&cands[i].Grid, idx)
		if h < 0 {
			continue
		}
		name := cands[i].Grid.Sheet
		ok = append(ok, scored{i: i, header: h, hidden: cands[i].Hidden, archive: archiveName(name), year: latestYear(name)})
	}
	if len(ok) == 0 {
		return SheetChoice{Index: -1, Reason: noFormSheet(cands, p)}
	}
	best := ok[:0:0]
	better := func(a, b scored) int { // >0: a is better
		switch {
		case a.hidden != b.hidden:
			return boolRank(!a.hidden) - boolRank(!b.hidden)
		case a.archive != b.archive:
			return boolRank(!a.archive) - boolRank(!b.archive)
		case a.year > 0 && b.year > 0 && a.year != b.year:
			return a.year - b.year
		}
		return 0
	}
	for _, s := range ok {
		switch {
		case len(best) == 0:
			best = append(best, s)
		case better(s, best[0]) > 0:
			best = append(best[:0], s)
		case better(s, best[0]) == 0:
			best = append(best, s)
		}
	}
	chosen := best[0]
	name := cands[chosen.i].Grid.Sheet
	reason := fmt.Sprintf("лист «%s»: на нём форма Перечня (заголовок в строке %d)", name, chosen.header+1)
	if len(cands) == 1 {
		return SheetChoice{Index: chosen.i, Reason: reason}
	}
	var others []string
	for _, s := range ok {
		if s.i != chosen.i {
			others = append(others, "«"+cands[s.i].Grid.Sheet+"»")
		}
	}
	if len(others) > 0 {
		reason += fmt.Sprintf("; форма есть и на листах %s", strings.Join(others, ", "))
		if len(best) > 1 {
			reason += " — выбран первый из них по порядку листов"
		}
		reason += "; чтобы проверять другой лист, укажите его имя (sheet в конфигурации или --sheet)"
	}
	return SheetChoice{Index: chosen.i, Reason: reason}
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// noFormSheet explains that no sheet of the workbook is a Перечень.
func noFormSheet(cands []SheetCandidate, p *Profile) string {
	var names []string
	for _, c := range cands {
		names = append(names, "«"+c.Grid.Sheet+"»")
	}
	return fmt.Sprintf("ни на одном листе (%s) не найдена строка заголовка формы (графы «%s»)",
		strings.Join(names, ", "), strings.Join(p.Captions(), "», «"))
}

// archiveWords mark a sheet kept for reference, not the current Перечень.
var archiveWords = []string{"архив", "стар", "прошл", "черновик", "проект", "копия", "образец", "шаблон",
	"пример", "инструкц", "удален", "недейств", "draft", "old", "copy", "backup", "template", "archive"}

func archiveName(name string) bool {
	n := Normalize(name)
	for _, w := range strings.FieldsFunc(n, func(r rune) bool { return !isWordRune(r) }) {
		for _, a := range archiveWords {
			if strings.HasPrefix(w, a) {
				return true
			}
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || isCyrillicRune(r)
}

var yearRe = regexp.MustCompile(`(?:^|\D)(20\d\d)(?:\D|$)`)

// latestYear is the latest year 2000–2099 named in s, 0 when none.
func latestYear(s string) int {
	y := 0
	for _, m := range yearRe.FindAllStringSubmatch(s, -1) {
		if n, err := strconv.Atoi(m[1]); err == nil && n > y {
			y = n
		}
	}
	return y
}
