package render

import (
	"fmt"
	"io"
	"strings"
	"time"

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
	pdfNbAlias         = "{nb}"
)

// pdfColW are the widths of graphs 1–5; they fill the 277 mm between margins.
var pdfColW = [5]float64{11, 62, 50, 114, 40}

// pdfEpoch stands in for a missing version date: the output must never
// depend on the clock.
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Render writes the PDF.
func (*PDF) Render(w io.Writer, reg *rules.Registry, meta Meta) error {
	doc := newPDFDoc(reg, meta)
	if err := doc.build(); err != nil {
		return err
	}
	if err := doc.f.Output(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// pdfDoc is one render in progress.
type pdfDoc struct {
	f        *fpdf.Fpdf
	reg      *rules.Registry
	meta     Meta
	rows     []spannedRow
	captions [5]string
	colX     [6]float64
	// measured text, per row
	need, number, process, procCont, tp, tpCont, kind [][]string
	headLines                                         [5][]string
	headH                                             float64
}

func newPDFDoc(reg *rules.Registry, meta Meta) *pdfDoc {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "L", UnitStr: "mm", SizeStr: "A4"})
	f.SetCompression(true)
	f.SetCatalogSort(true)
	created := meta.Version
	if created.IsZero() {
		created = pdfEpoch
	}
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	title := officialTitle(reg, meta.Profile)
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
	f.AddUTF8FontFromBytes(pdfFontFamily, "", fontRegular)
	f.AddUTF8FontFromBytes(pdfFontFamily, "B", fontBold)
	f.AliasNbPages(pdfNbAlias)
	d := &pdfDoc{f: f, reg: reg, meta: meta, rows: spannedRows(reg), captions: officialCaptions(meta.Profile)}
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
	layout := paginate(d.rows, pdfSpanHeights{
		Row: func(i int) float64 { return pdfCellH(len(d.need[i])) },
		Proc: func(i int, cont bool) float64 {
			if cont {
				return pdfCellH(max(len(d.number[i]), len(d.procCont[i])))
			}
			return pdfCellH(max(len(d.number[i]), len(d.process[i])))
		},
		Tp: func(i int, cont bool) float64 {
			if cont {
				return pdfCellH(max(len(d.tpCont[i]), len(d.kind[i])))
			}
			return pdfCellH(max(len(d.tp[i]), len(d.kind[i])))
		},
	}, usable-titleH, usable)
	d.f.SetFooterFunc(d.footer)
	for pi, page := range layout.Pages {
		d.f.AddPage()
		y := pdfMargin
		if pi == 0 {
			y = d.drawTitle(y)
		}
		y = d.drawHeader(y)
		if len(d.rows) == 0 {
			d.drawEmpty(y)
		}
		d.drawPage(page, y)
	}
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
	d.need, d.number, d.process, d.procCont = make([][]string, n), make([][]string, n), make([][]string, n), make([][]string, n)
	d.tp, d.tpCont, d.kind = make([][]string, n), make([][]string, n), make([][]string, n)
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
		if r.ProcFirst || i == 0 {
			d.number[i] = split(r.Number, 0)
			d.process[i] = split(r.Process, 1)
			d.procCont[i] = append(append([]string(nil), d.process[i]...), pdfContinued)
		} else {
			d.number[i], d.process[i], d.procCont[i] = d.number[i-1], d.process[i-1], d.procCont[i-1]
		}
		if r.TpFirst || i == 0 {
			d.tp[i] = split(r.Touchpoint, 2)
			d.kind[i] = split(r.Kind, 4)
			d.tpCont[i] = append(append([]string(nil), d.tp[i]...), pdfContinued)
		} else {
			d.tp[i], d.kind[i], d.tpCont[i] = d.tp[i-1], d.kind[i-1], d.tpCont[i-1]
		}
	}
}

// titleLines splits the title block: "ПЕРЕЧЕНЬ" on its own line as in the
// official form, the rest wrapped, then the organisation and the version.
func (d *pdfDoc) titleLines() (bold, plain []string) {
	width := pdfPageW - 2*pdfMargin - 40
	title := officialTitle(d.reg, d.meta.Profile)
	head, rest, _ := strings.Cut(title, " ")
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

func (d *pdfDoc) drawEmpty(y float64) {
	w := d.colX[5] - d.colX[0]
	d.f.Rect(d.colX[0], y, w, pdfCellH(1), "D")
	d.f.SetXY(d.colX[0], y+pdfPadV)
	d.f.CellFormat(w, pdfLine, "Перечень не содержит процессов", "", 0, "C", false, 0, "")
}

// drawPage draws the rows of one page starting at y.
func (d *pdfDoc) drawPage(p pdfPage, y float64) {
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
	for _, s := range p.Tps {
		i := p.Rows[s.First]
		tp := d.tp[i]
		if s.Cont {
			tp = d.tpCont[i]
		}
		d.cell(2, ys[s.First], ys[s.Last+1], tp, "L")
		d.cell(4, ys[s.First], ys[s.Last+1], d.kind[i], "C")
	}
	for _, s := range p.Procs {
		i := p.Rows[s.First]
		name := d.process[i]
		if s.Cont {
			name = d.procCont[i]
		}
		d.cell(0, ys[s.First], ys[s.Last+1], d.number[i], "C")
		d.cell(1, ys[s.First], ys[s.Last+1], name, "L")
	}
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
	left := strings.TrimSpace(d.meta.Organisation)
	if v := officialVersion(d.meta); v != "" {
		if left != "" {
			left += " · "
		}
		left += v
	}
	f.SetXY(pdfMargin, y)
	f.CellFormat(200, pdfLine, left, "", 0, "L", false, 0, "")
	f.SetXY(pdfPageW-pdfMargin-60, y)
	f.CellFormat(60, pdfLine, fmt.Sprintf("Стр. %d из %s", f.PageNo(), pdfNbAlias), "", 0, "R", false, 0, "")
	f.SetTextColor(0, 0, 0)
}
