package daemon

import (
	"fmt"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// headline says in one Russian line how the cycle ended and where the site
// stands: the first line of `perechen run --once`, the status page's
// verdict. It names the targets a version did not reach.
func (r *runner) headline(res *Result) string {
	switch res.Outcome {
	case OutcomeError:
		var kinds []string
		for _, e := range res.Errors {
			kinds = append(kinds, errorKindRu(e.Kind, e.Target))
		}
		return "сбой: " + strings.Join(kinds, "; ") + " — повтор в следующем цикле; " + r.siteText()
	case OutcomeDryRun:
		return "пробный прогон: примечания не записаны, ничего не опубликовано"
	case OutcomeBlocked:
		return "публикация приостановлена: " + res.Blocked
	case OutcomeAwaitingApproval:
		return r.awaitingText(res)
	case OutcomePublished:
		if len(r.targets) == 0 {
			return fmt.Sprintf("собрана версия %d; целей публикации нет (publish в конфигурации)", res.Version)
		}
		return fmt.Sprintf("опубликована версия %d — на всех целях: %s", res.Version, strings.Join(r.targetNames(), ", "))
	case OutcomePartlyPublished:
		return fmt.Sprintf("версия %d опубликована не везде: НЕ опубликована на %s (сбой, повтор в следующем цикле); опубликована на %s",
			res.Version, strings.Join(res.Failed, ", "), strings.Join(r.holders(res.Version), ", "))
	case OutcomeNotPublished:
		where := "всех целях"
		if len(res.Failed) == 1 {
			where = "единственной цели"
		}
		return fmt.Sprintf("версия %d НЕ опубликована: сбой на %s (%s) — повтор в следующем цикле",
			res.Version, where, strings.Join(res.Failed, ", "))
	case OutcomeUpToDate:
		return fmt.Sprintf("на сайте актуальная версия %d", res.Version)
	}
	line := "без изменений"
	switch {
	case res.Blocked != "":
		line += "; публикация приостановлена: " + res.Blocked
	case res.Awaiting != nil:
		line += "; " + r.awaitingText(res)
	case len(res.Failed) > 0:
		line += fmt.Sprintf("; версия %d НЕ опубликована на %s", res.Version, strings.Join(res.Failed, ", "))
	}
	return line
}

// awaitingText says which version waits for approval, how long the п. 5.5
// deadline still runs and how to approve.
func (r *runner) awaitingText(res *Result) string {
	c := res.Awaiting
	s := fmt.Sprintf("версия %d от %s ждёт утверждения (п. %s) и не опубликована; %s", c.Number, c.Time.Format("02.01.2006"),
		approvalClause(r.profile), r.siteText())
	if left, ok := res.deadlineLeft(); ok {
		s += fmt.Sprintf("; срок размещения по п. %s — %s (%s)", deadlineClause(r.profile), res.earliestDeadline().Format("02.01.2006"), daysRu(left))
	}
	return s + fmt.Sprintf(". Утвердить: perechen approve --source %s --version %d --by \"Фамилия И.О.\" --document \"приказ от ДД.ММ.ГГГГ № …\"",
		r.cfg.Name, c.Number)
}

// siteText is what the site shows now.
func (r *runner) siteText() string {
	v := r.state.Version
	if v == nil {
		return "на сайте пока нет опубликованной версии"
	}
	return fmt.Sprintf("на сайте остаётся версия %d от %s", v.Number, v.Time.Format("02.01.2006"))
}

// holders are the targets that have version n.
func (r *runner) holders(n int) []string {
	var out []string
	for _, t := range r.state.Targets {
		if t.Version >= n {
			out = append(out, t.Name)
		}
	}
	return out
}

func errorKindRu(kind, target string) string {
	switch kind {
	case "fetch":
		return "таблица не прочитана"
	case "notes":
		return "примечания не записаны"
	case "render":
		return "файлы не собраны"
	case "publish":
		return "не опубликовано на " + target
	case "state":
		return "состояние не сохранено"
	}
	return kind
}

// deadlineClause is the profile's publication deadline paragraph (п. 5.5,
// seed 003's п. 5.3).
func deadlineClause(p *rules.Profile) string {
	if p != nil && p.Publication.Deadline != "" {
		return p.Publication.Deadline
	}
	return "5.5"
}

// daysRu is a deadline's working days left, as the status page says it.
func daysRu(n int) string {
	switch {
	case n == 0:
		return "срок истекает сегодня"
	case n < 0:
		return "просрочено на " + plural(-n, "рабочий день", "рабочих дня", "рабочих дней")
	}
	return "осталось " + plural(n, "рабочий день", "рабочих дня", "рабочих дней")
}
