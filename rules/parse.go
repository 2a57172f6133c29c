package rules

import (
	"fmt"
	"strings"
)

// Parse reads the official form from a grid: title rows, the header found by
// its captions, and the processes below it. It never fails: what it cannot
// place becomes a finding at that cell. Without a header the registry has no
// Header (see HasHeader) and one form-header finding explains why.
func Parse(g Grid, p *Profile) (*Registry, []Diagnostic) {
	ps := &parser{g: &g, p: p, idx: p.idx(), reg: &Registry{Sheet: g.Sheet}}
	ps.covered = coveredCells(&g)
	ps.cleanText, ps.splits, ps.headerRows = map[string]bool{}, map[string][]string{}, map[string]bool{}
	for _, r := range All() {
		if r.CheckCell != nil {
			ps.cellRules = append(ps.cellRules, r)
		}
	}
	ps.run()
	return ps.reg, ps.diags
}

// parser is the state of one walk down the sheet.
type parser struct {
	g       *Grid
	p       *Profile
	idx     *vocabIndex
	reg     *Registry
	diags   []Diagnostic
	cols    [5]int
	covered cellSet
	blank   []int // blank rows seen since the last data row
	proc    *Process
	tp      *Touchpoint
	org     *orgMatcher // the organisation's names, known once the title is read
	// mergeOrigin: cells of graphs 4 and 5 under a vertical merge → its first row
	mergeOrigin map[[2]int]int
	// cellRules are the text rules run on every cell of the table.
	cellRules  []*Rule
	cleanText  map[string]bool     // raw texts the cell rules found nothing in
	splits     map[string][]string // needs cells already split
	headerRows map[string]bool     // row texts already classified as header or not
}

func (ps *parser) ref(row, col int) Ref { return Ref{Sheet: ps.g.Sheet, Row: row, Col: col} }

func (ps *parser) report(r *Rule, at Ref, format string, args ...any) {
	ps.reportFix(r, at, "", format, args...)
}

func (ps *parser) reportFix(r *Rule, at Ref, suggestion, format string, args ...any) {
	ps.emit(r, r.Severity, at, Fix{}, suggestion, format, args...)
}

func (ps *parser) emit(r *Rule, sev Severity, at Ref, fix Fix, suggestion, format string, args ...any) {
	if d, ok := newDiagnostic(ps.p, r, sev, "", at, fmt.Sprintf(format, args...), suggestion); ok {
		d.Fix = fix
		ps.diags = append(ps.diags, d)
	}
}

// value is the cleaned text of a cell, empty for the hidden part of a merge
// and for a dash standing for "nothing" («—»).
func (ps *parser) value(row, col int) string {
	if ps.covered.has(row, col) {
		return ""
	}
	return cellText(ps.g.Value(row, col))
}

// cellText is Clean(s), or "" when s is only dashes: «—», «-», «–––» typed
// in a cell say it is empty, not what it holds.
func cellText(s string) string {
	c := Clean(s)
	if c != "" && strings.Trim(c, "-–—‒― ") == "" {
		return ""
	}
	return c
}

// raw is the text of a cell as the sheet has it, empty for the hidden part
// of a merge.
func (ps *parser) raw(row, col int) string {
	if ps.covered.has(row, col) || cellText(ps.g.Value(row, col)) == "" {
		return ""
	}
	return ps.g.Value(row, col)
}

func (ps *parser) run() {
	h := findHeader(ps.g, ps.idx)
	if h < 0 {
		ps.report(FormHeader, ps.ref(0, 0),
			"Не найдена строка заголовка формы (графы «%s»). Проверьте, что таблица оформлена по форме Порядка и что выбран нужный лист.",
			strings.Join(ps.p.Captions(), "», «"))
		return
	}
	ps.readTitle(h)
	ps.org = newOrgMatcher(ps.p, ps.reg.Title)
	ps.readHeader(h)
	ps.mergeOrigin = mergeOrigins(ps.g, ps.cols)
	// The data starts below the header's block: merges hanging from it and
	// the column-number row, and ends above the signatures under the table
	// (Registry.Body finds the same rows).
	from := headerBlockEnd(ps.g, h, ps.cols) + 1
	for r, end := from, footerStart(ps.g, from, ps.cols); r < end; r++ {
		if ps.isHeaderRow(r) {
			r = headerBlockEnd(ps.g, r, ps.cols)
			continue // the header repeated at a page break
		}
		ps.readRow(r)
	}
	ps.finish()
}

