package sheetsfake

import (
	"testing"
	"time"
)

func TestFormatNumber(t *testing.T) {
	ru, en, de := localeOf("ru_RU"), localeOf("en_US"), localeOf("de_DE")
	for _, c := range []struct {
		v       float64
		pattern string
		loc     localeFormat
		want    string
	}{
		{1, "0.00", ru, "1,00"},
		{1, "0.0", en, "1.0"},
		{1, "0.00", de, "1,00"},
		{1, "", ru, "1"},
		{1.5, "", ru, "1,5"},
		{12, "0", ru, "12"},
		{1234567.891, "#,##0.00", ru, "1\u00a0234\u00a0567,89"},
		{1234567.891, "#,##0.00", en, "1,234,567.89"},
		{1234, "#,##0", de, "1.234"},
		{0.25, "0%", ru, "25%"},
		{0.125, "0.0%", en, "12.5%"},
		{-3, "0.00", ru, "-3,00"},
		{-3, "0.00;(0.00)", en, "(3.00)"},
		{2.5, "#.##", en, "2.5"},
		{0.5, "#.##", en, ".5"},
		{3, `0" шт."`, ru, "3 шт."},
		{7, "000", ru, "007"},
	} {
		if got := formatNumber(c.v, c.pattern, c.loc); got != c.want {
			t.Errorf("formatNumber(%v, %q) = %q, want %q", c.v, c.pattern, got, c.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	d := serialOf(time.Date(2026, 12, 4, 9, 5, 7, 0, time.UTC))
	for pattern, want := range map[string]string{
		"dd.MM.yyyy":          "04.12.2026",
		"dd.mm.yyyy":          "04.12.2026",
		"d.m.yy":              "4.12.26",
		"M/d/yyyy":            "12/4/2026",
		"yyyy-mm-dd hh:mm:ss": "2026-12-04 09:05:07",
		`dd.MM.yyyy" г."`:     "04.12.2026 г.",
	} {
		if got := formatDate(d, pattern); got != want {
			t.Errorf("formatDate(%q) = %q, want %q", pattern, got, want)
		}
	}
	if s := serialOf(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)); s != 2 {
		t.Errorf("serial of 01.01.1900 = %v, want 2 (Sheets counts from 30.12.1899)", s)
	}
}
