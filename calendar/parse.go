package calendar

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// kindNames maps the kind column (English as in the embedded file, or
// Russian) to a Kind.
var kindNames = map[string]Kind{
	"holiday": Holiday, "праздник": Holiday,
	"off": Off, "выходной": Off,
	"short": Short, "сокращенный": Short, "сокращённый": Short, "предпраздничный": Short,
	"work": Work, "рабочий": Work,
}

// Parse reads a calendar file: UTF-8 text, one date per line as
// "YYYY-MM-DD<TAB>kind[<TAB>note]", kind one of holiday, off, short, work
// (or праздник, выходной, сокращённый, рабочий). Lines starting with '#',
// blank lines and a "date kind note" header are skipped; any run of tabs or
// spaces separates the fields. Dates not listed follow
// the Monday–Friday rule. Every year with at least one entry counts as known
// (see Covers). Errors name the line, in Russian and English.
func Parse(r io.Reader) (*Calendar, error) {
	c := &Calendar{days: map[date]Day{}, years: map[int]bool{}}
	seen := map[date]int{}
	br := bufio.NewReader(r)
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("строка %d: ошибка чтения / line %d: read error: %w", lineNo, lineNo, err)
		}
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if perr := c.parseLine(strings.TrimRight(line, "\r\n"), lineNo, seen); perr != nil {
			return nil, perr
		}
		if err == io.EOF {
			break
		}
	}
	if len(c.years) == 0 {
		return nil, fmt.Errorf("в календаре нет ни одной даты / the calendar has no dates")
	}
	return c, nil
}

func (c *Calendar) parseLine(line string, lineNo int, seen map[date]int) error {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return nil
	}
	dateField, rest := nextField(trimmed)
	if strings.EqualFold(dateField, "date") || dateField == "дата" {
		return nil // header
	}
	kindField, note := nextField(rest)
	t, err := time.Parse("2006-01-02", dateField)
	if err != nil {
		return fmt.Errorf("строка %d: «%s» — не дата ГГГГ-ММ-ДД / line %d: %q is not a YYYY-MM-DD date",
			lineNo, dateField, lineNo, dateField)
	}
	if kindField == "" {
		return fmt.Errorf("строка %d: после даты нет вида дня (holiday, off, short, work) / line %d: no kind after the date",
			lineNo, lineNo)
	}
	kind, ok := kindNames[strings.ToLower(kindField)]
	if !ok {
		return fmt.Errorf("строка %d: «%s» — неизвестный вид дня; допустимы holiday, off, short, work "+
			"/ line %d: unknown kind %q, want holiday, off, short or work", lineNo, kindField, lineNo, kindField)
	}
	d := dateOf(t)
	if prev, dup := seen[d]; dup {
		return fmt.Errorf("строка %d: дата %s уже указана в строке %d / line %d: date %s repeats line %d",
			lineNo, dateField, prev, lineNo, dateField, prev)
	}
	seen[d] = lineNo
	c.days[d] = Day{Kind: kind, Note: strings.TrimSpace(note)}
	c.years[d.y] = true
	return nil
}

// nextField splits s at its first run of tabs or spaces.
func nextField(s string) (field, rest string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}
