package rules

// Body is where the data rows of a parsed form lie: what a drop-down or a
// header guard must cover and must leave alone. Rows are 0-based.
type Body struct {
	// Header is the header row; HeaderEnd the last row of the header block:
	// the header, merges hanging down from it and the column-number row
	// "1 2 3 4 5".
	Header, HeaderEnd int
	// From is the first data row (HeaderEnd+1); To is one past the last
	// row with text in the form's graphs (To == From for an empty table).
	From, To int
	// Repeats are the rows inside the body that repeat the header at a page
	// break, with their merges and column-number rows: nobody types data
	// there.
	Repeats []int
}

// Body finds the data rows of the registry parsed from g with p (reg must
// have a header; see HasHeader).
func (r *Registry) Body(g *Grid, p *Profile) Body {
	idx := p.idx()
	b := Body{Header: r.HeaderAt.Row}
	b.HeaderEnd = headerBlockEnd(g, b.Header, r.Columns)
	b.From = b.HeaderEnd + 1
	b.To = b.From
	for row, end := b.From, footerStart(g, b.From, r.Columns); row < end; row++ {
		if headerCandidate(g, row) && isHeaderRow(g, row, idx) {
			end := headerBlockEnd(g, row, r.Columns)
			for x := row; x <= end; x++ {
				b.Repeats = append(b.Repeats, x)
			}
			row = end
			continue
		}
		for _, c := range r.Columns {
			if Clean(g.Value(row, c)) != "" {
				b.To = row + 1
				break
			}
		}
	}
	for len(b.Repeats) > 0 && b.Repeats[len(b.Repeats)-1] >= b.To {
		b.Repeats = b.Repeats[:len(b.Repeats)-1] // a header repeated below the last data is no hole in the body
	}
	return b
}

// headerBlockEnd is the last row of the header block starting at row h:
// below any merge of the form's columns that hangs from it, and the
// column-number row under that.
func headerBlockEnd(g *Grid, h int, cols [5]int) int {
	end := h
	for _, m := range g.Merges {
		if m.Row0 > h || m.Row1 < h || m.Row1 <= end {
			continue
		}
		for _, c := range cols {
			if m.Col0 <= c && c <= m.Col1 {
				end = m.Row1
				break
			}
		}
	}
	if isColumnNumberRow(g, end+1, cols) {
		end++
	}
	return end
}
