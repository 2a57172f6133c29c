package rules

import (
	"fmt"
	"strings"
)

// readTouchpoints places the touchpoint, needs and kind cells of a row: a
// touchpoint cell opens one touchpoint (or several, when a printed form ran
// them together), an empty one continues the current touchpoint.
func (ps *parser) readTouchpoints(rc rowCells) {
	r := rc.row
	ps.extend(r)
	needs := ps.splitNeeds(rc.rawNeeds)
	if rc.tp == "" {
		if ps.tp == nil && (rc.needs != "" || rc.kind != "") {
			ps.newTouchpoint(r, "", rc.kind) // touchpoint-required reports the empty cell
			ps.addNeeds(r, needs)
			return
		}
		if ps.tp != nil {
			ps.continueKind(r, rc.kind)
			ps.addNeeds(r, needs)
		}
		return
	}
	if ps.tp != nil && ps.tp.Name != "" && Normalize(rc.tp) == Normalize(ps.tp.Name) {
		// the flat layout: the touchpoint written again on each of its rows
		ps.continueKind(r, rc.kind)
		ps.addNeeds(r, needs)
		return
	}
	if rc.needs == "" || rc.kind == "" {
		rc = ps.mergedOver(rc)
		needs = ps.splitNeeds(rc.rawNeeds)
	}
	names := ps.splitListed(ps.joinOrganisation(splitCell(rc.rawTp, ps.idx.touchpoints.phrases, nil)))
	kinds := splitCell(rc.rawKind, ps.idx.kindPhrases, nil)
	if len(names) <= 1 {
		ps.newTouchpoint(r, rc.tp, rc.kind)
		ps.addNeeds(r, needs)
		return
	}
	ps.reportFix(OneTouchpointPerRow, ps.ref(r, ps.cols[colTouchpoint]),
		"Разнесите точки по отдельным строкам: одна точка взаимодействия — одна строка со своими потребностями и видом.",
		"В одной ячейке записаны %d точки взаимодействия: %s.", len(names), quoteList(names))
	groups := ps.lineNeeds(rc.rawNeeds, len(names))
	if groups == nil {
		groups = groupNeeds(needs, len(names))
	}
	for i, name := range names {
		kind := ""
		switch {
		case len(kinds) == len(names):
			kind = kinds[i]
		case len(kinds) == 1:
			kind = kinds[0]
		}
		ps.newTouchpoint(r, name, kind)
		if i < len(groups) {
			ps.addNeeds(r, groups[i])
		} else if len(needs) > 0 {
			ps.tp.SharedNeeds = true // the cell's needs could not be told apart
		}
	}
}

// lineNeeds shares a needs cell among n touchpoints written one per line
// when it has exactly n lines too: line i holds the needs of touchpoint i.
// nil when the lines do not match up.
func (ps *parser) lineNeeds(raw string, n int) [][]string {
	var lines []string
	for _, l := range splitLineBreaks(raw) {
		if Clean(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) != n {
		return nil
	}
	groups := make([][]string, n)
	for i, l := range lines {
		groups[i] = ps.splitNeeds(l)
	}
	return groups
}

func (ps *parser) newTouchpoint(r int, name, kind string) {
	span := Span{First: ps.ref(r, ps.cols[colTouchpoint]), Last: ps.ref(r, ps.cols[colKind])}
	ps.proc.Touchpoints = append(ps.proc.Touchpoints, Touchpoint{
		Name: name, Kind: kind,
		NameAt: ps.ref(r, ps.cols[colTouchpoint]), KindAt: ps.ref(r, ps.cols[colKind]), At: span,
	})
	ps.tp = &ps.proc.Touchpoints[len(ps.proc.Touchpoints)-1]
}

func (ps *parser) addNeeds(r int, needs []string) {
	for _, n := range needs {
		ps.tp.Needs = append(ps.tp.Needs, Need{Text: n, At: ps.ref(r, ps.cols[colNeeds])})
	}
}

// continueKind handles a kind cell on a row that opens no touchpoint: it
// fills a kind still missing, repeats the same kind harmlessly, or is
// misplaced when it contradicts the touchpoint's own.
func (ps *parser) continueKind(r int, kind string) {
	switch {
	case kind == "":
	case ps.tp.Kind == "":
		ps.tp.Kind, ps.tp.KindAt = kind, ps.ref(r, ps.cols[colKind])
	case Normalize(kind) != Normalize(ps.tp.Kind):
		ps.reportFix(MisplacedText, ps.ref(r, ps.cols[colKind]),
			"Укажите вид один раз, в строке самой точки, или начните в этой строке новую точку.",
			"Вид «%s» стоит в строке без точки взаимодействия, а у точки «%s» уже указан вид «%s».",
			short(kind), short(ps.tp.Name), short(ps.tp.Kind))
	}
}

func (ps *parser) splitNeeds(text string) []string {
	if Clean(text) == "" {
		return nil
	}
	if parts, ok := ps.splits[text]; ok {
		return parts
	}
	parts := splitCell(text, ps.idx.needs.phrases, ps.idx.starts)
	ps.splits[text] = parts
	return parts
}

// groupNeeds shares the needs of a cell that holds n touchpoints among them.
// Printed forms list each touchpoint's needs in turn, so a need repeating
// one already in the current group starts the next touchpoint's group.
func groupNeeds(needs []string, n int) [][]string {
	var groups [][]string
	seen := map[string]bool{}
	for _, need := range needs {
		key := Normalize(need)
		if len(groups) == 0 || (seen[key] && len(groups) < n) {
			groups = append(groups, nil)
			seen = map[string]bool{}
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], need)
		seen[key] = true
	}
	return groups
}

