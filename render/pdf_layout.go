package render

// pdfLayout is the pagination of the form's rows: which rows stand on which
// page, how tall each row is drawn, and where the process (graphs 1–2) and
// touchpoint (graphs 3, 5) cells span. It is pure arithmetic on heights so
// the page-break rules can be tested without drawing.
//
// Rules: a row is never split; a touchpoint with its needs moves to the next
// page whole when it does not fit the rest of the page but fits a fresh one;
// a span cut by a page break continues on the next page as a new segment
// whose text is printed again (with "(продолжение)"); every segment is at
// least as tall as its text, growing its last row when needed.
type pdfLayout struct {
	Pages []pdfPage
}

type pdfPage struct {
	Rows    []int     // indexes into the spanned rows
	Heights []float64 // drawn height of each row
	Procs   []pdfSeg
	Tps     []pdfSeg
}

// pdfSeg is one span's part on one page: page-local row indexes first..last.
type pdfSeg struct {
	First, Last int
	Cont        bool // the span began on an earlier page
}

// pdfSpanHeights measures a form's rows for pagination.
type pdfSpanHeights struct {
	Row  func(i int) float64            // the row's own height (its need)
	Proc func(i int, cont bool) float64 // height the process cell of row i's process needs
	Tp   func(i int, cont bool) float64 // same for the touchpoint and kind cells
}

// pdfAcc is the running height of a page: committed rows before the open
// process segment (c), closed touchpoint segments inside it (p), the open
// touchpoint segment's rows (s), and the text heights the open segments need.
type pdfAcc struct {
	c, p, s, tpNeed, procNeed float64
	procOpen, tpOpen          bool
}

func (a pdfAcc) total() float64 {
	tp := max(a.s, a.tpNeed)
	if !a.tpOpen {
		tp = 0
	}
	if !a.procOpen {
		return a.c
	}
	return a.c + max(a.p+tp, a.procNeed)
}

func (a *pdfAcc) closeTp() {
	if a.tpOpen {
		a.p += max(a.s, a.tpNeed)
		a.s, a.tpOpen = 0, false
	}
}

func (a *pdfAcc) closeProc() {
	a.closeTp()
	if a.procOpen {
		a.c += max(a.p, a.procNeed)
		a.p, a.procOpen = 0, false
	}
}

// add accounts row i; rows is the whole form.
func (a *pdfAcc) add(rows []spannedRow, i int, m pdfSpanHeights) {
	r := rows[i]
	if r.ProcFirst || !a.procOpen {
		a.closeProc()
		a.procOpen, a.procNeed = true, m.Proc(i, !r.ProcFirst)
	}
	if r.TpFirst || !a.tpOpen {
		a.closeTp()
		a.tpOpen, a.tpNeed = true, m.Tp(i, !r.TpFirst)
	}
	a.s += m.Row(i)
}

// pdfPaginate lays rows out on pages of the given usable heights (the first
// page is shorter by the title block).
func pdfPaginate(rows []spannedRow, m pdfSpanHeights, firstAvail, avail float64) pdfLayout {
	var (
		out   pdfLayout
		page  pdfPage
		acc   pdfAcc
		limit = firstAvail
		// page-local starts of the open segments
		procStart, tpStart int
		procCont, tpCont   bool
	)
	closeTp := func() {
		if !acc.tpOpen {
			return
		}
		last := len(page.Rows) - 1
		if d := acc.tpNeed - acc.s; d > 0 {
			page.Heights[last] += d
		}
		page.Tps = append(page.Tps, pdfSeg{First: tpStart, Last: last, Cont: tpCont})
		acc.closeTp()
	}
	closeProc := func() {
		closeTp()
		if !acc.procOpen {
			return
		}
		last := len(page.Rows) - 1
		if d := acc.procNeed - acc.p; d > 0 {
			page.Heights[last] += d
		}
		page.Procs = append(page.Procs, pdfSeg{First: procStart, Last: last, Cont: procCont})
		acc.closeProc()
	}
	newPage := func() {
		closeProc()
		out.Pages = append(out.Pages, page)
		page, acc, limit = pdfPage{}, pdfAcc{}, avail
	}
	for i := 0; i < len(rows); i++ {
		r := rows[i]
		if len(page.Rows) > 0 {
			try := acc
			try.add(rows, i, m)
			fits := try.total() <= limit
			if fits && r.TpFirst {
				// keep the touchpoint with all its needs together
				for j := i + 1; j < len(rows) && !rows[j].TpFirst; j++ {
					try.add(rows, j, m)
				}
				fits = try.total() <= limit
			}
			if !fits {
				newPage()
			}
		}
		if r.ProcFirst || !acc.procOpen {
			closeProc()
			procStart, procCont = len(page.Rows), !r.ProcFirst
		}
		if r.TpFirst || !acc.tpOpen {
			closeTp()
			tpStart, tpCont = len(page.Rows), !r.TpFirst
		}
		acc.add(rows, i, m)
		page.Rows = append(page.Rows, i)
		page.Heights = append(page.Heights, m.Row(i))
	}
	if len(page.Rows) > 0 || len(out.Pages) == 0 {
		closeProc()
		out.Pages = append(out.Pages, page)
	}
	return out
}
