package render

import (
	"bytes"
	"compress/zlib"
	"io"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// TestPDFDeflatePages compares with fpdf's own compression: the same page
// streams once inflated, and a cross-reference table pointing at objects.
func TestPDFDeflatePages(t *testing.T) {
	build := func(compress bool) []byte {
		f := fpdf.New("L", "mm", "A4", "")
		f.SetCompression(compress)
		f.SetCreationDate(pdfEpoch)
		f.SetModificationDate(pdfEpoch)
		f.SetFont("Helvetica", "", 12)
		for i := range 3 {
			f.AddPage()
			f.Text(20, 20, strings.Repeat("page ", i+1))
		}
		var b bytes.Buffer
		if err := f.Output(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	got, err := pdfDeflatePages(build(false), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := build(true)
	if a, b := pxInflateAll(t, got), pxInflateAll(t, want); a != b {
		t.Errorf("inflated streams differ:\n%s\n---\n%s", a, b)
	}
	objs, _, err := pdfObjects(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if !bytes.HasPrefix(got[o.off:], []byte(pxItoa(o.num)+" 0 obj\n")) {
			t.Errorf("xref entry of object %d points at %q", o.num, got[o.off:o.off+12])
		}
	}
	if _, err := pdfDeflatePages([]byte("%PDF-1.3\nnot a pdf"), nil); err == nil {
		t.Error("garbage accepted")
	}
}

// inflateAll joins the inflated content of every FlateDecode stream.
func pxInflateAll(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	for _, part := range bytes.Split(pdf, []byte("/Filter /FlateDecode /Length "))[1:] {
		_, data, ok := bytes.Cut(part, []byte(">>\nstream\n"))
		if !ok {
			t.Fatal("stream without data")
		}
		end := bytes.Index(data, []byte("\nendstream"))
		r, err := zlib.NewReader(bytes.NewReader(data[:end]))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(b)
		out.WriteString("\n--\n")
	}
	return out.String()
}

// TestPDFSinkPieces: a document written in pieces gives the same bytes as
// one written at once (fpdf's way), and nothing may follow its end.
func TestPDFSinkPieces(t *testing.T) {
	f := fpdf.New("L", "mm", "A4", "")
	f.SetCompression(false)
	f.SetCreationDate(pdfEpoch)
	f.SetFont("Helvetica", "", 12)
	f.AddPage()
	f.Text(20, 20, "page")
	var raw bytes.Buffer
	if err := f.Output(&raw); err != nil {
		t.Fatal(err)
	}
	doc := raw.Bytes()
	var whole, pieces bytes.Buffer
	one := &pdfSink{w: &whole}
	one.Write(doc)
	if err := one.finish(); err != nil {
		t.Fatal(err)
	}
	if _, err := one.Write([]byte("x")); err == nil {
		t.Error("a write after the end of the document was accepted")
	}
	many := &pdfSink{w: &pieces}
	for _, p := range [][]byte{doc[:10], doc[10 : len(doc)/2], doc[len(doc)/2:]} {
		many.Write(p)
	}
	if err := many.finish(); err != nil {
		t.Fatal(err)
	}
	if whole.Len() == 0 || !bytes.Equal(whole.Bytes(), pieces.Bytes()) {
		t.Errorf("pieces give %d bytes, one write %d", pieces.Len(), whole.Len())
	}
}
