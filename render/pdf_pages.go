package render

import (
	"bytes"
	"reflect"
	"unsafe"

	"codeberg.org/go-pdf/fpdf"
)

// fpdf keeps each page's content in a buffer and, when the document is
// written, copies every page into one growing buffer of the whole document
// (twice: a string conversion, then the append). For a 10,000-row registry
// that is megabytes of memory touched for nothing — about a seventh of
// `perechen render --format pdf` — since pdfDeflatePages rewrites every page
// stream anyway. takePages hands the finished page contents to the
// compressor and leaves fpdf empty pages to write; pdfDeflatePages puts the
// contents back. fpdf has no accessor for page contents, so this reads its
// unexported `pages` field (codeberg.org/go-pdf/fpdf v0.12.0, pinned in
// go.mod). When that field is not there or not of the expected type,
// takePages returns nil and fpdf writes the pages itself: the output is the
// same bytes either way (TestPDFTakenPagesSameBytes), and
// TestPDFPagesReachable says so when an fpdf upgrade changes its insides.

// fpdfPages is fpdf's page buffers (index 1…n), nil when unavailable.
func fpdfPages(f *fpdf.Fpdf) []*bytes.Buffer {
	v := reflect.ValueOf(f).Elem().FieldByName("pages")
	if !v.IsValid() || v.Type() != reflect.TypeFor[[]*bytes.Buffer]() || !v.CanAddr() {
		return nil
	}
	return *(*[]*bytes.Buffer)(unsafe.Pointer(v.UnsafeAddr()))
}

// takePages finishes the last page (its footer, which fpdf would draw when
// closing the document) and takes the contents of all pages: element i is
// page i's content stream, element 0 is unused. nil leaves everything to
// fpdf.
func (d *pdfDoc) takePages() [][]byte {
	pages := fpdfPages(d.f)
	if len(pages) < 2 || d.f.Err() {
		return nil
	}
	d.footer()
	d.f.SetFooterFunc(nil)
	contents := make([][]byte, len(pages))
	for i := 1; i < len(pages); i++ {
		contents[i] = pages[i].Bytes()
		*pages[i] = bytes.Buffer{} // fpdf writes an empty stream; the content lives on in contents[i]
	}
	return contents
}

// pdfHeaderCopy draws the table header of pages 2…n. Those headers are the
// same bytes on every page — same place, and the same drawing state when
// each page begins — so the second page's is drawn by fpdf and the rest are
// copies of its bytes: a quarter of the drawing calls of a long registry
// go. Without fpdf's page buffers every header is drawn.
type pdfHeaderCopy struct {
	bytes []byte  // the header as drawn on page 2
	y     float64 // where the header ends
}

func (h *pdfHeaderCopy) draw(d *pdfDoc, y float64) float64 {
	pages, page := fpdfPages(d.f), d.f.PageNo()
	if !d.replayHeader || page >= len(pages) {
		return d.drawHeader(y)
	}
	if h.bytes == nil {
		start := pages[page].Len()
		h.y = d.drawHeader(y)
		h.bytes = bytes.TrimSuffix(bytes.Clone(pages[page].Bytes()[start:]), []byte("\n"))
		return h.y
	}
	d.f.RawWriteStr(string(h.bytes)) // RawWriteStr ends it with the "\n" trimmed above
	return h.y
}
