package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// splitCell splits a cell holding several items into them. It works on the
// raw text, line breaks included, because that is where people put their
// structure: one item per line (with or without bullets or «1.»), items
// after ';', a long item wrapped onto the next line (which then starts in
// lower case, or follows a hyphenated word), a list head copied from the
// Порядок («Представление:» followed by «- заявления,», «- документов»)
// and, in printed forms, items run together on one line ("Предоставление
// документов Получение консультации"), cut where a known wording (or, for
// needs, a need-starting word) begins with a capital.
func splitCell(text string, phrases phraseSet, starts map[string]bool) []string {
	var out []string
	for _, it := range cellItems(text, phrases, starts) {
		out = append(out, splitRunOn(it.text(), phrases, starts)...)
	}
	return out
}

// cellItem is one item of a cell: its own text (body) after the list head
// it shares with its siblings, if any.
type cellItem struct {
	head, body string
	// listStart marks the first item under a list head: the head's own
	// words stand there (FuzzSplitCell counts them once per list).
	listStart bool
}

func (it cellItem) text() string {
	if it.head == "" {
		return it.body
	}
	return it.head + " " + it.body
}

// cellLine is one line of a cell after its bullet was taken off.
type cellLine struct {
	text      string
	bullet    bool // it began with a list marker
	semicolon bool // a ';' (not a line break) separates it from the line before
}

// cellLines cuts raw cell text at line breaks and ';' and cleans each line.
func cellLines(text string) []cellLine {
	var out []cellLine
	for i, seg := range strings.Split(text, ";") {
		for j, raw := range splitLineBreaks(seg) {
			line, bullet := trimBullet(Clean(raw))
			if line == "" {
				continue
			}
			out = append(out, cellLine{text: line, bullet: bullet, semicolon: i > 0 && j == 0})
		}
	}
	return out
}

// splitLineBreaks splits at every kind of line break a sheet may deliver
// (\n, \r\n, \r, U+2028, U+2029, U+0085).
func splitLineBreaks(s string) []string {
	if !strings.ContainsAny(s, "\r\u2028\u2029\u0085") {
		return strings.Split(s, "\n")
	}
	return strings.FieldsFunc(s, isLineBreak)
}

func isLineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085'
}

// cellItems turns the lines of a cell into items: wrapped lines are joined,
// and lower-case list items under a head ("…о ходе рассмотрения:" or a
// plain line followed by bulleted items) each become head + item, as the
// Порядок's own lists in п. 2.6.1 and 2.6.4 read.
func cellItems(text string, phrases phraseSet, starts map[string]bool) []cellItem {
	var items []cellItem
	head, headOpen, headUsed := "", false, false
	closeHead := func() {
		if headOpen && !headUsed {
			items = append(items, cellItem{body: head})
		}
		headOpen = false
	}
	lines := cellLines(text)
	for i, l := range lines {
		lower := startsLower(l.text) && !startsItem(l.text, phrases, starts)
		switch {
		case lower && headOpen:
			items = append(items, cellItem{head: head, body: trimListPunct(l.text), listStart: !headUsed})
			headUsed = true
			continue
		case lower && l.bullet && i > 0 && !lines[i-1].bullet && len(items) > 0 && items[len(items)-1].head == "":
			// "Получение информации о ходе рассмотрения" + "- заявления" + "- документов"
			head = trimListPunct(items[len(items)-1].body)
			items = items[:len(items)-1]
			headOpen, headUsed = true, true
			items = append(items, cellItem{head: head, body: trimListPunct(l.text), listStart: true})
			continue
		}
		closeHead()
		switch {
		case strings.HasSuffix(l.text, ":"):
			head, headOpen, headUsed = strings.TrimSpace(strings.TrimSuffix(l.text, ":")), true, false
		case lower && !l.semicolon && !l.bullet && len(items) > 0:
			last := &items[len(items)-1]
			last.body = joinWrapped(last.text(), l.text, phrases)
			if last.head != "" {
				last.body = strings.TrimPrefix(last.body, last.head+" ")
			}
		case strings.Contains(l.text, ": "):
			items = append(items, inlineList(l.text)...)
		default:
			items = append(items, cellItem{body: l.text})
		}
	}
	closeHead()
	for i := range items {
		items[i].body = trimItemEnd(items[i].body)
	}
	return items
}

// trimItemEnd drops what ends a line but not the item: a dash or bullet
// typed before the line break («Получение консультации –»), a ',' or ';'.
func trimItemEnd(s string) string {
	for {
		t := strings.TrimRight(s, " ,;")
		for _, d := range []string{" -", " –", " —", " •"} {
			t = strings.TrimSuffix(t, d)
		}
		if t == s || t == "" {
			return s
		}
		s = t
	}
}

// startsItem: a line in lower case that begins with a need-starting word or
// a known wording of two words or more is a new item typed in lower case,
// not the wrapped end of the line before.
func startsItem(line string, phrases phraseSet, starts map[string]bool) bool {
	keys := tokens(line)
	return len(keys) > 0 && (starts[keys[0]] || longestMatch(keys, 0, phrases) >= 2)
}

