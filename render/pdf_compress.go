package render

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
)

// pdfDeflatePages compresses the page content streams of an uncompressed fpdf
// document and rewrites its cross-reference table. fpdf's own compression
// builds a new zlib writer for every page (over a megabyte each), which was
// two thirds of the time of a 10,000-row render; here each core reuses one
// writer, reset per stream. Streams are compressed independently, so the
// bytes are the same whatever the number of cores. Streams other than plain
// "<</Length n>>" ones (fonts are compressed by fpdf already) are copied as
// they are.
func pdfDeflatePages(in []byte, pages [][]byte) ([]byte, error) {
	objs, xref, err := pdfObjects(in)
	if err != nil {
		return nil, err
	}
	parts := make([]pdfPart, len(objs))
	for i, o := range objs {
		end := xref
		if i+1 < len(objs) {
			end = objs[i+1].off
		}
		parts[i] = pdfSplitObject(o, in[o.off:end])
	}
	if pages != nil {
		if err := pdfPutPages(objs, parts, pages); err != nil {
			return nil, err
		}
	}
	if err := pdfCompressParts(parts); err != nil {
		return nil, err
	}
	out := bytes.NewBuffer(make([]byte, 0, len(in)/3))
	out.Write(in[:objs[0].off])
	offsets := make([]int, len(objs)+1)
	for i, o := range objs {
		offsets[o.num] = out.Len()
		p := parts[i]
		if p.stream == nil {
			out.Write(p.body)
			continue
		}
		fmt.Fprintf(out, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", o.num, len(p.packed))
		out.Write(p.packed)
		out.WriteString(pdfStreamTail)
	}
	trailer := bytes.Index(in[xref:], []byte("trailer\n"))
	startxref := bytes.LastIndex(in, []byte("startxref\n"))
	if trailer < 0 || startxref < xref+trailer {
		return nil, errors.New("pdf: no trailer")
	}
	newXref := out.Len()
	fmt.Fprintf(out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for j := 1; j <= len(objs); j++ {
		fmt.Fprintf(out, "%010d 00000 n \n", offsets[j])
	}
	out.Write(in[xref+trailer : startxref])
	fmt.Fprintf(out, "startxref\n%d\n%%%%EOF\n", newXref)
	return out.Bytes(), nil
}

const pdfStreamTail = "\nendstream\nendobj\n"

// pdfPart is one object: copied as it is (stream nil) or a plain stream to
// compress into packed.
type pdfPart struct {
	body, stream, packed []byte
}

// pdfPutPages gives the page objects' (empty) content streams the page
// contents taken from fpdf (pdf_pages.go): pages[i] is the i-th page in
// file order, which is fpdf's page order.
func pdfPutPages(objs []pdfObject, parts []pdfPart, pages [][]byte) error {
	index := make(map[int]int, len(objs))
	for i, o := range objs {
		index[o.num] = i
	}
	n := 0
	for _, p := range parts {
		if !bytes.Contains(p.body, []byte("<</Type /Page\n")) {
			continue
		}
		n++
		_, rest, found := bytes.Cut(p.body, []byte("/Contents "))
		ref, _, _ := bytes.Cut(rest, []byte(" 0 R"))
		num, err := strconv.Atoi(string(ref))
		i, known := index[num]
		if !found || err != nil || !known || n >= len(pages) || parts[i].stream == nil || len(parts[i].stream) != 0 {
			return fmt.Errorf("pdf: page %d: its content stream is not where fpdf puts it", n)
		}
		parts[i].stream = pages[n]
	}
	if n != len(pages)-1 {
		return fmt.Errorf("pdf: %d pages written, %d drawn", n, len(pages)-1)
	}
	return nil
}

// pdfSplitObject finds the stream of an "n 0 obj <</Length n>> stream …"
// object; anything else is kept whole.
func pdfSplitObject(o pdfObject, body []byte) pdfPart {
	head := fmt.Sprintf("%d 0 obj\n<</Length ", o.num)
	if !bytes.HasPrefix(body, []byte(head)) {
		return pdfPart{body: body}
	}
	rest := body[len(head):]
	n := bytes.IndexByte(rest, '>')
	length, err := strconv.Atoi(string(rest[:max(0, n)]))
	const open = ">>\nstream\n"
	if n < 0 || err != nil || length < 0 || !bytes.HasPrefix(rest[n:], []byte(open)) ||
		len(rest) < n+len(open)+length+len(pdfStreamTail) || string(rest[n+len(open)+length:]) != pdfStreamTail {
		return pdfPart{body: body}
	}
	return pdfPart{body: body, stream: rest[n+len(open) : n+len(open)+length]}
}

// pdfCompressParts deflates the streams, one worker per core, each stream
// claimed from a shared counter so that big and small pages even out.
func pdfCompressParts(parts []pdfPart) error {
	workers := min(runtime.GOMAXPROCS(0), 8)
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make([]error, workers)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var zbuf bytes.Buffer
			zw, _ := zlib.NewWriterLevel(&zbuf, zlib.BestSpeed)
			for {
				i := int(next.Add(1)) - 1
				if i >= len(parts) {
					return
				}
				if parts[i].stream == nil {
					continue
				}
				zbuf.Reset()
				zw.Reset(&zbuf)
				if _, err := zw.Write(parts[i].stream); err != nil {
					errs[w] = err
					return
				}
				if err := zw.Close(); err != nil {
					errs[w] = err
					return
				}
				parts[i].packed = bytes.Clone(zbuf.Bytes())
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

type pdfObject struct{ num, off int }

// pdfObjects reads the cross-reference table of an fpdf document: objects
// 1..n, each in use, in one subsection. They are returned in file order.
func pdfObjects(in []byte) ([]pdfObject, int, error) {
	i := bytes.LastIndex(in, []byte("startxref\n"))
	if i < 0 {
		return nil, 0, errors.New("pdf: no startxref")
	}
	line, _, _ := bytes.Cut(in[i+len("startxref\n"):], []byte("\n"))
	xref, err := strconv.Atoi(string(line))
	if err != nil || xref <= 0 || xref >= len(in) || !bytes.HasPrefix(in[xref:], []byte("xref\n0 ")) {
		return nil, 0, errors.New("pdf: bad startxref")
	}
	rest := in[xref+len("xref\n0 "):]
	line, rest, _ = bytes.Cut(rest, []byte("\n"))
	size, err := strconv.Atoi(string(line))
	if err != nil || size < 2 {
		return nil, 0, errors.New("pdf: bad xref size")
	}
	const entry = 20 // "0000000009 00000 n \n"
	if len(rest) < size*entry {
		return nil, 0, errors.New("pdf: short xref")
	}
	objs := make([]pdfObject, 0, size-1)
	for j := 1; j < size; j++ {
		e := rest[j*entry : (j+1)*entry]
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil || e[17] != 'n' || off <= 0 || off >= xref {
			return nil, 0, fmt.Errorf("pdf: bad xref entry %d", j)
		}
		objs = append(objs, pdfObject{num: j, off: off})
	}
	slices.SortFunc(objs, func(a, b pdfObject) int { return a.off - b.off })
	return objs, xref, nil
}
