package sheetsfake

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// typedValue is a cell that is more than plain text: a number or date with
// its number format, a =HYPERLINK, or a smart chip. The fake renders its
// formattedValue as Sheets does — in the spreadsheet's locale, through the
// number format — so tests see «1,00» where a person typed 1 into a cell
// formatted "0.00".
type typedValue struct {
	number     *float64
	formatType string // NUMBER, PERCENT, DATE, …; "" = automatic
	pattern    string
	link       string // =HYPERLINK target
	chip       *chip
}

type chip struct {
	email string // a person chip
	uri   string // a rich link chip (a Drive file, a YouTube video …)
}

// displayOf is a typed value's formattedValue in locale loc.
func (tv typedValue) displayOf(loc string) string {
	if tv.number == nil {
		return ""
	}
	if tv.formatType == "DATE" || tv.formatType == "DATE_TIME" || tv.formatType == "TIME" {
		pattern := tv.pattern
		if pattern == "" {
			pattern = localeOf(loc).date
		}
		return formatDate(*tv.number, pattern)
	}
	return formatNumber(*tv.number, tv.pattern, localeOf(loc))
}

// json is the cell's API representation besides formattedValue and note.
func (tv typedValue) json(display string) map[string]any {
	v := map[string]any{}
	switch {
	case tv.number != nil:
		v["userEnteredValue"] = map[string]any{"numberValue": *tv.number}
		v["effectiveValue"] = map[string]any{"numberValue": *tv.number}
		if tv.formatType != "" || tv.pattern != "" {
			nf := map[string]any{"numberFormat": map[string]any{"type": tv.formatType, "pattern": tv.pattern}}
			v["userEnteredFormat"], v["effectiveFormat"] = nf, nf
		}
	case tv.link != "":
		v["userEnteredValue"] = map[string]any{"formulaValue": fmt.Sprintf("=HYPERLINK(%q,%q)", tv.link, display)}
		v["effectiveValue"] = map[string]any{"stringValue": display}
		v["hyperlink"] = tv.link
	case tv.chip != nil:
		// The chip is an "@" placeholder in the entered text; the display
		// text is what formattedValue carries.
		v["userEnteredValue"] = map[string]any{"stringValue": "@"}
		v["effectiveValue"] = map[string]any{"stringValue": "@"}
		props := map[string]any{"richLinkProperties": map[string]any{"uri": tv.chip.uri}}
		if tv.chip.email != "" {
			props = map[string]any{"personProperties": map[string]any{"email": tv.chip.email, "displayFormat": "DEFAULT"}}
		}
		v["chipRuns"] = []any{map[string]any{"startIndex": 0, "chip": props}}
	}
	return v
}

// localeFormat is what the fake knows of a spreadsheet locale.
type localeFormat struct {
	decimal, group string
	date           string // the default DATE pattern
}

// localeOf knows the locales tests use; others fall back to ru_RU, the
// locale of the registries perechen reads.
func localeOf(name string) localeFormat {
	switch name {
	case "en_US":
		return localeFormat{decimal: ".", group: ",", date: "M/d/yyyy"}
	case "de_DE":
		return localeFormat{decimal: ",", group: ".", date: "dd.MM.yyyy"}
	default: // ru_RU groups thousands with a no-break space
		return localeFormat{decimal: ",", group: "\u00a0", date: "dd.MM.yyyy"}
	}
}

