package main

import (
	"io"
	"runtime/debug"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
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
	// A Config built in code leaves it 0: the default, not GOGC=0.
	setGCPercent(0, func(string) string { return "" }, log)
	if got := debug.SetGCPercent(100); got != config.DefaultGCPercent {
		t.Errorf("gc_percent 0: GC percent was %d, want the default %d", got, config.DefaultGCPercent)
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
