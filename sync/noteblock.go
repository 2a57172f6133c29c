package sync

import (
	"regexp"
	"strings"
	gosync "sync"
	"time"
	"unicode/utf8"

	"github.com/perechen-oiv/perechen/rules"
)

// The note format. A cell's note is the text people wrote plus at most one
// block that perechen owns:
//
//	<human text, if any>
//
//	perechen: 2 замечания (проверено 24.11.2026 10:15)
//	• п. 4.2.2 — «Кабинеты клиентов» нет в перечне. Исправьте на «…». [touchpoint-vocabulary]
//	• п. 2.8 — точка «Телефонная связь» уже указана в этом процессе. [duplicate-touchpoint]
//
//	<human text written after the block, if any>
//
// perechen recognises only its own lines. The block is the header line
// (matched exactly, so a person writing "perechen:" in prose is not mistaken
// for it) followed by bullet lines that end in the id of one of perechen's
// rules ("• … [rule-id]", rules.All) and an optional "… и ещё N" line. The
// first line that is neither ends the block: a person's reply after it —
// even one shaped like a bullet, "• Согласен [ivanov]" — is human text and
// keeps its place. One blank line on each side of the block is the
// separator perechen writes and removes; everything else is kept byte for
// byte.
//
// Any further block in a note (a cell copied together with its note) is
// perechen's too and removed, so a note never carries two blocks; so are
// fragments of a block a person cut its header from, but only lines that
// are exactly perechen's bullet ("• п. 4.2.2 — … [rule-id]").
//
// Line ends may be "\n" or "\r\n" (a note as an API or Excel hands it
// back): lines are compared without their "\r", the block SplitNote
// returns has "\n" line ends, and notes equal up to line ends are the same
// note (sameNote), so a note read back with "\r\n" is never rewritten.

// MaxBlockRunes caps the block: a Google Sheets note holds about 50,000
// characters and the person's own text needs room too.
const MaxBlockRunes = 30_000

var (
	blockHeaderRe = regexp.MustCompile(`^perechen: \d+ замечани(?:е|я|й) \(проверено \d\d\.\d\d\.\d{4} \d\d:\d\d\)$`)
	// blockBulletRe is a line of a block; its id must be a rule's (ruleIDs).
	blockBulletRe = regexp.MustCompile(`^• .* \[([a-z0-9][a-z0-9.-]*)\]$`)
	// exactBulletRe is a bullet as bulletLine writes it: the only shape
	// taken for perechen's without a header above it.
	exactBulletRe = regexp.MustCompile(`^• п\. \S(?:.*\S)? — \S.* \[([a-z0-9][a-z0-9.-]*)\]$`)
	blockMoreRe   = regexp.MustCompile(`^… и ещё \d+ замечани(?:е|я|й)$`)
	blockStampRe  = regexp.MustCompile(` \(проверено \d\d\.\d\d\.\d{4} \d\d:\d\d\)$`)
)

const (
	blockPrefix = "perechen: "
	separator   = "\n\n"
	// unknownRuleID stands for a rule perechen does not list (none today),
	// so every bullet it writes ends in an id it recognises.
	unknownRuleID = "rule"
)

// ruleIDs is the set of ids a bullet of perechen's may end with.
var ruleIDs = gosync.OnceValue(func() map[string]bool {
	ids := map[string]bool{unknownRuleID: true}
	for _, r := range rules.All() {
		ids[r.ID] = true
	}
	return ids
})

// SplitNote separates a note into the person's text and perechen's block
// ("" when there is none; with "\n" line ends). human is the note as it
// would read with every part perechen owns (and the separators around it)
// cut out.
func SplitNote(note string) (human, block string) {
	segs := ownedParts(note)
	for _, s := range segs {
		if s.header {
			block = lfLines(note[s.blockStart:s.blockEnd])
			break
		}
	}
	return joinGaps(note, segs, 0, len(segs)), block
}

// MergeNote appends block to human text, separated by a blank line. It is the
// inverse of SplitNote for a note whose block stands at the end.
func MergeNote(human, block string) string { return joinAround(human, block) }

// ReplaceBlock puts block where the note's first block stood (at the end
// when it had none); block "" removes it. Other parts perechen owns are
// removed; the person's text keeps its bytes and its place:
// SplitNote(ReplaceBlock(note, b)) == (SplitNote(note).human, b).
func ReplaceBlock(note, block string) string {
	segs := ownedParts(note)
	for i, s := range segs {
		if s.header {
			pre, post := joinGaps(note, segs, 0, i), joinGaps(note, segs, i+1, len(segs))
			return joinAround(joinAround(pre, block), post)
		}
	}
	return MergeNote(joinGaps(note, segs, 0, len(segs)), block)
}

