package rules

import (
	"strings"
)

// splitCell splits a cell holding several items into them: at ';', at line
// breaks that start a new capitalised line, and inside run-on text where a
// known wording (or, for needs, a need-starting word) begins with a capital,
// as printed forms run needs together ("Предоставление документов Получение
// консультации"). A line starting in lower case continues the previous one.
func splitCell(text string, phrases phraseSet, starts map[string]bool) []string {
	var out []string
	for _, part := range strings.Split(text, ";") {
		for _, line := range joinWrappedLines(part) {
			out = append(out, splitRunOn(line, phrases, starts)...)
		}
	}
	return out
}

// joinWrappedLines splits at line breaks but glues a line that starts in
// lower case to the previous one: a person wrapped it, it is not a new item.
func joinWrappedLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = trimBullet(Clean(line))
		if line == "" {
			continue
		}
		if len(out) > 0 && startsLower(line) {
			out[len(out)-1] += " " + line
			continue
		}
		out = append(out, line)
	}
	return out
}

// trimBullet drops list markers people type in front of items.
func trimBullet(s string) string {
	for _, b := range []string{"•", "·", "–", "—", "-", "*"} {
		if strings.HasPrefix(s, b+" ") {
			return strings.TrimSpace(s[len(b):])
		}
	}
	return s
}

// splitRunOn cuts one line of run-on text into items.
func splitRunOn(line string, phrases phraseSet, starts map[string]bool) []string {
	words := strings.Fields(line)
	keys := make([]string, len(words))
	for i, w := range words {
		keys[i] = tokenKey(w)
	}
	boundary := func(i int) bool {
		return startsUpper(words[i]) && (starts[keys[i]] || longestMatch(keys, i, phrases) > 0)
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
