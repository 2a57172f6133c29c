package sync

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/perechen-oiv/perechen/rules"
)

var checkedAt = time.Date(2026, 11, 24, 10, 15, 0, 0, time.UTC)

func sampleDiags() []rules.Diagnostic {
	return []rules.Diagnostic{
		{Rule: "touchpoint-vocabulary", Paragraph: "4.2.2", Message: "«Кабинеты клиентов» нет в перечне офлайн-точек.", Suggestion: "Исправьте на «Кабинеты внутренних клиентов»."},
		{Rule: "duplicate-touchpoint", Paragraph: "2.8", Message: "Точка «Телефонная связь» уже указана\nв этом процессе (строка 44)."},
	}
}

func TestFormatBlock(t *testing.T) {
	got := FormatBlock(sampleDiags(), checkedAt)
	want := "perechen: 2 замечания (проверено 24.11.2026 10:15)\n" +
		"• п. 4.2.2 — «Кабинеты клиентов» нет в перечне офлайн-точек. Исправьте на «Кабинеты внутренних клиентов». [touchpoint-vocabulary]\n" +
		"• п. 2.8 — Точка «Телефонная связь» уже указана в этом процессе (строка 44). [duplicate-touchpoint]"
	if got != want {
		t.Fatalf("block:\n%s\nwant:\n%s", got, want)
	}
	if FormatBlock(nil, checkedAt) != "" {
		t.Fatal("no findings must give no block")
	}
}

