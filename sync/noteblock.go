package sync

import (
	"regexp"
	"strings"
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
// The block is the header line (matched exactly, so a person writing
// "perechen:" in prose is not mistaken for it) followed by the bullet lines
// that have perechen's shape ("• … [rule-id]") and an optional "… и ещё N"
// line. The first line that is neither ends the block: whatever a person
// appends after it (usually after a blank line) is human text and keeps its
// place. One blank line ("\n\n") on each side of the block is the separator
// perechen writes and removes; everything else is kept byte for byte.
//
// Any further block-shaped text in a note (a cell copied together with its
// note) is treated as perechen's too and replaced, so a note never carries
// two blocks.

// MaxBlockRunes caps the block: a Google Sheets note holds about 50,000
// characters and the person's own text needs room too.
const MaxBlockRunes = 30_000

var (
	blockHeaderRe = regexp.MustCompile(`^perechen: \d+ замечани(?:е|я|й) \(проверено \d\d\.\d\d\.\d{4} \d\d:\d\d\)$`)
	blockBulletRe = regexp.MustCompile(`^• .*\[[a-z0-9][a-z0-9.-]*\]$`)
	blockMoreRe   = regexp.MustCompile(`^… и ещё \d+ замечани(?:е|я|й)$`)
	blockStampRe  = regexp.MustCompile(` \(проверено \d\d\.\d\d\.\d{4} \d\d:\d\d\)$`)
)

const (
	blockPrefix = "perechen: "
	separator   = "\n\n"
)

// SplitNote separates a note into the person's text and perechen's block
// ("" when there is none). human is the note as it would read with the block
// (and its separators) cut out.
func SplitNote(note string) (human, block string) {
	human = note
	first := true
	for {
		loc, ok := locateBlock(human)
		if !ok {
			return human, block
		}
		if first {
			block, first = human[loc.blockStart:loc.blockEnd], false
		}
		human = joinAround(human[:loc.start], human[loc.end:])
	}
}

// MergeNote appends block to human text, separated by a blank line. It is the
// inverse of SplitNote for a note whose block stands at the end.
func MergeNote(human, block string) string {
	switch {
	case block == "":
		return human
	case human == "":
		return block
	default:
		return human + separator + block
	}
}

// ReplaceBlock puts block where the note's first block stood (at the end
// when it had none); block "" removes it. The person's text keeps its bytes
// and its place: SplitNote(ReplaceBlock(note, b)) == (SplitNote(note).human, b).
func ReplaceBlock(note, block string) string {
	loc, ok := locateBlock(note)
	human, _ := SplitNote(note)
	if !ok {
		return MergeNote(human, block)
	}
	pre := note[:loc.start]
	post := human[len(pre):]
	if pre != "" && post != "" {
		post = strings.TrimPrefix(post, separator) // the joint joinAround made
	}
	if block == "" {
		return joinAround(pre, post)
	}
	out := block
	if pre != "" {
		out = pre + separator + out
	}
	if post != "" {
		out += separator + post
	}
	return out
}

// joinAround glues the text before and after a removed block.
func joinAround(pre, post string) string {
	if pre == "" || post == "" {
		return pre + post
	}
	return pre + separator + post
}

// blockLoc is where a block sits: [blockStart, blockEnd) is the block itself,
// [start, end) also covers the separators around it.
type blockLoc struct{ start, blockStart, blockEnd, end int }

// locateBlock finds the first block of note.
func locateBlock(note string) (blockLoc, bool) {
	for off := 0; off < len(note); {
		i := strings.Index(note[off:], blockPrefix)
		if i < 0 {
			return blockLoc{}, false
		}
		i += off
		off = i + len(blockPrefix)
		if i > 0 && note[i-1] != '\n' {
			continue // not at the start of a line
		}
		if !blockHeaderRe.MatchString(lineAt(note, i)) {
			continue
		}
		loc := blockLoc{blockStart: i}
		end := i + len(lineAt(note, i))
		for end < len(note) { // note[end] == '\n'
			next := lineAt(note, end+1)
			if !blockBulletRe.MatchString(next) && !blockMoreRe.MatchString(next) {
				break
			}
			end += 1 + len(next)
		}
		loc.blockEnd = end
		loc.start = i
		switch {
		case strings.HasSuffix(note[:i], separator):
			loc.start -= len(separator)
		case i > 0: // note[i-1] == '\n'
			loc.start--
		}
		loc.end = end
		switch {
		case strings.HasPrefix(note[end:], separator):
			loc.end += len(separator)
		case end < len(note):
			loc.end++
		}
		return loc, true
	}
	return blockLoc{}, false
}

// lineAt is the line of s starting at i, without its "\n".
func lineAt(s string, i int) string {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return s[i : i+j]
	}
	return s[i:]
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

// ruleID keeps the id within the bullet pattern whatever a custom rule says.
func ruleID(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	out := strings.TrimLeft(b.String(), "-.")
	if out == "" {
		return "rule"
	}
	return out
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
