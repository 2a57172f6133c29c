package main

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
)

func main() {
	p, _ := rules.LoadProfile("oiv")
	reg, _ := rules.Parse(rules.SyntheticGrid(10000), p)
	var b bytes.Buffer
	t := time.Now()
	if err := render.NewPDF().Render(&b, reg, render.Meta{Profile: p, Organisation: "Орган"}); err != nil {
		panic(err)
	}
	fmt.Println(time.Since(t), b.Len())
	os.WriteFile(os.Args[1], b.Bytes(), 0o644)
}