// isHeaderRow is isHeaderRow remembered by the row's text: continuation rows
// repeat the same few texts thousands of times.
func (ps *parser) isHeaderRow(r int) bool {
	if !headerCandidate(ps.g, r) {
		return false
	}
	var key strings.Builder
	for _, c := range ps.g.Cells[r] {
		key.WriteString(c.Value)
		key.WriteByte(0)
	}
	k := key.String()
	if v, ok := ps.headerRows[k]; ok {
		return v
	}
	v := isHeaderRow(ps.g, r, ps.idx)
	ps.headerRows[k] = v
	return v
}

// readTitle joins the non-empty rows above the header: the form's title block.
func (ps *parser) readTitle(h int) {
	var lines []string
	first := true
	for r := 0; r < h; r++ {
		for c := range ps.g.Cells[r] {
			if v := ps.value(r, c); v != "" {
				if first {
					ps.reg.TitleAt, first = ps.ref(r, c), false
				}
				lines = append(lines, v)
			}
		}
	}
	ps.reg.Title = strings.Join(lines, " ")
}

// readHeader maps the form's graphs to sheet columns and checks the captions.
func (ps *parser) readHeader(h int) {
	found, _ := headerColumns(ps.g, h, ps.idx)
	ps.cols = completeColumns(found)
	ps.reg.Columns = ps.cols
	ps.reg.HeaderAt = ps.ref(h, ps.cols[0])
	for i, c := range ps.cols {
		ps.reg.Header = append(ps.reg.Header, ps.value(h, c))
		if i > 0 && c != ps.cols[0]+i {
			ps.report(FormHeader, ps.ref(h, c),
				"Графа %d «%s» стоит не на своём месте: графы формы идут подряд в порядке %s. Расставьте столбцы по форме Порядка.",
				i+1, ps.p.Columns[i].Caption, "«"+strings.Join(ps.p.Captions(), "», «")+"»")
		}
	}
	ps.checkCaptions(h)
	ps.checkCells(h)
}

// checkCells runs the text rules on the raw text of the form's cells in row r.
func (ps *parser) checkCells(r int) {
	for _, c := range ps.cols {
		raw := ps.g.Value(r, c)
		if raw == "" || ps.covered.has(r, c) || ps.cleanText[raw] {
			continue
		}
		before := len(ps.diags)
		for _, rule := range ps.cellRules {
			rule.CheckCell(&Pass{Profile: ps.p, rule: rule, out: &ps.diags}, ps.ref(r, c), raw)
		}
		if len(ps.diags) == before {
			ps.cleanText[raw] = true // registries repeat texts: check each once
		}
	}
}

func (ps *parser) checkCaptions(h int) {
	for i, c := range ps.cols {
		got, want := ps.value(h, c), ps.p.Columns[i].Caption
		if ps.p.Columns[i].accepts(got) {
			continue
		}
		at := ps.ref(h, c)
		if i == colProcess && ps.p.ClientWord != "" && !strings.Contains(Normalize(got), Normalize(ps.p.ClientWord)) {
			ps.emit(HeaderClient, HeaderClient.Severity, at, Fix{New: want}, fmt.Sprintf("Исправьте заголовок на «%s».", want),
				"В заголовке графы 2 «%s» нет слова «%s»: Перечень ведётся по точкам взаимодействия с внутренним клиентом — государственными служащими и работниками органа.",
				got, ps.p.ClientWord)
			continue
		}
		if got == "" {
			ps.emit(FormHeader, FormHeader.Severity, at, Fix{New: want}, fmt.Sprintf("Впишите «%s».", want), "Нет заголовка графы %d.", i+1)
			continue
		}
		ps.emit(FormHeader, FormHeader.Severity, at, Fix{New: want}, fmt.Sprintf("Исправьте на «%s».", want),
			"Заголовок графы %d «%s» отличается от формы Порядка.", i+1, got)
	}
}

// accepts: the caption is the form's own or one the profile accepts.
func (c Column) accepts(caption string) bool {
	if base, _, ok := trailingQualifier(caption); ok && c.accepts(base) {
		return true // «… (наименование процесса)», «… (цель обращения клиента)»: the form's caption explained
	}
	n := Normalize(caption)
	if n == Normalize(c.Caption) {
		return true
	}
	for _, a := range c.Accept {
		if n == Normalize(a) {
			return true
		}
	}
	return false
}