func TestCountRussian(t *testing.T) {
	for n, want := range map[int]string{1: "1 замечание", 2: "2 замечания", 4: "4 замечания", 5: "5 замечаний",
		11: "11 замечаний", 12: "12 замечаний", 21: "21 замечание", 22: "22 замечания", 111: "111 замечаний", 101: "101 замечание"} {
		if got := countRussian(n); got != want {
			t.Errorf("countRussian(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFormatBlockCapped(t *testing.T) {
	var ds []rules.Diagnostic
	for i := 0; i < 2000; i++ {
		ds = append(ds, rules.Diagnostic{Rule: "need-vocabulary", Paragraph: "4.3", Message: strings.Repeat("Длинное сообщение. ", 3)})
	}
	b := FormatBlock(ds, checkedAt)
	if n := utf8.RuneCountInString(b); n > MaxBlockRunes {
		t.Fatalf("block has %d runes, cap is %d", n, MaxBlockRunes)
	}
	if !strings.HasPrefix(b, "perechen: 2000 замечаний") || !strings.Contains(b, "\n… и ещё ") {
		t.Fatalf("capped block must count all findings and say how many are left out:\n%s", b[len(b)-200:])
	}
	human, block := SplitNote("мой текст\n\n" + b)
	if human != "мой текст" || block != b {
		t.Fatalf("capped block does not parse back: human %q", human)
	}
	// One enormous message is cut, not dropped.
	huge := FormatBlock([]rules.Diagnostic{{Rule: "spacing", Message: strings.Repeat("я", 100_000)}}, checkedAt)
	if utf8.RuneCountInString(huge) > MaxBlockRunes || !strings.HasSuffix(huge, "… [spacing]") {
		t.Fatalf("huge message not truncated: %d runes", utf8.RuneCountInString(huge))
	}
}

func TestSplitNote(t *testing.T) {
	b := FormatBlock(sampleDiags(), checkedAt)
	_, orphan, _ := strings.Cut(b, "\n") // the bullets of a block whose header a person cut
	cases := []struct{ name, note, human, block string }{
		{"empty", "", "", ""},
		{"human only", "Проверить у Петрова\n", "Проверить у Петрова\n", ""},
		{"block only", b, "", b},
		{"human before", "Уточнить\n\n" + b, "Уточнить", b},
		{"human before, one newline", "Уточнить\n" + b, "Уточнить", b},
		{"human after", b + "\n\nОтвет: исправим", "Ответ: исправим", b},
		{"both sides", "до\n\n" + b + "\n\nпосле", "до\n\nпосле", b},
		{"prose mention", "perechen: это программа", "perechen: это программа", ""},
		{"header mid-line", "см. perechen: 1 замечание (проверено 01.01.2026 10:00)", "см. perechen: 1 замечание (проверено 01.01.2026 10:00)", ""},
		{"human bullet after", b + "\n• моя заметка", "• моя заметка", b},
		{"reply shaped like a bullet", b + "\n• Согласен, поправлю к пятнице [ivanov]", "• Согласен, поправлю к пятнице [ivanov]", b},
		{"reply with a rule id but not perechen's shape", b + "\n\n• Согласен [spacing]", "• Согласен [spacing]", b},
		{"reply after a blank line", b + "\n\nОтвет: согласовано\n• пункт 1 [важно]", "Ответ: согласовано\n• пункт 1 [важно]", b},
		{"CRLF", "до\r\n\r\n" + crlf(b) + "\r\n\r\nпосле\r\nещё", "до\n\nпосле\r\nещё", b},
		{"CRLF, block only", crlf(b), "", b},
		{"orphaned bullets", "Ответ\n\n" + orphan, "Ответ", ""},
		{"orphaned bullets mid-note", "до\n" + orphan + "\nпосле", "до\n\nпосле", ""},
		{"orphan next to a block", orphan + "\n\n" + b, "", b},
		{"bullet without a header, not exact", "• п. 2.8 — ответ [ivanov]", "• п. 2.8 — ответ [ivanov]", ""},
		{"bullet without a header, no paragraph", "• Точка указана дважды. [duplicate-touchpoint]", "• Точка указана дважды. [duplicate-touchpoint]", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, blk := SplitNote(c.note)
			if h != c.human || blk != c.block {
				t.Fatalf("SplitNote(%q) = (%q, %q), want (%q, %q)", c.note, h, blk, c.human, c.block)
			}
		})
	}
}

// crlf gives text "\r\n" line ends, as an API may hand a note back.
func crlf(s string) string { return strings.ReplaceAll(lfLines(s), "\n", "\r\n") }

func TestReplaceBlockKeepsPlace(t *testing.T) {
	old := FormatBlock(sampleDiags()[:1], checkedAt)
	next := FormatBlock(sampleDiags(), checkedAt.Add(time.Hour))
	note := "до\n\n" + old + "\n\nпосле"
	got := ReplaceBlock(note, next)
	if got != "до\n\n"+next+"\n\nпосле" {
		t.Fatalf("ReplaceBlock = %q", got)
	}
	if got := ReplaceBlock(note, ""); got != "до\n\nпосле" {
		t.Fatalf("removing the block = %q", got)
	}
	if got := ReplaceBlock(old, ""); got != "" {
		t.Fatalf("a note that was only the block must vanish, got %q", got)
	}
	if got := ReplaceBlock("заметка", next); got != "заметка\n\n"+next {
		t.Fatalf("adding a block = %q", got)
	}
	// A copied cell may carry two blocks; both are perechen's.
	two := old + "\n\nтекст\n\n" + old
	if got := ReplaceBlock(two, next); got != next+"\n\nтекст" {
		t.Fatalf("two blocks = %q", got)
	}
	// Bullets a person cut from their header go; a reply stays.
	_, orphan, _ := strings.Cut(next, "\n")
	if got := ReplaceBlock("ответ\n\n"+orphan, old); got != "ответ\n\n"+old {
		t.Fatalf("orphaned bullets = %q", got)
	}
	// A note handed back with "\r\n": the person's bytes stay, the block is replaced.
	if got := ReplaceBlock("до\r\n\r\n"+crlf(old)+"\r\n\r\nпосле", next); got != "до\n\n"+next+"\n\nпосле" {
		t.Fatalf("CRLF note = %q", got)
	}
}

// TestMergeBlockRoundTrip: a note Google hands back with "\r\n" line ends or
// trimmed is recognised as the one perechen wrote: nothing to write, and no
// second block when the findings change.
func TestMergeBlockRoundTrip(t *testing.T) {
	block := FormatBlock(sampleDiags(), checkedAt)
	later := FormatBlock(sampleDiags(), checkedAt.Add(time.Hour))
	changed := FormatBlock(sampleDiags()[:1], checkedAt.Add(time.Hour))
	for _, written := range []string{block, "заметка\n\n" + block, block + "\n\nответ\n", "\nзаметка\n\n" + block} {
		for name, read := range map[string]string{"as written": written, "CRLF": crlf(written), "trimmed": strings.TrimSpace(written),
			"CRLF and trimmed": strings.TrimSpace(crlf(written))} {
			if next, write := mergeBlock(read, later); write {
				t.Errorf("%s %q: same findings rewritten as %q", name, read, next)
			}
			next, write := mergeBlock(read, changed)
			human, _ := SplitNote(read)
			if h, b := SplitNote(next); !write || strings.Count(next, "perechen: ") != 1 || b != changed || h != human {
				t.Errorf("%s %q: changed findings give %q (write %v)", name, read, next, write)
			}
		}
	}
}

func TestSameFindingsIgnoresTime(t *testing.T) {
	a := FormatBlock(sampleDiags(), checkedAt)
	b := FormatBlock(sampleDiags(), checkedAt.Add(48*time.Hour))
	c := FormatBlock(sampleDiags()[:1], checkedAt)
	if a == b || !SameFindings(a, b) {
		t.Fatal("blocks differing only in time must be the same findings")
	}
	if SameFindings(a, c) {
		t.Fatal("different findings compared equal")
	}
}

func FuzzNoteBlock(f *testing.F) {
	b := FormatBlock(sampleDiags(), checkedAt)
	_, orphan, _ := strings.Cut(b, "\n")
	for _, s := range []string{"", "заметка", b, "x\n\n" + b, b + "\n\ny", "x\n" + b + "\ny", "\n\n\n" + b + "\n\n\n",
		b + "\n\n" + b, "perechen: 1 замечание (проверено 01.01.2026 10:00)\n• [a]\n\n", "\r\n" + b + "\r\n",
		crlf("x\n\n" + b + "\n\ny"), b + "\n• Согласен [ivanov]", "ответ\n" + orphan + "\n\n" + b, orphan + "\r", b + "\r"} {
		f.Add(s, 1)
	}
	ids := []string{"spacing", "kind-label", "no-such-rule"}
	f.Fuzz(func(t *testing.T, note string, n int) {
		human, block := SplitNote(note)
		if h2, b2 := SplitNote(human); h2 != human || b2 != "" {
			t.Fatalf("human text %q still holds a block %q", human, b2)
		}
		if len(ownedParts(note)) == 0 && (human != note || block != "") {
			t.Fatalf("a note perechen owns nothing of must be all human: %q -> %q", note, human)
		}
		if !subsequence(nonBlankLines(human), nonBlankLines(note)) {
			t.Fatalf("human text %q is not made of the note's lines %q", human, note)
		}
		// The same note with "\r\n" line ends holds the same block and text
		// (a note with "\r" of its own has no one "\n" form to compare with).
		if !strings.Contains(note, "\r") {
			if h, blk := SplitNote(crlf(note)); blk != block || lfLines(h) != human {
				t.Fatalf("CRLF note %q splits to (%q, %q), want (%q, %q)", crlf(note), h, blk, human, block)
			}
		}
		var ds []rules.Diagnostic
		for i := 0; i < n%4; i++ {
			ds = append(ds, rules.Diagnostic{Rule: ids[i%len(ids)], Paragraph: note[:min(len(note), 3)], Message: note})
		}
		nb := FormatBlock(ds, checkedAt)
		for _, next := range []string{ReplaceBlock(note, nb), MergeNote(human, nb)} {
			h, blk := SplitNote(next)
			if h != human || blk != nb {
				t.Fatalf("note %q with block %q: split gives (%q, %q), want human %q", note, nb, h, blk, human)
			}
			if again := ReplaceBlock(next, nb); again != next {
				t.Fatalf("replacing a block with itself changed the note: %q -> %q", next, again)
			}
			if _, write := mergeBlock(crlf(next), nb); write {
				t.Fatalf("the note read back with CRLF would be rewritten: %q", next)
			}
		}
	})
}

// nonBlankLines lists the lines of s with content, without line ends.
func nonBlankLines(s string) []string {
	var out []string
	for _, l := range strings.Split(lfLines(s), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// subsequence reports whether a's items appear in b in order.
func subsequence(a, b []string) bool {
	for _, x := range b {
		if len(a) > 0 && a[0] == x {
			a = a[1:]
		}
	}
	return len(a) == 0
}