// formatNumber applies the part of Sheets' number-format syntax registries
// use: "0", "0.0", "0.00", "#,##0.00", "0%", literal text in quotes, a
// second section for negatives. An empty pattern is Sheets' automatic
// format (as many decimals as needed).
func formatNumber(v float64, pattern string, loc localeFormat) string {
	if pattern == "" {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		return strings.Replace(s, ".", loc.decimal, 1)
	}
	sections := strings.Split(pattern, ";")
	sec, neg := sections[0], v < 0
	if neg && len(sections) > 1 {
		sec, neg = sections[1], false // the section shows its own sign
	}
	prefix, num, suffix := splitPattern(sec)
	if strings.Contains(suffix, "%") || strings.Contains(prefix, "%") {
		v *= 100
	}
	intPart, fracPart, _ := strings.Cut(num, ".")
	minFrac := strings.Count(fracPart, "0")
	maxFrac := minFrac + strings.Count(fracPart, "#")
	s := strconv.FormatFloat(math.Abs(v), 'f', maxFrac, 64)
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) > minFrac && strings.HasSuffix(frac, "0") {
		frac = frac[:len(frac)-1]
	}
	if minInt := strings.Count(intPart, "0"); whole == "0" && minInt == 0 {
		whole = ""
	} else {
		for len(whole) < minInt {
			whole = "0" + whole
		}
	}
	if strings.Contains(intPart, ",") {
		whole = group(whole, loc.group)
	}
	out := whole
	if frac != "" {
		out += loc.decimal + frac
	}
	if neg && strings.Trim(out, "0"+loc.decimal) != "" {
		out = "-" + out
	}
	return unquote(prefix) + out + unquote(suffix)
}

// splitPattern cuts a number-format section into literal prefix, the digit
// placeholders and literal suffix.
func splitPattern(sec string) (prefix, num, suffix string) {
	start, end := -1, -1
	inQuote := false
	for i, r := range sec {
		if r == '"' {
			inQuote = !inQuote
			continue
		}
		if !inQuote && strings.ContainsRune("#0,.", r) {
			if start < 0 {
				start = i
			}
			end = i + 1
		}
	}
	if start < 0 {
		return sec, "", ""
	}
	return sec[:start], sec[start:end], sec[end:]
}

func unquote(s string) string { return strings.ReplaceAll(s, `"`, "") }

func group(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// sheetsEpoch is day 0 of Sheets' date serial numbers.
var sheetsEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serialOf is a date's Sheets serial number (days since 30.12.1899).
func serialOf(t time.Time) float64 {
	t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	return t.Sub(sheetsEpoch).Hours() / 24
}

// formatDate renders a serial number through a date pattern: d, dd, m,
// mm (minutes right after h), yy, yyyy, h, hh, ss; other characters and
// quoted text are literal. Letters are case-insensitive, as in Sheets.
func formatDate(serial float64, pattern string) string {
	t := sheetsEpoch.Add(time.Duration(math.Round(serial*86400)) * time.Second)
	var b strings.Builder
	afterHour := false
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c == '"' {
			j := strings.IndexByte(pattern[i+1:], '"')
			if j < 0 {
				j = len(pattern) - i - 1
			}
			b.WriteString(pattern[i+1 : i+1+j])
			i += j + 2
			continue
		}
		lc := c | 0x20
		n := 1
		for i+n < len(pattern) && pattern[i+n]|0x20 == lc {
			n++
		}
		two := func(v int) string {
			if n >= 2 {
				return fmt.Sprintf("%02d", v)
			}
			return strconv.Itoa(v)
		}
		switch lc {
		case 'd':
			b.WriteString(two(t.Day()))
		case 'm':
			if afterHour {
				b.WriteString(two(t.Minute()))
			} else {
				b.WriteString(two(int(t.Month())))
			}
		case 'y':
			if n <= 2 {
				b.WriteString(fmt.Sprintf("%02d", t.Year()%100))
			} else {
				b.WriteString(strconv.Itoa(t.Year()))
			}
		case 'h':
			b.WriteString(two(t.Hour()))
		case 's':
			b.WriteString(two(t.Second()))
		default:
			b.WriteString(pattern[i : i+n])
		}
		if lc == 'h' {
			afterHour = true
		} else if lc != 'm' && (lc >= 'a' && lc <= 'z') {
			afterHour = false
		}
		i += n
	}
	return b.String()
}