// coveredCells marks the cells hidden under a merge (all but its
// top-left): they read as empty, so a vertically merged № or process
// continues. Only cells of the grid matter; a merge is taken up to 10,000
// rows and 100 columns.
func coveredCells(g *Grid) cellSet {
	width := 0
	for _, row := range g.Cells {
		width = max(width, len(row))
	}
	s := newCellSet(len(g.Cells), width)
	for _, m := range g.Merges {
		for r := max(m.Row0, 0); r <= m.Row1 && r-m.Row0 < 10000 && r < len(g.Cells); r++ {
			for c := max(m.Col0, 0); c <= m.Col1 && c-m.Col0 < 100 && c < width; c++ {
				if r != m.Row0 || c != m.Col0 {
					s.add(r, c)
				}
			}
		}
	}
	return s
}

// cellSet is a set of cells of a rows × width grid, a bit each: a map of
// the 30,000 covered cells of a 10,000-row form was a tenth of the memory
// a render touched.
type cellSet struct {
	width int
	bits  []uint64
}

func newCellSet(rows, width int) cellSet {
	return cellSet{width: width, bits: make([]uint64, (rows*width+63)/64)}
}

func (s cellSet) index(r, c int) (int, bool) {
	i := r*s.width + c
	return i, r >= 0 && c >= 0 && c < s.width && i/64 < len(s.bits)
}

func (s cellSet) add(r, c int) {
	if i, ok := s.index(r, c); ok {
		s.bits[i/64] |= 1 << (i % 64)
	}
}

func (s cellSet) has(r, c int) bool {
	i, ok := s.index(r, c)
	return ok && s.bits[i/64]&(1<<(i%64)) != 0
}

// IsProcessNumber accepts "1", "1." and "1)" (up to five digits), and a
// whole number as a sheet displays a number cell: "1,00", "1.0" (the
// Sheets API and spreadsheets in the ru_RU locale show formatted values).
func IsProcessNumber(s string) bool { return ProcessNumberValue(s) > 0 }

