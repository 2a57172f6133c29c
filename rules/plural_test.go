package rules

import "testing"

func TestCountRu(t *testing.T) {
	for n, want := range map[int]string{0: "0 ошибок", 1: "1 ошибка", 2: "2 ошибки", 4: "4 ошибки", 5: "5 ошибок",
		11: "11 ошибок", 12: "12 ошибок", 14: "14 ошибок", 21: "21 ошибка", 22: "22 ошибки", 101: "101 ошибка", 111: "111 ошибок"} {
		if got := CountRu(n, "ошибка", "ошибки", "ошибок"); got != want {
			t.Errorf("CountRu(%d) = %q, want %q", n, got, want)
		}
	}
}
