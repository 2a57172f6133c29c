package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"github.com/perechen-oiv/perechen/rules"
)

// PDF writes the official form as an A4 landscape PDF with an embedded
// Cyrillic font: title block, the five-column table with wrapped text, row
// spans continued across pages under a repeated header, "Стр. N из M".
type PDF struct {
	mu    sync.Mutex
	ready chan *fpdf.Fpdf // a document with its fonts loaded, being prepared
}

var (
	_ Renderer = (*PDF)(nil)
	_ Preparer = (*PDF)(nil)
)

// Prepare loads the fonts of the next render in the background (a
// quarter of the set-up of a small registry's PDF).
func (p *PDF) Prepare() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ready != nil {
		return
	}
	ch := make(chan *fpdf.Fpdf, 1)
	p.ready = ch
	go func() { ch <- newPDFBase() }()
}

// base is the prepared document, or a new one.
func (p *PDF) base() *fpdf.Fpdf {
	p.mu.Lock()
	ch := p.ready
	p.ready = nil
	p.mu.Unlock()
	if ch != nil {
		return <-ch
	}
	return newPDFBase()
}

// NewPDF returns the PDF renderer.
func NewPDF() Renderer { return &PDF{} }

// Format is "pdf".
func (*PDF) Format() string { return "pdf" }

// FileName is "perechen.pdf".
func (*PDF) FileName() string { return "perechen.pdf" }

// Page geometry in millimetres (A4 landscape) and type sizes in points.
const (
	pdfPageW, pdfPageH = 297.0, 210.0
	pdfMargin          = 10.0
	pdfBottom          = 14.0 // room for the footer
	pdfFontSize        = 9.0
	pdfHeadFontSize    = 9.0
	pdfTitleFontSize   = 13.0
	pdfLine            = 4.0 // line height of table text
	pdfPadV            = 1.2 // cell padding above and below the text
	pdfPadH            = 1.5
	pdfNumberRowH      = 5.0
	pdfContinued       = "(продолжение)"
)

// pdfColW are the widths of graphs 1–5; they fill the 277 mm between margins.
var pdfColW = [5]float64{11, 62, 50, 114, 40}

// pdfEpoch stands in for a missing version date: the output must never
// depend on the clock.
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Render writes the PDF.
func (p *PDF) Render(w io.Writer, reg *rules.Registry, meta Meta) (err error) {
	defer func() {
		// fpdf panics on some input it cannot encode; a registry is input, not a bug
		if p := recover(); p != nil {
			err = fmt.Errorf("pdf: %v", p)
		}
	}()
	return p.render(w, reg, meta, true)
}

