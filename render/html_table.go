package render

import (
	"html/template"
	"strconv"
	"strings"
)

// htmlEscaper escapes text for HTML text and double- or single-quoted
// attribute values, as html/template does for those contexts.
var htmlEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "\x00", "\uFFFD",
)

// tableHTML writes the form's table. It is written by hand rather than by a
// template because html/template's reflection made a 10,000-row registry take
// ~400 ms; every piece of text still goes through htmlEscaper, and the
// result is what table.html.tmpl documents.
func tableHTML(v *HTMLView) template.HTML {
	var b strings.Builder
	b.Grow(256 + 600*v.Counts.Rows)
	esc := func(s string) { _, _ = htmlEscaper.WriteString(&b, s) }
	col := func(i int) string { return v.Columns[i].ID }
	b.WriteString(`<table class="perechen" id="perechen">` + "\n")
	b.WriteString(`<caption class="perechen-caption">`)
	esc(v.Caption)
	b.WriteString("</caption>\n<thead>\n<tr>")
	for _, c := range v.Columns {
		b.WriteString(`<th scope="col" id="`)
		esc(c.ID)
		b.WriteString(`" class="perechen-c` + strconv.Itoa(c.Number) + `">`)
		esc(c.Caption)
		b.WriteString("</th>")
	}
	b.WriteString("</tr>\n" + `<tr class="perechen-colnum">`)
	for _, c := range v.Columns {
		n := strconv.Itoa(c.Number)
		b.WriteString(`<td headers="`)
		esc(c.ID)
		b.WriteString(`" class="perechen-c` + n + `">` + n + "</td>")
	}
	b.WriteString("</tr>\n</thead>")
	for _, p := range v.Processes {
		b.WriteString("\n" + `<tbody class="perechen-process">`)
		for _, r := range p.Rows {
			b.WriteString("\n<tr>")
			if r.ProcessSpan > 0 {
				span := strconv.Itoa(r.ProcessSpan)
				b.WriteString(`<td class="perechen-c1" rowspan="` + span + `" headers="`)
				esc(col(0))
				b.WriteString(`">`)
				esc(p.Number)
				b.WriteString(`</td><th scope="rowgroup" class="perechen-c2" id="`)
				esc(p.ID)
				b.WriteString(`" rowspan="` + span + `" headers="`)
				esc(col(1))
				b.WriteString(`">`)
				esc(p.Name)
				b.WriteString("</th>")
			}
			if r.TouchpointSpan > 0 {
				b.WriteString(`<th class="perechen-c3" id="`)
				esc(r.TouchpointID)
				b.WriteString(`" rowspan="` + strconv.Itoa(r.TouchpointSpan) + `" headers="`)
				esc(col(2) + " " + p.ID)
				b.WriteString(`">`)
				esc(r.Touchpoint)
				b.WriteString("</th>")
			}
			b.WriteString(`<td class="perechen-c4" headers="`)
			esc(col(3) + " " + p.ID + " " + r.TouchpointID)
			b.WriteString(`">`)
			esc(r.Need)
			b.WriteString("</td>")
			if r.TouchpointSpan > 0 {
				b.WriteString(`<td class="perechen-c5" rowspan="` + strconv.Itoa(r.TouchpointSpan) + `" headers="`)
				esc(col(4) + " " + p.ID + " " + r.TouchpointID)
				b.WriteString(`">`)
				esc(r.Kind)
				b.WriteString("</td>")
			}
			b.WriteString("</tr>")
		}
		b.WriteString("\n</tbody>")
	}
	b.WriteString("\n</table>\n")
	return template.HTML(b.String()) // #nosec G203 -- every text above went through htmlEscaper
}
