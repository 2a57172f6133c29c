package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"github.com/perechen-oiv/perechen/rules"
)

// PDF writes the official form as an A4 landscape PDF with an embedded
// Cyrillic font: title block, the five-column table with wrapped text, row
// spans continued across pages under a repeated header, "Стр. N из M".
type PDF struct{}

var _ Renderer = (*PDF)(nil)

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
	pdfNbAlias         = "{perechen:nb}" // not "{nb}": fpdf would replace it in cell text too
)

// pdfColW are the widths of graphs 1–5; they fill the 277 mm between margins.
var pdfColW = [5]float64{11, 62, 50, 114, 40}

// pdfEpoch stands in for a missing version date: the output must never
// depend on the clock.
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Render writes the PDF.
func (*PDF) Render(w io.Writer, reg *rules.Registry, meta Meta) (err error) {
	defer func() {
		// fpdf panics on some input it cannot encode; a registry is input, not a bug
		if p := recover(); p != nil {
			err = fmt.Errorf("pdf: %v", p)
		}
	}()
	doc := newPDFDoc(reg, meta)
	if err := doc.build(); err != nil {
		return err
	}
	var raw bytes.Buffer
	if err := doc.f.Output(&raw); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	data, err := pdfDeflatePages(raw.Bytes())
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// pdfDoc is one render in progress.
type pdfDoc struct {
	f        *fpdf.Fpdf
	meta     Meta
	title    string
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
	procStart, tpStart []int // first row of each row's process and touchpoint span
	printed            map[[2]int]int
}

// pdfTexts are the wrapped texts of a row's spans (shared by their rows).
type pdfTexts struct {
	number, process, procCont, tp, tpCont, kind []string
}

func newPDFDoc(reg *rules.Registry, meta Meta) *pdfDoc {
	meta = pdfSafeMeta(meta)
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "L", UnitStr: "mm", SizeStr: "A4"})
	f.SetCompression(false) // pdfDeflatePages compresses the pages afterwards, faster
	f.SetCatalogSort(true)
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
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(false, pdfBottom)
	f.SetCellMargin(pdfPadH)
	f.AddUTF8FontFromBytes(pdfFontFamily, "", pdfFontRegular)
	f.AddUTF8FontFromBytes(pdfFontFamily, "B", pdfFontBold)
	f.AliasNbPages(pdfNbAlias)
	d := &pdfDoc{f: f, meta: meta, title: title, rows: spannedRows(reg), captions: officialCaptions(meta.Profile), printed: map[[2]int]int{}}
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
	d.f.SetFooterFunc(d.footer)
	y := pdfMargin
	for pi, page := range layout.Pages {
		d.f.AddPage()
		y = pdfMargin
		if pi == 0 {
			y = d.drawTitle(y)
		}
		y = d.drawHeader(y)
		if len(d.rows) == 0 {
			y = d.drawEmpty(y)
		}
		y = d.drawPage(page, y)
	}
	d.drawChanges(y)
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
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
)

func (d *pdfDoc) titleHeight() float64 {
	bold, plain := d.titleLines()
	return float64(len(bold))*pdfTitleLine + float64(len(plain))*pdfPlainLine + pdfTitleGap
}

func (d *pdfDoc) drawTitle(y float64) float64 {
	f := d.f
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
	return y + pdfNumberRowH
}

func (d *pdfDoc) drawEmpty(y float64) float64 {
	w := d.colX[5] - d.colX[0]
	d.f.Rect(d.colX[0], y, w, pdfCellH(1), "D")
	d.f.SetXY(d.colX[0], y+pdfPadV)
	d.f.CellFormat(w, pdfLine, "Перечень не содержит процессов", "", 0, "C", false, 0, "")
	return y + pdfCellH(1)
}

// drawChanges lists Meta.Changes under the table (on a new page when the
// last one is full): what the current version changed (п. 5.3 actualization).
func (d *pdfDoc) drawChanges(y float64) {
	if len(d.meta.Changes) == 0 {
		return
	}
	f := d.f
	width := d.colX[5] - d.colX[0]
	f.SetFont(pdfFontFamily, "", pdfFontSize)
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
	bottom := pdfPageH - pdfBottom
	y += 6
	if y+pdfTitleLine+pdfLine > bottom {
		f.AddPage()
		y = pdfMargin
	}
	f.SetFont(pdfFontFamily, "B", pdfFontSize+1)
	f.SetXY(d.colX[0], y)
	f.CellFormat(width, pdfTitleLine, "Изменения в этой редакции", "", 0, "L", false, 0, "")
	y += pdfTitleLine
	f.SetFont(pdfFontFamily, "", pdfFontSize)
	for _, l := range lines {
		if y+pdfLine > bottom {
			f.AddPage()
			y = pdfMargin
		}
		f.SetXY(d.colX[0], y)
		f.CellFormat(width, pdfLine, l, "", 0, "L", false, 0, "")
		y += pdfLine
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
	var parts []string
	for _, p := range []string{d.meta.Organisation, officialVersion(d.meta), d.meta.Source} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	left := strings.Join(parts, " · ")
	const leftW = 230.0
	if f.GetStringWidth(left) > leftW-2*pdfPadH {
		r := []rune(left)
		for len(r) > 0 && f.GetStringWidth(string(r)+"…") > leftW-2*pdfPadH {
			r = r[:len(r)-1]
		}
		left = string(r) + "…"
	}
	f.SetXY(pdfMargin, y)
	f.CellFormat(leftW, pdfLine, left, "", 0, "L", false, 0, "")
	// left-aligned at a fixed place: the alias is wider than the number it stands for
	const pageNoW = 32.0
	f.SetXY(pdfPageW-pdfMargin-pageNoW, y)
	f.CellFormat(pageNoW, pdfLine, fmt.Sprintf("Стр. %d из %s", f.PageNo(), pdfNbAlias), "", 0, "L", false, 0, "")
	f.SetTextColor(0, 0, 0)
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