func quoteList(items []string) string {
	s := ""
	for i, it := range items {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("«%s»", short(it))
	}
	return s
}

// joinOrganisation glues a line that only names the organisation to the
// touchpoint before it: «Электронная почта» / «Министерства» wrapped over
// two lines of a cell is one touchpoint, п. 4.1.9.
func (ps *parser) joinOrganisation(names []string) []string {
	if len(names) < 2 {
		return names
	}
	out := names[:1:1]
	for _, n := range names[1:] {
		last := out[len(out)-1]
		joined := last + " " + n
		if ps.idx.touchpoints.resolve(n, ps.org, false).Item == nil && ps.org.mention(tokens(n)) {
			if m := ps.idx.touchpoints.resolve(joined, ps.org, false); m.Item != nil && m.How != matchTypo {
				out[len(out)-1] = joined
				continue
			}
		}
		out = append(out, n)
	}
	return out
}

// splitListed cuts a name at ',' or '/' when every piece is a touchpoint of
// the lists: «СЭД, электронная почта Комитета», «Телефонная связь / личное
// взаимодействие» are two touchpoints, however the second is capitalised.
func (ps *parser) splitListed(names []string) []string {
	var out []string
	for _, n := range names {
		pieces := strings.FieldsFunc(n, func(r rune) bool { return r == ',' || r == '/' })
		if len(pieces) < 2 || !ps.allTouchpoints(pieces) {
			out = append(out, n)
			continue
		}
		for _, p := range pieces {
			out = append(out, strings.TrimSpace(p))
		}
	}
	return out
}

func (ps *parser) allTouchpoints(pieces []string) bool {
	for _, p := range pieces {
		switch ps.idx.touchpoints.resolve(p, ps.org, false).How {
		case matchCanonical, matchAccepted, matchSynonym:
		default:
			return false
		}
	}
	return true
}

// mergedOver gives a new touchpoint the needs or kind of a cell merged down
// over its row from a row above: a kind (or a list of needs) merged over
// several touchpoints stands beside each of them, as the sheet and the
// published form show it.
func (ps *parser) mergedOver(rc rowCells) rowCells {
	if rc.needs == "" {
		if o, ok := ps.mergeOrigin[[2]int{rc.row, ps.cols[colNeeds]}]; ok {
			rc.rawNeeds = ps.g.Value(o, ps.cols[colNeeds])
			rc.needs = Clean(rc.rawNeeds)
		}
	}
	if rc.kind == "" {
		if o, ok := ps.mergeOrigin[[2]int{rc.row, ps.cols[colKind]}]; ok {
			rc.rawKind = ps.g.Value(o, ps.cols[colKind])
			rc.kind = Clean(rc.rawKind)
		}
	}
	return rc
}

// mergeOrigins maps each cell of graphs 4 and 5 hidden under a vertical
// merge to the merge's first row.
func mergeOrigins(g *Grid, cols [5]int) map[[2]int]int {
	out := map[[2]int]int{}
	for _, m := range g.Merges {
		for _, c := range []int{cols[colNeeds], cols[colKind]} {
			if m.Col0 != c || m.Col1 != c || m.Row0 < 0 {
				continue
			}
			for r := m.Row0 + 1; r <= m.Row1 && r-m.Row0 < 10000 && r < len(g.Cells); r++ {
				out[[2]int{r, c}] = m.Row0
			}
		}
	}
	return out
}
