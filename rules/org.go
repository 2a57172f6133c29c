package rules

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// The organisation slot. The Порядок names touchpoints with a stand-in for
// the organisation it defines itself — seed 000 п. 1.1 «(далее – ОИВ)»,
// seed 003 п. 1.1 «(далее – МИМП Московской области)» — so «Электронная
// почта ОИВ» in п. 4.1.9 means the organisation's own e-mail. Staff write
// the organisation's name there, in full or short, or just «Министерства»;
// all of it is the same touchpoint. A wording of the vocabulary that
// contains the profile's stand-in has a slot there, and any mention of an
// organisation fills it.

// orgMatcher recognises a mention of the organisation: the profile's
// stand-in, the generic stand-ins, the organisation's own name (from the
// configuration or the registry's title rows) in full or as an acronym, and
// any name that begins with a generic word for a public body.
type orgMatcher struct {
	standIns [][]string // token sequences matched whole
	acronyms map[string]bool
	names    [][]string // known names, matched with their first word in any case
}

// genericStandIns are abbreviations that name an executive body as such.
var genericStandIns = []string{"оив", "иогв", "огв", "ово", "фоив", "роив"}

// institutionAbbreviations open the name of a subordinate institution
// («ГКУ «Центр …»»): what follows is its name.
var institutionAbbreviations = []string{"гку", "гбу", "гау", "гуп", "гп", "мку", "мбу", "мау", "муп", "огку", "огбу", "огау", "оау", "окгу", "фгбу", "фгку", "фку", "ано"}

// bodyStems begin the generic words for a public body in any grammatical
// case: Министерство/Министерства/Министерству…, Комитет/Комитета…
var bodyStems = []string{"министерств", "комитет", "департамент", "управлени", "агентств", "служб", "инспекци",
	"администраци", "дирекци", "учреждени", "организаци", "ведомств", "орган", "правительств", "аппарат",
	"фонд", "центр", "палат", "комисси", "мэри", "префектур", "представительств"}

// regionTails end the region part of a name («… Московской области»).
var regionTails = []string{"области", "края", "республики", "округа", "москвы", "санкт-петербурга", "севастополя", "федерации", "россии"}

func newOrgMatcher(p *Profile, title string) *orgMatcher {
	m := &orgMatcher{acronyms: map[string]bool{}}
	for _, s := range genericStandIns {
		m.standIns = append(m.standIns, []string{s})
	}
	if p.StandIn != "" {
		t := tokens(p.StandIn)
		m.standIns = append(m.standIns, t)
		if isAcronym(p.StandIn) {
			m.acronyms[t[0]] = true
		}
	}
	for _, name := range append(append([]string{}, p.Organisation...), titleOrganisations(title)...) {
		m.addName(name)
	}
	for _, d := range titleDefinitions(title) {
		t := tokens(d)
		m.standIns = append(m.standIns, t)
		if isAcronym(d) {
			m.acronyms[t[0]] = true
		}
	}
	return m
}

// definitionRe finds what the title defines in brackets, the way the
// Порядок defines «ОИВ»: «(далее – ГЖИ Самарской области)» or just
// «(ГЖИ Самарской области)».
var definitionRe = regexp.MustCompile(`\((?:далее\s*[–—-]\s*)?([^()]{2,80})\)`)

// titleDefinitions are the short names the title rows define for the
// organisation: bracketed text that begins with an acronym or names a body.
func titleDefinitions(title string) []string {
	var out []string
	for _, m := range definitionRe.FindAllStringSubmatch(foldSpaces(title), -1) {
		d := strings.TrimSpace(m[1])
		if first := tokenKey(strings.Fields(d)[0]); isAcronym(d) || isBodyWord(first) || isShortBodyName(first) {
			out = append(out, d)
		}
	}
	return out
}

// addName learns an organisation's name and its acronym.
func (m *orgMatcher) addName(name string) {
	t := tokens(name)
	if len(t) == 0 {
		return
	}
	m.names = append(m.names, t)
	if a := acronymOf(t); utf8.RuneCountInString(a) >= 2 {
		m.acronyms[a] = true
	}
	if isAcronym(strings.Fields(name)[0]) {
		m.acronyms[t[0]] = true
	}
}

// isAcronym: a word of two or more capitals ("МИМП", "ОИВ").
func isAcronym(s string) bool {
	w := strings.Fields(s)
	if len(w) == 0 || utf8.RuneCountInString(w[0]) < 2 {
		return false
	}
	return strings.ToUpper(w[0]) == w[0] && strings.ToLower(w[0]) != w[0]
}

