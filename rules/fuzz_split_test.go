package rules

import (
	"slices"
	"strings"
	"testing"
)

// FuzzSplitCell checks the cell splitter on arbitrary text: it never panics,
// every part is clean one-line text without separators, and the parts hold
// every word of the input in order — only the separators (';', line breaks,
// list bullets) and invisible characters are dropped, nothing else.
func FuzzSplitCell(f *testing.F) {
	for _, s := range []string{
		"",
		"Предоставление документов Получение информации, в том числе о ходе рассмотрения запроса Получение консультации",
		"Получение информации, в том числе о ходе\nрассмотрения запроса",
		"Получение консультации; Получение форм документов",
		"• Получение консультации\n• Получение форм документов",
		"Электронная почта ОИВ Телефонная связь",
		"СЭД Система учёта заявок;;\n\n;",
		"- \n* x\n— Получение\u200bконсультации\u00a0\u202eСЭД",
		"\xff\xfe;\r\nПолучение\x85справки",
	} {
		f.Add(s)
	}
	p := mustProfile(f, "oiv")
	idx := p.idx()
	f.Fuzz(func(t *testing.T, text string) {
		want := splitReferenceWords(text)
		for _, tc := range []struct {
			name    string
			phrases phraseSet
			starts  map[string]bool
		}{
			{"needs", idx.needs.phrases, idx.starts},
			{"touchpoints", idx.touchpoints.phrases, nil},
			{"kinds", idx.kindPhrases, nil},
		} {
			parts := splitCell(text, tc.phrases, tc.starts)
			var got []string
			for _, part := range parts {
				if part == "" || strings.ContainsAny(part, ";\n") || Clean(part) != part {
					t.Fatalf("%s: %q split into a bad part %q (all %q)", tc.name, text, part, parts)
				}
				got = append(got, strings.Fields(part)...)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %q\nparts %q\nwords %q\n want %q", tc.name, text, parts, got, want)
			}
		}
	})
}

// splitReferenceWords is what the splitter must keep of text: the words of
// each ';'- and line-separated piece, without a leading list bullet.
func splitReferenceWords(text string) []string {
	var out []string
	for _, seg := range strings.Split(text, ";") {
		for _, line := range strings.Split(seg, "\n") {
			words := strings.Fields(Clean(line))
			if len(words) > 1 && slices.Contains([]string{"•", "·", "–", "—", "-", "*"}, words[0]) {
				words = words[1:]
			}
			out = append(out, words...)
		}
	}
	return out
}

// TestSplitCellKeepsHostileText: payloads people paste into cells survive the
// split word for word (they are reported, never silently dropped).
func TestSplitCellKeepsHostileText(t *testing.T) {
	idx := mustProfile(t, "oiv").idx()
	for _, in := range []string{
		`<script>alert(1)</script> Получение консультации`,
		`=HYPERLINK("http://x","y")`,
		"Получение\u202eиицатьлусноК",
		strings.Repeat("Получение консультации ", 2500),
	} {
		parts := splitCell(in, idx.needs.phrases, idx.starts)
		if got := strings.Join(parts, " "); strings.Join(strings.Fields(got), " ") != strings.Join(splitReferenceWords(in), " ") {
			t.Errorf("%.60q: lost text, got %.60q", in, got)
		}
	}
}
