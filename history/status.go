package history

import (
	"fmt"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// Russian describes the status for the status page and staff, citing the
// publication clause (the profile's Publication.Deadline, e.g. "5.5"):
// "2 изменения ждут публикации с 29.04.2025; по п. 5.5 актуальную версию
// нужно разместить на сайте до 19.05.2025 включительно — осталось 3 рабочих дня."
func (s Status) Russian(clause string) string {
	if s.Pending == 0 {
		return "Все изменения Перечня опубликованы."
	}
	by, lead := "", "" // " по п. 5.5", "по п. 5.5 "
	if clause != "" {
		by, lead = " по п. "+clause, "по п. "+clause+" "
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s публикации с %s; ", s.Pending, plural(s.Pending, "изменение ждёт", "изменения ждут", "изменений ждут"),
		s.FirstSeen.Format("02.01.2006"))
	deadline := s.Deadline.Format("02.01.2006")
	switch {
	case s.Level == LevelOverdue && s.DaysLeft < 0:
		fmt.Fprintf(&b, "срок размещения на сайте%s истёк %s (просрочено на %d %s).", by, deadline, -s.DaysLeft,
			plural(-s.DaysLeft, "рабочий день", "рабочих дня", "рабочих дней"))
	case s.Level == LevelOverdue:
		fmt.Fprintf(&b, "срок размещения на сайте%s истёк %s.", by, deadline)
	case s.DaysLeft == 0:
		fmt.Fprintf(&b, "%sактуальную версию нужно разместить на сайте сегодня, %s, — это последний день.", lead, deadline)
	default:
		fmt.Fprintf(&b, "%sактуальную версию нужно разместить на сайте до %s включительно — %s %d %s.", lead, deadline,
			plural(s.DaysLeft, "остался", "осталось", "осталось"), s.DaysLeft, plural(s.DaysLeft, "рабочий день", "рабочих дня", "рабочих дней"))
	}
	if !s.Covered {
		b.WriteString(" Срок посчитан без производственного календаря на этот год: рабочими считаются понедельник–пятница; " +
			"добавьте календарь года в файл календаря.")
	}
	return b.String()
}

// plural picks the Russian word form for n.
func plural(n int, one, few, many string) string { return rules.PluralRu(n, one, few, many) }