// render is Render; fast false draws every header and leaves writing the
// pages to fpdf (pdf_pages.go; tests compare both ways).
func (p *PDF) render(w io.Writer, reg *rules.Registry, meta Meta, fast bool) error {
	doc := newPDFDoc(p.base(), reg, meta)
	doc.replayHeader = fast
	if err := doc.build(); err != nil {
		return err
	}
	doc.release()
	sink := &pdfSink{w: w}
	if fast {
		sink.pages = doc.takePages()
	}
	if err := doc.f.Output(sink); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := sink.finish(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// pdfSink compresses fpdf's output on its way to w. fpdf hands over the
// whole document in one Write, which is compressed right there instead of
// being copied first (a copy of a 10,000-row document is megabytes of fresh
// memory); output arriving in pieces is collected and compressed at finish.
type pdfSink struct {
	w       io.Writer
	pages   [][]byte // page contents taken from fpdf (pdf_pages.go), or nil
	pending []byte
	done    bool
}

func (s *pdfSink) Write(p []byte) (int, error) {
	if s.done {
		return 0, errors.New("pdf: output after the end of the document")
	}
	if len(s.pending) == 0 && bytes.HasSuffix(p, []byte("%%EOF\n")) {
		s.done = true
		return len(p), s.deflateTo(p)
	}
	s.pending = append(s.pending, p...)
	return len(p), nil
}

func (s *pdfSink) finish() error {
	if s.done {
		return nil
	}
	s.done = true
	return s.deflateTo(s.pending)
}

func (s *pdfSink) deflateTo(doc []byte) error {
	data, err := pdfDeflatePages(doc, s.pages)
	if err != nil {
		return err
	}
	_, err = s.w.Write(data)
	return err
}

// pdfDoc is one render in progress.
type pdfDoc struct {
	f        *fpdf.Fpdf
	meta     Meta
	title    string
	grif     []string // unwrapped grif lines, "" between blocks
	rows     []spannedRow
	captions [5]string
	colX     [6]float64
	// measured text, per row
	need      [][]string
	texts     []pdfTexts
	rowLines  []int // height of each row in lines
	headLines [5][]string
	headH     float64
	// flowing text of spans taller than a page (pdf_flow.go)
	maxLines           int
	pages              int     // the document's page count, for "Стр. N из M"
	replayHeader       bool    // copy page 2's header to later pages (pdfHeaderCopy)
	footLeft           *string // the footer's left part, once made
	procStart, tpStart []int   // first row of each row's process and touchpoint span
	printed            map[[2]int]int
}

// pdfTexts are the wrapped texts of a row's spans (shared by their rows).
type pdfTexts struct {
	number, process, procCont, tp, tpCont, kind []string
}

// newPDFBase is what every render starts from: A4 landscape, the
// settings that do not depend on the registry and the two fonts.
func newPDFBase() *fpdf.Fpdf {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "L", UnitStr: "mm", SizeStr: "A4"})
	f.SetCompression(false) // pdfDeflatePages compresses the pages afterwards, faster
	f.SetCatalogSort(true)
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(false, pdfBottom)
	f.SetCellMargin(pdfPadH)
	f.AddUTF8FontFromBytes(pdfFontFamily, "", pdfFontRegular)
	f.AddUTF8FontFromBytes(pdfFontFamily, "B", pdfFontBold)
	return f
}

func newPDFDoc(f *fpdf.Fpdf, reg *rules.Registry, meta Meta) *pdfDoc {
	meta = pdfSafeMeta(meta)
	created := meta.Version
	if created.IsZero() {
		created = pdfEpoch
	}
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	title := pdfSafe(officialTitle(reg, meta.Profile))
	f.SetTitle(title, true)
	if meta.Organisation != "" {
		f.SetAuthor(meta.Organisation, true)
	}
	f.SetSubject("Перечень точек взаимодействия с внутренним клиентом", true)
	f.SetCreator("perechen", true)
	f.SetProducer("perechen", true)
	f.SetLang("ru-RU")
	d := &pdfDoc{f: f, meta: meta, title: title, rows: spannedRows(reg), captions: officialCaptions(meta.Profile), printed: map[[2]int]int{}}
	for _, l := range grifFlat(grifBlocks(reg, meta)) {
		d.grif = append(d.grif, pdfSafe(l))
	}
	for i := range d.captions {
		d.captions[i] = pdfSafe(d.captions[i])
	}
	for i := range d.rows {
		r := &d.rows[i]
		r.Number, r.Process, r.Touchpoint, r.Kind, r.Need = pdfSafe(r.Number), pdfSafe(r.Process), pdfSafe(r.Touchpoint), pdfSafe(r.Kind), pdfSafe(r.Need)
	}
	x := pdfMargin
	for i, w := range pdfColW {
		d.colX[i] = x
		x += w
	}
	d.colX[5] = x
	return d
}

