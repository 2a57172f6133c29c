package render

// Cells taller than a page. A need of more lines than a page holds becomes
// several rows; a process or touchpoint text that long gets filler rows
// below it so that its span covers enough pages, and its lines flow from one
// page's segment to the next. Nothing a registry holds is cut off.

// expand applies the rules above to the measured rows; maxLines is what the
// shortest page (the first, under the title block) holds in one cell.
func (d *pdfDoc) expand(maxLines int) {
	d.maxLines = max(1, maxLines)
	n := len(d.rows)
	var (
		rows                      = make([]spannedRow, 0, n)
		need                      = make([][]string, 0, n)
		texts                     = make([]pdfTexts, 0, n)
		lines, procStart, tpStart = make([]int, 0, n), make([]int, 0, n), make([]int, 0, n)
	)
	push := func(r spannedRow, t pdfTexts, needLines []string, height int) {
		j := len(rows)
		if r.ProcFirst || j == 0 {
			procStart = append(procStart, j)
		} else {
			procStart = append(procStart, procStart[j-1])
		}
		if r.TpFirst || j == 0 {
			tpStart = append(tpStart, j)
		} else {
			tpStart = append(tpStart, tpStart[j-1])
		}
		rows, texts = append(rows, r), append(texts, t)
		need, lines = append(need, needLines), append(lines, height)
	}
	// fill adds filler rows after the last one until the span from start
	// is as tall as text lines; the last row keeps the span-closing flags.
	fill := func(start, text int) {
		have := 0
		for j := start; j < len(rows); j++ {
			have += max(1, lines[j])
		}
		for have < text {
			last := len(rows) - 1
			r := rows[last]
			rows[last].TpLast, rows[last].ProcLast = false, false
			r.ProcFirst, r.TpFirst, r.Need = false, false, ""
			h := min(d.maxLines, text-have)
			push(r, texts[last], nil, h)
			have += h
		}
	}
	for i, r := range d.rows {
		chunks := pdfChunkLines(d.need[i], d.maxLines)
		for k, c := range chunks {
			cr := r
			if k > 0 {
				cr.ProcFirst, cr.TpFirst = false, false
			}
			cr.TpLast = r.TpLast && k == len(chunks)-1
			cr.ProcLast = r.ProcLast && k == len(chunks)-1
			push(cr, d.texts[i], c, len(c))
		}
		t := d.texts[i]
		if r.TpLast {
			if text := max(len(t.tp), len(t.kind)); text > d.maxLines {
				fill(tpStart[len(rows)-1], text)
			}
		}
		if r.ProcLast {
			if text := max(len(t.number), len(t.process)); text > d.maxLines {
				fill(procStart[len(rows)-1], text)
			}
		}
	}
	d.rows, d.need, d.texts, d.rowLines = rows, need, texts, lines
	d.procStart, d.tpStart = procStart, tpStart
}

// pdfChunkLines cuts lines into runs of at most n; no lines is one empty run.
func pdfChunkLines(lines []string, n int) [][]string {
	if len(lines) <= n {
		return [][]string{lines}
	}
	var out [][]string
	for len(lines) > n {
		out = append(out, lines[:n])
		lines = lines[n:]
	}
	return append(out, lines)
}

// flow picks the lines a span's segment shows: the text from where the
// previous segment stopped, or, once the text is complete, the
// continuation text ("… (продолжение)") as far as it fits.
func (d *pdfDoc) flow(col, start int, text, cont []string, capacity int) []string {
	key := [2]int{col, start}
	done := d.printed[key]
	if done < len(text) {
		end := min(len(text), done+max(1, capacity))
		d.printed[key] = end
		return text[done:end]
	}
	if len(cont) > capacity {
		return cont[:max(0, capacity)]
	}
	return cont
}
