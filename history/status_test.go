package history

import (
	"testing"

	"github.com/perechen-oiv/perechen/calendar"
)

func TestStatusRussian(t *testing.T) {
	p := NewPending(calendar.Default(), 10)
	if got := p.Status(msk("2025-05-14 09:00"), 3).Russian("5.5"); got != "Все изменения Перечня опубликованы." {
		t.Errorf("empty: %q", got)
	}
	p.Observe([]Change{chA, chB}, msk("2025-04-29 19:30"))
	for now, want := range map[string]string{
		"2025-05-14 09:00": "2 изменения ждут публикации с 29.04.2025; по п. 5.5 актуальную версию нужно разместить на сайте до 19.05.2025 включительно — осталось 3 рабочих дня.",
		"2025-05-16 09:00": "2 изменения ждут публикации с 29.04.2025; по п. 5.5 актуальную версию нужно разместить на сайте до 19.05.2025 включительно — остался 1 рабочий день.",
		"2025-05-19 09:00": "2 изменения ждут публикации с 29.04.2025; по п. 5.5 актуальную версию нужно разместить на сайте сегодня, 19.05.2025, — это последний день.",
		"2025-05-24 09:00": "2 изменения ждут публикации с 29.04.2025; срок размещения на сайте по п. 5.5 истёк 19.05.2025 (просрочено на 4 рабочих дня).",
	} {
		if got := p.Status(msk(now), 3).Russian("5.5"); got != want {
			t.Errorf("%s:\n got %q\nwant %q", now, got, want)
		}
	}
	// Saturday right after a Friday deadline: overdue by no working day yet.
	q := NewPending(calendar.Default(), 1)
	q.Observe([]Change{chA}, msk("2025-05-15 10:00"))
	if got := q.Status(msk("2025-05-17 10:00"), 3).Russian(""); got != "1 изменение ждёт публикации с 15.05.2025; срок размещения на сайте истёк 16.05.2025." {
		t.Errorf("got %q", got)
	}
	for n, want := range map[int]string{0: "дней", 1: "день", 2: "дня", 5: "дней", 11: "дней", 14: "дней", 21: "день", 22: "дня", 111: "дней", 101: "день"} {
		if got := plural(n, "день", "дня", "дней"); got != want {
			t.Errorf("plural(%d) = %s, want %s", n, got, want)
		}
	}
}