// mergeBlock is the note a cell should carry: its current note with block
// in place of perechen's. write is false when the note already says that:
// the same findings (whatever their time stamp, line ends or the blank
// lines around the block) and no other part of perechen's to remove.
func mergeBlock(note, block string) (next string, write bool) {
	parts := ownedParts(note)
	if len(parts) == 0 && block == "" {
		return note, false
	}
	if _, old := SplitNote(note); old != "" && block != "" && SameFindings(old, block) {
		if len(parts) == 1 {
			return note, false
		}
		block = old // keep the time stamp; remove the rest
	}
	next = ReplaceBlock(note, block)
	return next, !sameNote(next, note)
}

// sameNote compares notes up to their line ends ("\r\n" or "\n").
func sameNote(a, b string) bool { return a == b || lfLines(a) == lfLines(b) }

// lfLines turns "\r\n" line ends into "\n".
func lfLines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// joinAround glues two pieces of human text (or text and a block) with a
// blank line. After a text ending in a lone "\r" the blank line is written
// "\r\n\r\n", so that "\r" stays the text's and is not read as half of a
// line end.
func joinAround(pre, post string) string {
	switch {
	case pre == "" || post == "":
		return pre + post
	case strings.HasSuffix(pre, "\r"):
		return pre + "\r\n\r\n" + post
	}
	return pre + separator + post
}

// joinGaps joins the human text of gaps first…last of note: gap k is the
// text before the owned part segs[k], gap len(segs) the text after the last.
func joinGaps(note string, segs []ownedPart, first, last int) string {
	out := ""
	for k := first; k <= last; k++ {
		start, end := 0, len(note)
		if k > 0 {
			start = segs[k-1].end
		}
		if k < len(segs) {
			end = segs[k].start
		}
		out = joinAround(out, note[start:end])
	}
	return out
}

// ownedPart is a part of a note perechen owns: a block (header) or an
// orphaned run of its bullets. [blockStart, blockEnd) are its lines, without
// the last line's end; [start, end) also covers the separators around it.
type ownedPart struct {
	start, blockStart, blockEnd, end int
	header                           bool
}

// ownedParts lists the parts of note perechen owns, in order.
func ownedParts(note string) []ownedPart {
	if !strings.Contains(note, blockPrefix) && !strings.Contains(note, "• п. ") {
		return nil // the common case: a person's note, nothing to parse
	}
	var out []ownedPart
	prevEnd := 0
	for i := 0; i < len(note); {
		line, next := lineAt(note, i)
		kind := classifyLine(line)
		if kind != lineHeader && kind != lineExactBullet {
			i = next
			continue
		}
		p := ownedPart{blockStart: i, blockEnd: i + len(line), header: kind == lineHeader}
		for j := next; j < len(note); {
			l, n := lineAt(note, j)
			k := classifyLine(l)
			if k == lineOther || k == lineHeader || (!p.header && k == lineBullet) {
				break
			}
			p.blockEnd, j = j+len(l), n
		}
		p.start = p.blockStart - sepBefore(note[prevEnd:p.blockStart])
		p.end = p.blockEnd + sepAfter(note[p.blockEnd:])
		out = append(out, p)
		prevEnd, i = p.end, p.end
	}
	return out
}

// The kinds of a note's line.
const (
	lineOther       = iota
	lineHeader      // perechen: N замечаний (проверено …)
	lineBullet      // • … [rule-id]
	lineExactBullet // • п. X — … [rule-id], as bulletLine writes it
	lineMore        // … и ещё N замечаний
)

// classifyLine says what a line (without its line end) is.
func classifyLine(line string) int {
	switch {
	case strings.HasPrefix(line, blockPrefix):
		if blockHeaderRe.MatchString(line) {
			return lineHeader
		}
	case strings.HasPrefix(line, "• "):
		if m := blockBulletRe.FindStringSubmatch(line); m != nil && ruleIDs()[m[1]] {
			if exactBulletRe.MatchString(line) {
				return lineExactBullet
			}
			return lineBullet
		}
	case strings.HasPrefix(line, "… "):
		if blockMoreRe.MatchString(line) {
			return lineMore
		}
	}
	return lineOther
}

