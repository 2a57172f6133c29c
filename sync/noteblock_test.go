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
	huge := FormatBlock([]rules.Diagnostic{{Rule: "x", Message: strings.Repeat("я", 100_000)}}, checkedAt)
	if utf8.RuneCountInString(huge) > MaxBlockRunes || !strings.HasSuffix(huge, "… [x]") {
		t.Fatalf("huge message not truncated: %d runes", utf8.RuneCountInString(huge))
	}
}

func TestSplitNote(t *testing.T) {
	b := FormatBlock(sampleDiags(), checkedAt)
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
	for _, s := range []string{"", "заметка", b, "x\n\n" + b, b + "\n\ny", "x\n" + b + "\ny", "\n\n\n" + b + "\n\n\n",
		b + "\n\n" + b, "perechen: 1 замечание (проверено 01.01.2026 10:00)\n• [a]\n\n", "\r\n" + b + "\r\n"} {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, note string, n int) {
		human, block := SplitNote(note)
		if h2, b2 := SplitNote(human); h2 != human || b2 != "" {
			t.Fatalf("human text %q still holds a block %q", human, b2)
		}
		if block == "" && human != note {
			t.Fatalf("a note without a block must be all human: %q -> %q", note, human)
		}
		var ds []rules.Diagnostic
		for i := 0; i < n%4; i++ {
			ds = append(ds, rules.Diagnostic{Rule: "r" + note[:min(len(note), i)], Paragraph: note[:min(len(note), 3)], Message: note})
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
		}
	})
}
