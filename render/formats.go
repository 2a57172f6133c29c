package render

import (
	"fmt"
	"strings"
)

// renderers are the writers with default options, in the contract's order.
func renderers() []Renderer {
	return []Renderer{
		NewHTML(HTMLOptions{}),
		NewPDF(),
		NewXLSX(),
		NewCSV(CSVOptions{}),
		NewJSON(),
	}
}

// Formats lists the format names ByFormat accepts, in a fixed order.
func Formats() []string {
	var out []string
	for _, r := range renderers() {
		out = append(out, r.Format())
	}
	return out
}

// ByFormat returns the writer for a format name (case and surrounding spaces
// ignored) with default options; an unknown name is a Russian error that
// lists the formats.
func ByFormat(name string) (Renderer, error) {
	want := strings.ToLower(strings.TrimSpace(name))
	for _, r := range renderers() {
		if r.Format() == want {
			return r, nil
		}
	}
	return nil, fmt.Errorf("неизвестный формат %q; доступные форматы: %s", name, strings.Join(Formats(), ", "))
}