// lineAt is the line of s starting at i without its line end ("\n", "\r\n",
// or a "\r" ending the note), and where the next line starts.
func lineAt(s string, i int) (line string, next int) {
	j := strings.IndexByte(s[i:], '\n')
	if j < 0 {
		return strings.TrimSuffix(s[i:], "\r"), len(s)
	}
	return strings.TrimSuffix(s[i:i+j], "\r"), i + j + 1
}

// sepBefore is how much of before (the text up to an owned part, which
// starts a line) is perechen's separator: the line end before the part and
// one blank line before that.
func sepBefore(before string) int {
	n := eolSuffix(before)
	if n == 0 {
		return 0
	}
	return n + eolSuffix(before[:len(before)-n])
}

// sepAfter is how much of after (the text following an owned part's last
// line) is perechen's separator: that line's end and one blank line.
func sepAfter(after string) int {
	if after == "\r" {
		return 1
	}
	n := eolPrefix(after)
	if n == 0 {
		return 0
	}
	return n + eolPrefix(after[n:])
}

func eolSuffix(s string) int {
	switch {
	case strings.HasSuffix(s, "\r\n"):
		return 2
	case strings.HasSuffix(s, "\n"):
		return 1
	}
	return 0
}

func eolPrefix(s string) int {
	switch {
	case strings.HasPrefix(s, "\r\n"):
		return 2
	case strings.HasPrefix(s, "\n"):
		return 1
	}
	return 0
}

// FormatBlock writes the block for one cell's findings (sorted as given),
// checked at now. No findings → "".
func FormatBlock(diags []rules.Diagnostic, now time.Time) string {
	return formatBlock(diags, now, MaxBlockRunes)
}

// formatBlock is FormatBlock with a cap of maxRunes.
func formatBlock(diags []rules.Diagnostic, now time.Time, maxRunes int) string {
	if len(diags) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(blockPrefix + countRussian(len(diags)) + " (проверено " + now.Format("02.01.2006 15:04") + ")")
	size := utf8.RuneCountInString(b.String())
	for i, d := range diags {
		line := "\n" + bulletLine(d)
		n := utf8.RuneCountInString(line)
		rest := len(diags) - i - 1
		// Leave room for the "… и ещё N" line unless this is the last bullet.
		reserve := 0
		if rest > 0 {
			reserve = 40
		}
		if size+n+reserve > maxRunes {
			b.WriteString("\n… и ещё " + countRussian(len(diags)-i))
			break
		}
		b.WriteString(line)
		size += n
	}
	return b.String()
}

// bulletLine is one finding: "• п. 4.2.2 — Сообщение. Исправьте на «…». [rule-id]".
func bulletLine(d rules.Diagnostic) string {
	var b strings.Builder
	b.WriteString("• ")
	if p := oneLine(d.Paragraph); p != "" {
		b.WriteString("п. " + p + " — ")
	}
	b.WriteString(oneLine(d.Message))
	if s := oneLine(d.Suggestion); s != "" {
		b.WriteString(" " + s)
	}
	id := ruleID(d.Rule)
	b.WriteString(" [" + id + "]")
	return truncateRunes(b.String(), 2000, " ["+id+"]")
}

// oneLine keeps a message on its bullet line: line breaks become spaces.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", " ")), " ")
	return strings.TrimSpace(s)
}

// ruleID is the id a bullet ends with: the rule's, or unknownRuleID for a
// rule perechen does not list, so every bullet it writes is recognised.
func ruleID(id string) string {
	if ruleIDs()[id] {
		return id
	}
	return unknownRuleID
}

// truncateRunes shortens s to at most max runes, keeping tail at the end.
func truncateRunes(s string, max int, tail string) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	head := []rune(strings.TrimSuffix(s, tail))
	keep := max - utf8.RuneCountInString(tail) - 1
	return string(head[:keep]) + "…" + tail
}

// countRussian is "1 замечание", "3 замечания", "5 замечаний".
func countRussian(n int) string {
	return rules.CountRu(n, "замечание", "замечания", "замечаний")
}

// SameFindings reports whether two blocks list the same findings: they may
// differ only in the check time, so an unchanged cell is never rewritten.
func SameFindings(a, b string) bool { return blockKey(a) == blockKey(b) }

// blockKey is the block without the time stamp of its header line.
func blockKey(block string) string {
	head, rest, _ := strings.Cut(block, "\n")
	return blockStampRe.ReplaceAllString(head, "") + "\n" + rest
}
