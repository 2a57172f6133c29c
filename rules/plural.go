package rules

import "strconv"

// PluralRu picks the Russian word form for n: one (1, 21, 101), few (2–4,
// 22–24), many (0, 5–20, 25–30, 111–114). Messages, notes, the status page
// and the CLI all count things, and all must agree.
func PluralRu(n int, one, few, many string) string {
	n %= 100
	if n < 0 {
		n = -n
	}
	switch {
	case n >= 11 && n <= 14:
		return many
	case n%10 == 1:
		return one
	case n%10 >= 2 && n%10 <= 4:
		return few
	}
	return many
}

// CountRu is n with its word: "1 ошибка", "3 ошибки", "5 ошибок".
func CountRu(n int, one, few, many string) string {
	return strconv.Itoa(n) + " " + PluralRu(n, one, few, many)
}