// ProcessNumberValue is the number of a process-number cell, 0 when the
// text is not one.
func ProcessNumberValue(s string) int {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "."), ")")
	if i := strings.IndexAny(s, ",."); i > 0 && strings.Trim(s[i+1:], "0") == "" && len(s)-i <= 3 {
		s = s[:i] // "1,00", "1.0": a whole number with a display format
	}
	if s == "" || len(s) > 5 {
		return 0
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// rowCells is one data row read through the column map: cleaned values,
// and the raw text of the graphs that may hold several items, whose line
// breaks the splitter needs.
type rowCells struct {
	row                        int
	num, proc, tp, needs, kind string
	rawTp, rawNeeds, rawKind   string
}

func (rc rowCells) empty() bool {
	return rc.num == "" && rc.proc == "" && rc.tp == "" && rc.needs == "" && rc.kind == ""
}

func (ps *parser) readRow(r int) {
	rc := rowCells{row: r,
		num: ps.value(r, ps.cols[colNumber]), proc: ps.value(r, ps.cols[colProcess]),
		tp: ps.value(r, ps.cols[colTouchpoint]), needs: ps.value(r, ps.cols[colNeeds]),
		kind: ps.value(r, ps.cols[colKind])}
	rc.rawTp, rc.rawNeeds, rc.rawKind = ps.raw(r, ps.cols[colTouchpoint]), ps.raw(r, ps.cols[colNeeds]), ps.raw(r, ps.cols[colKind])
	outside := ps.outsideCells(r)
	if rc.empty() {
		if len(outside) == 0 {
			ps.blank = append(ps.blank, r)
			return
		}
	}
	ps.flushBlank(rc)
	ps.checkCells(r)
	ps.reportOutside(r, outside)
	if rc.empty() {
		return
	}
	rc = ps.touchpointInProcessGraph(rc)
	if !ps.startProcess(rc) {
		return
	}
	ps.readTouchpoints(rc)
}

// outsideCells lists the non-empty columns of row r outside the form.
func (ps *parser) outsideCells(r int) []int {
	var out []int
	for c := range ps.g.Cells[r] {
		if used(ps.cols, c) || ps.value(r, c) == "" {
			continue
		}
		out = append(out, c)
	}
	return out
}

func (ps *parser) reportOutside(r int, cols []int) {
	for _, c := range cols {
		v := ps.value(r, c)
		fix := "Перенесите текст в нужную графу формы или удалите его."
		if _, ok := ps.idx.kinds[Normalize(v)]; ok {
			fix = fmt.Sprintf("Перенесите «%s» в графу 5 (столбец %s).", v, ColumnName(ps.cols[colKind]))
		}
		ps.reportFix(FormColumns, ps.ref(r, c), fix,
			"Текст «%s» стоит за пределами формы (столбец %s): у формы пять граф, %s–%s.",
			short(v), ColumnName(c), ColumnName(ps.cols[0]), ColumnName(ps.cols[4]))
	}
}

// flushBlank reports blank rows once a data row (next) follows them: blank
// rows at the end of the sheet are not inside the table. The message says
// what the row separates: two processes, or the rows of one.
func (ps *parser) flushBlank(next rowCells) {
	if len(ps.blank) == 0 {
		return
	}
	for _, b := range ps.blank {
		if ps.proc == nil {
			continue // blank rows between the header and the first process
		}
		if ps.opensProcess(next) {
			what := fmt.Sprintf("«%s»", short(next.proc))
			if next.proc == "" {
				what = "№ " + next.num
			}
			ps.reportFix(BlankRow, ps.ref(b, ps.cols[colNumber]), "Удалите пустую строку.",
				"Пустая строка между процессами «%s» и %s: в форме Перечня строки таблицы идут подряд.", short(ps.proc.Name), what)
			continue
		}
		ps.reportFix(BlankRow, ps.ref(b, ps.cols[colNumber]), "Удалите пустую строку.",
			"Пустая строка внутри процесса «%s»: она отрывает следующие строки процесса от его названия, при печати и публикации процесс разрывается.", short(ps.proc.Name))
	}
	ps.blank = ps.blank[:0]
}

// opensProcess: the row starts a process other than the current one.
func (ps *parser) opensProcess(rc rowCells) bool {
	if ps.repeatsProcess(rc) {
		return false
	}
	return rc.num != "" && IsProcessNumber(rc.num) || rc.proc != "" && (ps.proc == nil || Normalize(rc.proc) != Normalize(ps.proc.Name))
}

// startProcess decides whether the row opens a new process, continues the
// current one, or only carries misplaced text (then it returns false).
func (ps *parser) startProcess(rc rowCells) bool {
	rest := rc.tp != "" || rc.needs != "" || rc.kind != ""
	switch {
	case ps.repeatsProcess(rc):
		ps.proc.Repeated++
		return rest // the flat layout: № and name written again on every row
	case rc.num != "" && IsProcessNumber(rc.num):
		ps.newProcess(rc)
	case rc.num != "" && rc.proc == "" && !rest:
		ps.misplaced(rc.row, colNumber, rc.num, true)
		return false
	case rc.num != "" && rc.proc != "":
		ps.newProcess(rc) // a bad number: process-number reports it
	case rc.num != "":
		ps.misplaced(rc.row, colNumber, rc.num, false)
		if ps.proc == nil { // data before any process: required-cell rules report it
			rc.num = ""
			ps.newProcess(rc)
		}
	case rc.proc != "" && !rest:
		ps.misplaced(rc.row, colProcess, rc.proc, true)
		return false
	case rc.proc != "" && (ps.proc == nil || Normalize(rc.proc) != Normalize(ps.proc.Name)):
		ps.newProcess(rc) // a process without a number
	case ps.proc == nil:
		ps.newProcess(rc) // data before any process: required-cell rules report it
	}
	return true
}

// touchpointInProcessGraph: a continuation row (no №, no touchpoint) whose
// graph 2 holds a touchpoint of the Порядок's lists is that touchpoint typed
// one graph too far left, not a new process without a number: reported as
// misplaced and read as the row's touchpoint.
func (ps *parser) touchpointInProcessGraph(rc rowCells) rowCells {
	if ps.proc == nil || rc.num != "" || rc.tp != "" || rc.proc == "" || Normalize(rc.proc) == Normalize(ps.proc.Name) ||
		rc.needs == "" && rc.kind == "" {
		return rc
	}
	if m := ps.idx.touchpoints.resolve(rc.proc, ps.org, false); m.Item == nil || m.How == matchTypo {
		return rc
	}
	at := ps.ref(rc.row, ps.cols[colProcess])
	ps.emit(MisplacedText, MisplacedText.Severity, at, Fix{}, fmt.Sprintf("Перенесите точку в графу 3 «%s» (столбец %s).",
		ps.p.Columns[colTouchpoint].Caption, ColumnName(ps.cols[colTouchpoint])),
		"Точка взаимодействия «%s» стоит в графе 2 «%s», хотя строка продолжает процесс «%s».",
		short(rc.proc), ps.p.Columns[colProcess].Caption, short(ps.proc.Name))
	rc.tp, rc.rawTp, rc.proc = rc.proc, ps.raw(rc.row, ps.cols[colProcess]), ""
	return rc
}

// repeatsProcess: the row repeats the current process's number (and its
// name, or leaves the name empty). Many people fill every row of a process
// that way instead of merging the cells; it continues the process.
func (ps *parser) repeatsProcess(rc rowCells) bool {
	if ps.proc == nil || rc.num == "" || !IsProcessNumber(rc.num) || !IsProcessNumber(ps.proc.Number) {
		return false
	}
	if ProcessNumberValue(rc.num) != ProcessNumberValue(ps.proc.Number) {
		return false
	}
	return rc.proc == "" || Normalize(rc.proc) == Normalize(ps.proc.Name)
}

func (ps *parser) newProcess(rc rowCells) {
	r := rc.row
	ps.reg.Processes = append(ps.reg.Processes, Process{
		Number: rc.num, Name: rc.proc,
		NumberAt: ps.ref(r, ps.cols[colNumber]), NameAt: ps.ref(r, ps.cols[colProcess]),
		At: Span{First: ps.ref(r, ps.cols[colNumber]), Last: ps.ref(r, ps.cols[colKind])},
	})
	ps.proc = &ps.reg.Processes[len(ps.reg.Processes)-1]
	ps.tp = nil
}

// misplaced reports text standing in the № or process graph of a row that
// is otherwise a continuation, and says where it probably belongs.
// alone: nothing else stands in the row, so removing the text leaves a
// blank row to delete.
func (ps *parser) misplaced(r, graph int, v string, alone bool) {
	if isPlaceholder(ps.p, v) {
		return // the template's «...» row: placeholder reports it
	}
	at := ps.ref(r, ps.cols[graph])
	where := "графу, к которой он относится"
	switch {
	case ps.proc != nil && Normalize(v) == Normalize(ps.proc.Name):
		fix, advice := Fix{Old: ps.g.Value(r, ps.cols[graph]), New: ""}, "Удалите повтор."
		if alone {
			fix, advice = Fix{}, "Удалите эту строку: в ней только повтор названия."
		}
		ps.emit(MisplacedText, MisplacedText.Severity, at, fix, advice,
			"Название процесса «%s» повторено в строке продолжения.", short(v))
		return
	case ps.idx.needs.lookup(v).Item != nil || ps.idx.starts[tokenKey(firstWord(v))]:
		where = fmt.Sprintf("графу 4 «%s» (столбец %s)", ps.p.Columns[colNeeds].Caption, ColumnName(ps.cols[colNeeds]))
	case ps.idx.touchpoints.lookup(v).Item != nil:
		where = fmt.Sprintf("графу 3 «%s» (столбец %s)", ps.p.Columns[colTouchpoint].Caption, ColumnName(ps.cols[colTouchpoint]))
	}
	ps.reportFix(MisplacedText, at, fmt.Sprintf("Перенесите текст в %s.", where),
		"Текст «%s» стоит в графе %d «%s», хотя строка продолжает предыдущий процесс.",
		short(v), graph+1, ps.p.Columns[graph].Caption)
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// short trims long cell text for messages.
func short(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		return string(r[:77]) + "…"
	}
	return s
}

func (ps *parser) extend(r int) {
	ps.proc.At.Last = ps.ref(r, ps.cols[colKind])
	if ps.tp != nil {
		ps.tp.At.Last = ps.ref(r, ps.cols[colKind])
	}
}

// finish drops blank rows at the end of the sheet: they are not inside the table.
func (ps *parser) finish() { ps.blank = nil }
