package main

import (
	"io"
	"runtime/debug"
	"testing"

	"github.com/sirupsen/logrus"
)

func TestSetGCPercent(t *testing.T) {
	log := logrus.New()
	log.Out = io.Discard
	orig := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(orig) })

	setGCPercent(50, func(string) string { return "" }, log)
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("gc_percent 50 not applied: GC percent was %d", got)
	}
	// GOGC in the environment wins: the runtime already applied it.
	setGCPercent(50, func(k string) string {
		if k == "GOGC" {
			return "200"
		}
		return ""
	}, log)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set, yet gc_percent applied: GC percent was %d", got)
	}
}
