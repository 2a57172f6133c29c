package sync

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
)

// BenchmarkReadXLSX reads the official form as perechen writes it (merged
// № and process cells) at growing sizes; the merges must not make it quadratic.
func BenchmarkReadXLSX(b *testing.B) {
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{100, 1000, 10000} {
		reg, _ := rules.Parse(rules.SyntheticGrid(n), p)
		var buf bytes.Buffer
		if err := render.NewXLSX().Render(&buf, reg, render.Meta{Profile: p}); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		b.Run(strconv.Itoa(n)+"rows", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, err := ReadXLSX(bytes.NewReader(data), int64(len(data)), "")
				if err != nil || len(g.Merges) == 0 {
					b.Fatalf("err %v, %d merges", err, len(g.Merges))
				}
			}
		})
	}
}