// acronymOf builds the usual abbreviation of a body's name from the
// initials of its words before the region («Министерство информации и
// молодежной политики Московской области» → «мимп», «Государственная
// жилищная инспекция …» → «гжи»): only names with a body word among their
// first three words have one.
func acronymOf(t []string) string {
	if len(t) < 2 || !slices.ContainsFunc(t[:min(3, len(t))], isBodyWord) {
		return ""
	}
	end := len(t)
	for i, w := range t {
		if i >= 2 && hasAny(w, regionTails) {
			end = i - 1 // the region's adjective comes before its noun
			break
		}
	}
	var b strings.Builder
	for _, w := range t[:max(end, 1)] {
		if utf8.RuneCountInString(w) <= 2 { // и, по, в
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		b.WriteRune(r)
	}
	return b.String()
}

func hasAny(w string, list []string) bool {
	for _, x := range list {
		if w == x {
			return true
		}
	}
	return false
}

// isShortBodyName: the compound short names of ministries, state
// committees and inspections, and regional bodies («Минцифры»,
// «Минэкономразвития», «Госкомитет», «Госжилинспекция», «Мособлимущество»).
func isShortBodyName(w string) bool {
	n := utf8.RuneCountInString(w)
	return n >= 6 && (strings.HasPrefix(w, "мин") && !strings.HasPrefix(w, "минут") && !strings.HasPrefix(w, "минимал") ||
		strings.HasPrefix(w, "гос") && !strings.HasPrefix(w, "государств") && !strings.HasPrefix(w, "госуслуг") ||
		strings.HasPrefix(w, "мособл") || strings.HasPrefix(w, "мосгор") || strings.HasPrefix(w, "облгос"))
}

func isBodyWord(w string) bool {
	for _, s := range bodyStems {
		if strings.HasPrefix(w, s) {
			return true
		}
	}
	return false
}

// mention reports whether the tokens, all of them, name the organisation.
func (m *orgMatcher) mention(t []string) bool {
	if len(t) == 0 || len(t) > 25 {
		return false
	}
	for _, s := range m.standIns {
		if equalTokens(t, s) {
			return true
		}
	}
	first := strings.Trim(t[0], `"`)
	switch {
	case hasAny(first, institutionAbbreviations):
		return true // «ГКУ МО «Центр …»»: its name follows
	case m.acronyms[first], hasAny(first, genericStandIns):
		return regionOnly(t[1:]) // «МИМП МО», «ОИВ Московской области», not «ОИВ Телефонная связь»
	case isBodyWord(first), len(t) > 1 && isBodyWord(t[1]): // «Главного управления …»
		return true
	case isShortBodyName(first): // «Минцифры», «Минэкономразвития», «Мособлимущества»
		return true
	}
	for _, n := range m.names {
		if len(t) == len(n) && sameStem(t[0], n[0]) && equalTokens(t[1:], n[1:]) {
			return true
		}
	}
	return false
}

// regionOnly: nothing, or a region («МО», «Московской области», «РФ»).
func regionOnly(t []string) bool {
	switch {
	case len(t) == 0:
		return true
	case len(t) == 1:
		return hasAny(t[0], []string{"мо", "рф", "ро", "спб", "москвы", "россии"})
	case len(t) <= 3:
		return hasAny(t[len(t)-1], regionTails)
	}
	return false
}

// sameStem compares two forms of a word by their beginnings: enough to see
// «Мособлимущество» and «Мособлимущества» as one name.
func sameStem(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	n := min(len(ra), len(rb))
	if n < 4 {
		return a == b
	}
	stem := max(n-2, 4)
	return len(ra) >= stem && len(rb) >= stem && string(ra[:stem]) == string(rb[:stem])
}

func equalTokens(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// titleOrganisations finds the names of bodies in the registry's title rows
// («… в Министерстве информации и молодежной политики Московской области»):
// each runs from a body word to the region's noun, or eight words at most.
func titleOrganisations(title string) []string {
	words := strings.Fields(foldSpaces(title))
	var out []string
	for i := 0; i < len(words); i++ {
		if !isBodyWord(tokenKey(words[i])) {
			continue
		}
		start := i // «Государственной жилищной инспекции»: the name starts at its capital
		for k := 1; k <= 2 && i-k >= 0; k++ {
			if startsUpper(words[i-k]) {
				start = i - k
			}
		}
		if !startsUpper(words[start]) {
			continue
		}
		end := min(i+8, len(words))
		for j := i + 1; j < end; j++ {
			if hasAny(tokenKey(words[j]), regionTails) {
				end = j + 1
				break
			}
		}
		out = append(out, strings.Join(words[start:end], " "))
		i = end - 1
	}
	return out
}