func (d *pdfDoc) build() error {
	d.measure()
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	titleH := d.titleHeight()
	usable := pdfPageH - pdfMargin - pdfBottom - d.headH
	d.expand(int((usable-titleH-2*pdfPadV)/pdfLine) - 1)
	capped := func(n int) float64 { return pdfCellH(min(n, d.maxLines)) }
	layout := pdfPaginate(d.rows, pdfSpanHeights{
		Row: func(i int) float64 { return pdfCellH(d.rowLines[i]) },
		Proc: func(i int, cont bool) float64 {
			t := d.texts[i]
			if cont {
				return capped(max(len(t.number), len(t.procCont)))
			}
			return capped(max(len(t.number), len(t.process)))
		},
		Tp: func(i int, cont bool) float64 {
			t := d.texts[i]
			if cont {
				return capped(max(len(t.tpCont), len(t.kind)))
			}
			return capped(max(len(t.tp), len(t.kind)))
		},
	}, usable-titleH, usable)
	// The page count is known before drawing, so "Стр. N из M" is written
	// as it is: fpdf's page-count alias would copy every page twice more.
	changes := d.changeLines()
	tableEnd := d.tableEnd(layout, titleH)
	d.pages = len(layout.Pages) + placeChanges(tableEnd, len(changes))[len(changes)].page
	d.f.SetFooterFunc(d.footer)
	y := pdfMargin
	var header pdfHeaderCopy
	for pi, page := range layout.Pages {
		d.f.AddPage()
		y = pdfMargin
		if pi == 0 {
			y = d.drawTitle(y)
			y = d.drawHeader(y)
		} else {
			y = header.draw(d, y)
		}
		if len(d.rows) == 0 {
			y = d.drawEmpty(y)
		}
		y = d.drawPage(page, y)
	}
	d.drawChanges(y, changes)
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// release drops the layout once the pages are drawn: fpdf's output doubles
// the document in memory, and the layout need not be there too.
func (d *pdfDoc) release() {
	d.rows, d.need, d.texts, d.rowLines = nil, nil, nil, nil
	d.procStart, d.tpStart, d.printed = nil, nil, nil
}

// pdfCellH is the height of a cell holding n lines.
func pdfCellH(n int) float64 { return float64(max(1, n))*pdfLine + 2*pdfPadV }

// measure wraps every text once; rows repeat the same process and
// touchpoint, so spans are measured at their first row and shared.
func (d *pdfDoc) measure() {
	f := d.f
	f.SetFont(pdfFontFamily, "B", pdfHeadFontSize)
	for i, c := range d.captions {
		d.headLines[i] = f.SplitText(c, pdfColW[i])
		d.headH = max(d.headH, pdfCellH(len(d.headLines[i])))
	}
	d.headH += pdfNumberRowH
	f.SetFont(pdfFontFamily, "", pdfFontSize)
	n := len(d.rows)
	d.need, d.texts = make([][]string, n), make([]pdfTexts, n)
	cache := map[[2]string][]string{}
	split := func(s string, col int) []string {
		key := [2]string{s, string(rune('0' + col))}
		if l, ok := cache[key]; ok {
			return l
		}
		l := f.SplitText(strings.TrimSpace(s), pdfColW[col])
		cache[key] = l
		return l
	}
	for i, r := range d.rows {
		d.need[i] = split(r.Need, 3)
		t := &d.texts[i]
		if r.ProcFirst || i == 0 {
			t.number = split(r.Number, 0)
			t.process = split(r.Process, 1)
			t.procCont = append(append([]string(nil), t.process...), pdfContinued)
		} else {
			prev := d.texts[i-1]
			t.number, t.process, t.procCont = prev.number, prev.process, prev.procCont
		}
		if r.TpFirst || i == 0 {
			t.tp = split(r.Touchpoint, 2)
			t.kind = split(r.Kind, 4)
			t.tpCont = append(append([]string(nil), t.tp...), pdfContinued)
		} else {
			prev := d.texts[i-1]
			t.tp, t.kind, t.tpCont = prev.tp, prev.kind, prev.tpCont
		}
	}
}

// titleLines splits the title block: "ПЕРЕЧЕНЬ" on its own line as in the
// official form, the rest wrapped, then the organisation and the version.
func (d *pdfDoc) titleLines() (bold, plain []string) {
	width := pdfPageW - 2*pdfMargin - 40
	head, rest, _ := strings.Cut(d.title, " ")
	d.f.SetFont(pdfFontFamily, "B", pdfTitleFontSize)
	bold = append([]string{head}, d.f.SplitText(rest, width)...)
	d.f.SetFont(pdfFontFamily, "", pdfTitleFontSize-2)
	if org := strings.TrimSpace(d.meta.Organisation); org != "" {
		plain = append(plain, d.f.SplitText(org, width)...)
	}
	if v := officialVersion(d.meta); v != "" {
		plain = append(plain, v)
	}
	return bold, plain
}

const (
	pdfTitleLine = 6.0
	pdfPlainLine = 5.0
	pdfTitleGap  = 4.0
	// The grif's column at the top right, as on a printed order.
	pdfGrifW        = 95.0
	pdfGrifLine     = 4.6
	pdfGrifFontSize = 10.0
	pdfGrifGap      = 2.0 // between the grif's blocks, and under it
)

// grifLines are the grif's lines wrapped to its column ("" between blocks).
func (d *pdfDoc) grifLines() []string {
	if len(d.grif) == 0 {
		return nil
	}
	d.f.SetFont(pdfFontFamily, "", pdfGrifFontSize)
	var out []string
	for _, l := range d.grif {
		if l == "" {
			out = append(out, "")
			continue
		}
		out = append(out, d.f.SplitText(l, pdfGrifW-2*pdfPadH)...)
	}
	return out
}

func grifHeight(lines []string) float64 {
	if len(lines) == 0 {
		return 0
	}
	h := pdfGrifGap
	for _, l := range lines {
		if l == "" {
			h += pdfGrifGap
		} else {
			h += pdfGrifLine
		}
	}
	return h
}

func (d *pdfDoc) titleHeight() float64 {
	bold, plain := d.titleLines()
	return grifHeight(d.grifLines()) + float64(len(bold))*pdfTitleLine + float64(len(plain))*pdfPlainLine + pdfTitleGap
}

// drawGrif writes the grif at the top right; it returns where the title starts.
func (d *pdfDoc) drawGrif(y float64) float64 {
	lines := d.grifLines()
	if len(lines) == 0 {
		return y
	}
	f := d.f
	f.SetTextColor(0, 0, 0)
	x := pdfPageW - pdfMargin - pdfGrifW
	for _, l := range lines {
		if l == "" {
			y += pdfGrifGap
			continue
		}
		f.SetXY(x, y)
		f.CellFormat(pdfGrifW, pdfGrifLine, l, "", 0, "L", false, 0, "")
		y += pdfGrifLine
	}
	return y + pdfGrifGap
}

func (d *pdfDoc) drawTitle(y float64) float64 {
	f := d.f
	y = d.drawGrif(y)
	bold, plain := d.titleLines()
	f.SetTextColor(0, 0, 0)
	f.SetFont(pdfFontFamily, "B", pdfTitleFontSize)
	for _, l := range bold {
		f.SetXY(pdfMargin, y)
		f.CellFormat(pdfPageW-2*pdfMargin, pdfTitleLine, l, "", 0, "C", false, 0, "")
		y += pdfTitleLine
	}
	f.SetFont(pdfFontFamily, "", pdfTitleFontSize-2)
	for _, l := range plain {
		f.SetXY(pdfMargin, y)
		f.CellFormat(pdfPageW-2*pdfMargin, pdfPlainLine, l, "", 0, "C", false, 0, "")
		y += pdfPlainLine
	}
	return y + pdfTitleGap
}

// drawHeader draws the captions and the column-number row 1…5.
func (d *pdfDoc) drawHeader(y float64) float64 {
	f := d.f
	f.SetLineWidth(0.2)
	f.SetDrawColor(0, 0, 0)
	f.SetFillColor(232, 232, 232)
	capH := d.headH - pdfNumberRowH
	f.SetFont(pdfFontFamily, "B", pdfHeadFontSize)
	for i := range d.captions {
		f.Rect(d.colX[i], y, pdfColW[i], capH, "FD")
		lines := d.headLines[i]
		top := y + (capH-float64(len(lines))*pdfLine)/2
		for k, l := range lines {
			f.SetXY(d.colX[i], top+float64(k)*pdfLine)
			f.CellFormat(pdfColW[i], pdfLine, l, "", 0, "C", false, 0, "")
		}
	}
	y += capH
	f.SetFont(pdfFontFamily, "", pdfFontSize-1)
	for i := range d.captions {
		f.Rect(d.colX[i], y, pdfColW[i], pdfNumberRowH, "D")
		f.SetXY(d.colX[i], y)
		f.CellFormat(pdfColW[i], pdfNumberRowH, fmt.Sprint(i+1), "", 0, "C", false, 0, "")
	}
	f.SetFont(pdfFontFamily, "", pdfFontSize)
	// Fill colour back to the text colour: while they differ fpdf wraps every
	// line of text in "q 0.000 g … Q", a seventh of the page's bytes.
	f.SetFillColor(0, 0, 0)
	return y + pdfNumberRowH
}

func (d *pdfDoc) drawEmpty(y float64) float64 {
	w := d.colX[5] - d.colX[0]
	d.f.Rect(d.colX[0], y, w, pdfCellH(1), "D")
	d.f.SetXY(d.colX[0], y+pdfPadV)
	d.f.CellFormat(w, pdfLine, "Перечень не содержит процессов", "", 0, "C", false, 0, "")
	return y + pdfCellH(1)
}

// changeLines are Meta.Changes wrapped for the «Изменения» block.
func (d *pdfDoc) changeLines() []string {
	f := d.f
	f.SetFont(pdfFontFamily, "", pdfFontSize)
	width := d.colX[5] - d.colX[0]
	var lines []string
	for _, c := range d.meta.Changes {
		for k, l := range f.SplitText(strings.TrimSpace(c), width-6) {
			if k == 0 {
				l = "• " + l
			} else {
				l = "  " + l
			}
			lines = append(lines, l)
		}
	}
	return lines
}

// tableEnd is where the table ends on its last page: the same sums the
// drawing makes (title on the first page, header, rows or the empty row).
func (d *pdfDoc) tableEnd(layout pdfLayout, titleH float64) float64 {
	y := pdfMargin + d.headH
	if len(layout.Pages) == 1 {
		y += titleH
	}
	if len(d.rows) == 0 {
		y += pdfCellH(1)
	}
	if n := len(layout.Pages); n > 0 {
		for _, h := range layout.Pages[n-1].Heights {
			y += h
		}
	}
	return y
}

// pdfPlace is where a line of the «Изменения» block goes: pages after the
// table's last one, and y on that page.
type pdfPlace struct {
	page int
	y    float64
}

// placeChanges lays out the heading (index 0) and n lines (1…n) after the
// table ending at y; the page of element n is how many pages the block adds.
func placeChanges(y float64, n int) []pdfPlace {
	out := make([]pdfPlace, 0, n+1)
	if n == 0 {
		return append(out, pdfPlace{})
	}
	bottom := pdfPageH - pdfBottom
	page := 0
	y += 6
	if y+pdfTitleLine+pdfLine > bottom {
		page, y = page+1, pdfMargin
	}
	out = append(out, pdfPlace{page, y})
	y += pdfTitleLine
	for i := 0; i < n; i++ {
		if y+pdfLine > bottom {
			page, y = page+1, pdfMargin
		}
		out = append(out, pdfPlace{page, y})
		y += pdfLine
	}
	return out
}

// drawChanges lists Meta.Changes under the table (on a new page when the
// last one is full): what the current version changed (п. 5.3 actualization).
func (d *pdfDoc) drawChanges(y float64, lines []string) {
	if len(lines) == 0 {
		return
	}
	f := d.f
	width := d.colX[5] - d.colX[0]
	places := placeChanges(y, len(lines))
	page := 0
	moveTo := func(p pdfPlace) {
		for page < p.page {
			f.AddPage()
			page++
		}
		f.SetXY(d.colX[0], p.y)
	}
	moveTo(places[0])
	f.SetFont(pdfFontFamily, "B", pdfFontSize+1)
	f.CellFormat(width, pdfTitleLine, "Изменения в этой редакции", "", 0, "L", false, 0, "")
	f.SetFont(pdfFontFamily, "", pdfFontSize)
	for i, l := range lines {
		moveTo(places[i+1])
		f.CellFormat(width, pdfLine, l, "", 0, "L", false, 0, "")
	}
}

// drawPage draws the rows of one page starting at y.
func (d *pdfDoc) drawPage(p pdfPage, y float64) float64 {
	f := d.f
	ys := make([]float64, len(p.Rows)+1)
	ys[0] = y
	for k, h := range p.Heights {
		ys[k+1] = ys[k] + h
	}
	f.SetFont(pdfFontFamily, "", pdfFontSize)
	f.SetTextColor(0, 0, 0)
	for k, i := range p.Rows {
		d.cell(3, ys[k], ys[k+1], d.need[i], "L")
	}
	capacity := func(s pdfSeg) int { return int((ys[s.Last+1]-ys[s.First]-2*pdfPadV)/pdfLine + 0.01) }
	for _, s := range p.Tps {
		i := p.Rows[s.First]
		t, start, c := d.texts[i], d.tpStart[i], capacity(s)
		d.cell(2, ys[s.First], ys[s.Last+1], d.flow(2, start, t.tp, t.tpCont, c), "L")
		d.cell(4, ys[s.First], ys[s.Last+1], d.flow(4, start, t.kind, t.kind, c), "C")
	}
	for _, s := range p.Procs {
		i := p.Rows[s.First]
		t, start, c := d.texts[i], d.procStart[i], capacity(s)
		d.cell(0, ys[s.First], ys[s.Last+1], d.flow(0, start, t.number, t.number, c), "C")
		d.cell(1, ys[s.First], ys[s.Last+1], d.flow(1, start, t.process, t.procCont, c), "L")
	}
	return ys[len(ys)-1]
}

// cell draws graph col between y0 and y1 with its lines top-aligned; lines
// that would run past the page (a single cell taller than a page) stop at
// the bottom margin.
func (d *pdfDoc) cell(col int, y0, y1 float64, lines []string, align string) {
	f := d.f
	bottom := pdfPageH - pdfBottom
	f.Rect(d.colX[col], y0, pdfColW[col], min(y1, bottom)-y0, "D")
	for k, l := range lines {
		ly := y0 + pdfPadV + float64(k)*pdfLine
		if ly+pdfLine > bottom {
			break
		}
		if l == pdfContinued {
			f.SetTextColor(96, 96, 96)
		}
		f.SetXY(d.colX[col], ly)
		f.CellFormat(pdfColW[col], pdfLine, l, "", 0, align, false, 0, "")
		if l == pdfContinued {
			f.SetTextColor(0, 0, 0)
		}
	}
}

func (d *pdfDoc) footer() {
	f := d.f
	f.SetFont(pdfFontFamily, "", pdfFontSize-1)
	f.SetTextColor(64, 64, 64)
	y := pdfPageH - pdfBottom + 4
	const leftW = 230.0
	if d.footLeft == nil {
		left := d.footerLeft(leftW - 2*pdfPadH)
		d.footLeft = &left
	}
	f.SetXY(pdfMargin, y)
	f.CellFormat(leftW, pdfLine, *d.footLeft, "", 0, "L", false, 0, "")
	const pageNoW = 32.0
	f.SetXY(pdfPageW-pdfMargin-pageNoW, y)
	f.CellFormat(pageNoW, pdfLine, fmt.Sprintf("Стр. %d из %d", f.PageNo(), d.pages), "", 0, "R", false, 0, "")
	f.SetTextColor(0, 0, 0)
}

// footerLeft is the footer's left part — organisation, version, source —
// shortened with «…» to width; the same on every page, so made once.
func (d *pdfDoc) footerLeft(width float64) string {
	var parts []string
	for _, p := range []string{d.meta.Organisation, officialVersion(d.meta), d.meta.Source} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	left := strings.Join(parts, " · ")
	if d.f.GetStringWidth(left) <= width {
		return left
	}
	r := []rune(left)
	for len(r) > 0 && d.f.GetStringWidth(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// pdfSafe makes text drawable: fpdf's font subsetter handles the Basic
// Multilingual Plane only (it panics on emoji), and control characters
// have no glyphs. Line breaks stay; tabs become spaces.
func pdfSafe(s string) string {
	clean := true
	for _, r := range s {
		if r > 0xFFFF || (unicode.IsControl(r) && r != '\n') || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case r > 0xFFFF:
			return '\uFFFD'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func pdfSafeMeta(m Meta) Meta {
	m.Organisation, m.VersionLabel, m.Source = pdfSafe(m.Organisation), pdfSafe(m.VersionLabel), pdfSafe(m.Source)
	changes := make([]string, len(m.Changes))
	for i, c := range m.Changes {
		changes[i] = pdfSafe(c)
	}
	m.Changes = changes
	return m
}
