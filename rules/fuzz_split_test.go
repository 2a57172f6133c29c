package rules

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// FuzzSplitCell checks the cell splitter on arbitrary text: it never panics,
// every part is clean one-line text without separators, and nothing is
// lost — the letters and digits of the items (each list head counted once)
// are those of the input, without the separators (';', line breaks, list
// bullets and enumerators) and
// invisible characters; and cutting run-on text keeps every word.
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
		"Получение информации, в том числе о ходе рассмотрения:\n- заявления,\n- документов",
		"Представление: заявления, обращения, документов",
		"Получение информации, в том числе о ходе рассмотре-\nния запроса\n1. Получение консультации\n2) Чат-\nботы",
	} {
		f.Add(s)
	}
	p := mustProfile(f, "oiv")
	idx := p.idx()
	f.Fuzz(func(t *testing.T, text string) {
		want := letters(splitReferenceWords(text))
		for _, tc := range []struct {
			name    string
			phrases phraseSet
			starts  map[string]bool
		}{
			{"needs", idx.needs.phrases, idx.starts},
			{"touchpoints", idx.touchpoints.phrases, nil},
			{"kinds", idx.kindPhrases, nil},
		} {
			items := cellItems(text, tc.phrases, tc.starts)
			var kept []string
			for _, it := range items {
				if it.listStart {
					kept = append(kept, strings.Fields(it.head)...)
				}
				kept = append(kept, strings.Fields(it.body)...)
				parts := splitRunOn(it.text(), tc.phrases, tc.starts)
				if got := strings.Join(parts, " "); got != strings.Join(strings.Fields(it.text()), " ") {
					t.Fatalf("%s: run-on split of %q lost words: %q", tc.name, it.text(), parts)
				}
				for _, part := range parts {
					if part == "" || strings.ContainsAny(part, ";\n\r") || Clean(part) != part {
						t.Fatalf("%s: %q split into a bad part %q (all %q)", tc.name, text, part, parts)
					}
				}
			}
			if got := letters(kept); got != want {
				t.Fatalf("%s: %q\nitems %+v\n got %q\nwant %q", tc.name, text, items, got, want)
			}
		}
	})
}

// splitReferenceWords is what the splitter must keep of text: the words of
// each ';'- and line-separated piece, without a leading list bullet or
// enumerator.
func splitReferenceWords(text string) []string {
	var out []string
	for _, seg := range strings.Split(text, ";") {
		for _, line := range splitLineBreaks(seg) {
			words := strings.Fields(Clean(line))
			if len(words) > 1 && (slices.Contains(bulletMarks, words[0]) || enumeratorLen(words[0]+" ") > 0) {
				words = words[1:]
			}
			out = append(out, words...)
		}
	}
	return out
}

// letters joins the letters and digits of words.
func letters(words []string) string {
	var b strings.Builder
	for _, w := range words {
		var lw strings.Builder
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				lw.WriteRune(r)
			}
		}
		b.WriteString(lw.String())
	}
	return b.String()
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
		if got := strings.Join(parts, " "); letters(strings.Fields(got)) != letters(splitReferenceWords(in)) {
			t.Errorf("%.60q: lost text, got %.60q", in, got)
		}
	}
}
