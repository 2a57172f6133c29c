package sheetsfake

import (
	"fmt"
	"strings"
)

// mask is a parsed partial-response field mask ("sheets(properties(title),data)"):
// each key maps to the mask of its children, nil meaning "the whole value".
type mask map[string]mask

// parseMask parses Google's partial-response syntax: comma-separated paths,
// "a.b.c" for nesting and "a(b,c)" for several children. "" and "*" select
// everything (a nil mask).
func parseMask(s string) (mask, error) {
	s = strings.ReplaceAll(s, " ", "")
	if s == "" || s == "*" {
		return nil, nil
	}
	p := &maskParser{s: s}
	m := mask{}
	if err := p.list(m); err != nil {
		return nil, err
	}
	if p.i != len(s) {
		return nil, fmt.Errorf("invalid field mask %q at %d", s, p.i)
	}
	return m, nil
}

type maskParser struct {
	s string
	i int
}

func (p *maskParser) list(into mask) error {
	for {
		if err := p.path(into); err != nil {
			return err
		}
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		return nil
	}
}

func (p *maskParser) path(into mask) error {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(".,()", rune(p.s[p.i])) {
		p.i++
	}
	name := p.s[start:p.i]
	if name == "" {
		return fmt.Errorf("invalid field mask %q: empty name at %d", p.s, start)
	}
	if p.i == len(p.s) || p.s[p.i] == ',' || p.s[p.i] == ')' {
		into[name] = nil // the whole value
		return nil
	}
	child, seen := into[name]
	if seen && child == nil {
		child = mask{} // already whole; parse the rest and keep whole
		defer func() { into[name] = nil }()
	} else if !seen {
		child = mask{}
		into[name] = child
	}
	switch p.s[p.i] {
	case '.':
		p.i++
		return p.path(child)
	case '(':
		p.i++
		if err := p.list(child); err != nil {
			return err
		}
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return fmt.Errorf("invalid field mask %q: missing )", p.s)
		}
		p.i++
		return nil
	}
	return fmt.Errorf("invalid field mask %q at %d", p.s, p.i)
}

// apply keeps only the masked parts of a JSON-like value.
func (m mask) apply(v any) any {
	if m == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range m {
			if val, ok := x[k]; ok {
				out[k] = sub.apply(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = m.apply(e)
		}
		return out
	default:
		return v
	}
}