// inlineList expands "Представление: заявления, документов" into one item
// per lower-case element; other text with a colon stays one item.
func inlineList(line string) []cellItem {
	head, rest, _ := strings.Cut(line, ": ")
	parts := strings.FieldsFunc(rest, func(r rune) bool { return r == ',' })
	if len(parts) < 2 {
		return []cellItem{{body: line}}
	}
	out := make([]cellItem, 0, len(parts))
	for _, p := range parts {
		p = trimListPunct(strings.TrimSpace(p))
		if p == "" || !startsLower(p) || len(strings.Fields(p)) > 3 {
			return []cellItem{{body: line}}
		}
		out = append(out, cellItem{head: strings.TrimSpace(head), body: p, listStart: len(out) == 0})
	}
	return out
}

// joinWrapped glues a wrapped line to the text before it. A word broken
// with a hyphen at the end of the line ("рассмотре-" / "ния") is joined
// without it, unless the vocabulary knows the hyphenated word ("Чат-" /
// "боты"); a dash standing alone at the line's end is punctuation and
// stays with a space.
func joinWrapped(prev, next string, phrases phraseSet) string {
	if !strings.HasSuffix(prev, "-") || strings.HasSuffix(prev, " -") || !endsInLetterHyphen(prev) {
		return prev + " " + next
	}
	joined := strings.TrimSuffix(prev, "-") + next
	kept := prev + next
	if knownWord(lastWordOf(kept, next), phrases) && !knownWord(lastWordOf(joined, next), phrases) {
		return kept
	}
	return joined
}

func endsInLetterHyphen(s string) bool {
	s = strings.TrimSuffix(s, "-")
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// lastWordOf is the word of joined that spans the join with next.
func lastWordOf(joined, next string) string {
	first := next
	if i := strings.IndexFunc(next, unicode.IsSpace); i >= 0 {
		first = next[:i]
	}
	cut := strings.TrimSuffix(joined, next[len(first):])
	if i := strings.LastIndexFunc(cut, unicode.IsSpace); i >= 0 {
		cut = cut[i+1:]
	}
	return cut
}

// knownWord reports whether any phrase of the vocabulary has this word.
func knownWord(w string, phrases phraseSet) bool {
	key := tokenKey(w)
	for _, list := range phrases {
		for _, ph := range list {
			for _, pw := range ph.words {
				if pw == key {
					return true
				}
			}
		}
	}
	return false
}

// trimListPunct drops the ',', ';' or '.' that ends a list element.
func trimListPunct(s string) string {
	return strings.TrimSpace(strings.TrimRight(s, ",;."))
}

// bulletMarks are the list markers people type before items.
var bulletMarks = []string{"•", "·", "–", "—", "-", "*", "▪", "○", "◦", "►", "✓"}

// trimBullet drops the list marker people type in front of an item — a
// bullet or dash ("• ", "- "), or an enumerator ("1. ", "2) ", "а) ") — and
// says whether there was one.
func trimBullet(s string) (string, bool) {
	for _, b := range bulletMarks {
		if strings.HasPrefix(s, b+" ") {
			return strings.TrimSpace(s[len(b):]), true
		}
	}
	if n := enumeratorLen(s); n > 0 {
		return strings.TrimSpace(s[n:]), true
	}
	return s, false
}

// enumeratorLen is the length of a leading "1. ", "12) " or "а) ", or 0.
func enumeratorLen(s string) int {
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		r, size := utf8.DecodeRuneInString(s)
		if !unicode.IsLower(r) || size == len(s) || s[size] != ')' {
			return 0
		}
		i = size
	} else if i == len(s) || (s[i] != '.' && s[i] != ')') {
		return 0
	}
	if i+1 < len(s) && s[i+1] == ' ' {
		return i + 2
	}
	return 0
}

// splitRunOn cuts one line of run-on text into items.
func splitRunOn(line string, phrases phraseSet, starts map[string]bool) []string {
	words := strings.Fields(line)
	keys := make([]string, len(words))
	for i, w := range words {
		keys[i] = tokenKey(w)
	}
	boundary := func(i int) bool {
		// a bracket opens a parenthesis of the item before («… (Портал)»)
		return startsUpper(words[i]) && !strings.HasPrefix(words[i], "(") && (starts[keys[i]] || longestMatch(keys, i, phrases) > 0)
	}
	var out []string
	start, i := 0, 0
	for i < len(words) {
		if l := longestMatch(keys, i, phrases); l > 0 {
			i += l
		} else {
			i++
		}
		for i < len(words) && !boundary(i) {
			i++
		}
		out = append(out, strings.Join(words[start:i], " "))
		start = i
	}
	return out
}

// longestMatch is the length in words of the longest phrase that matches
// keys from position i, or 0.
func longestMatch(keys []string, i int, phrases phraseSet) int {
	for _, ph := range phrases[keys[i]] { // longest first
		n := len(ph.words)
		if i+n > len(keys) {
			continue
		}
		ok := true
		for j, w := range ph.words {
			if keys[i+j] != w {
				ok = false
				break
			}
		}
		if ok {
			return n
		}
	}
	return 0
}
