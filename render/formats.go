package render

import (
	"fmt"
	"strings"
)

// Formats lists the format names ByFormat accepts, in the contract's order.
func Formats() []string { return []string{"html", "pdf", "xlsx", "csv", "json"} }

// ByFormat returns the writer for a format name (case and surrounding spaces
// ignored) with default options; an unknown name is a Russian error that
// lists the formats. Only the asked-for writer is built: the HTML one parses
// its templates.
func ByFormat(name string) (Renderer, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "html":
		return NewHTML(HTMLOptions{}), nil
	case "pdf":
		return NewPDF(), nil
	case "xlsx":
		return NewXLSX(), nil
	case "csv":
		return NewCSV(CSVOptions{}), nil
	case "json":
		return NewJSON(), nil
	}
	return nil, fmt.Errorf("неизвестный формат %q; доступные форматы: %s", name, strings.Join(Formats(), ", "))
}

// ByFormats returns one writer per format name, in the given order.
func ByFormats(names []string) ([]Renderer, error) {
	out := make([]Renderer, 0, len(names))
	for _, name := range names {
		r, err := ByFormat(name)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
