package sheetsfake

import (
	"bufio"
	"compress/gzip"
	"errors"
	"net"
	"net/http"
	"strings"
)

// gzipSlots bounds how many responses the fake compresses at once. Each
// compressor holds ~1 MB of tables whatever the level; with one per
// in-flight response, fifty sources made the soak test's live heap look
// like a leak. A few reused compressors cost a constant ~4 MB.
const gzipSlots = 4

// compressor is a reusable gzip writer and the level it was made for.
type compressor struct {
	zw    *gzip.Writer
	level int
}

// serveEncoded compresses the response as Google does: only when the
// request accepts gzip *and* its User-Agent contains "gzip"
// (developers.google.com/sheets/api/guides/performance#gzip). A client
// without "gzip" in its User-Agent gets the JSON uncompressed, whatever
// its Accept-Encoding says.
func (f *Fake) serveEncoded(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || !strings.Contains(r.Header.Get("User-Agent"), "gzip") {
		f.serve(w, r)
		return
	}
	f.count("gzip")
	f.mu.Lock()
	level := f.gzipLevel
	f.mu.Unlock()
	gw := &gzipWriter{ResponseWriter: w, level: level, slots: f.gzipFree}
	defer gw.close()
	f.serve(gw, r)
}

// SetGzipLevel sets the compression level of gzip responses (compress/gzip
// levels). The default, gzip.BestSpeed, keeps the many-source tests cheap
// under -race; Google does not publish its level, so byte counts meant to
// stand for Google's are measured at gzip.DefaultCompression.
func (f *Fake) SetGzipLevel(level int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gzipLevel = level
}

// gzipWriter compresses what the handler writes, with a compressor taken
// from slots when the first byte is written and given back at the end; a
// handler that hijacks the connection (DropNext) takes none.
type gzipWriter struct {
	http.ResponseWriter
	level int
	slots chan *compressor
	c     *compressor
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.c == nil {
		h := g.Header()
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		g.c = <-g.slots // nil: a free slot without a compressor yet
		if g.c == nil || g.c.level != g.level {
			zw, err := gzip.NewWriterLevel(g.ResponseWriter, g.level)
			if err != nil {
				zw = gzip.NewWriter(g.ResponseWriter)
			}
			g.c = &compressor{zw: zw, level: g.level}
		} else {
			g.c.zw.Reset(g.ResponseWriter)
		}
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if g.c == nil {
		g.WriteHeader(http.StatusOK)
	}
	return g.c.zw.Write(b)
}

func (g *gzipWriter) close() {
	if g.c != nil {
		_ = g.c.zw.Close()
		g.c.zw.Reset(nil) // drop the response writer
		g.slots <- g.c
	}
}

func (g *gzipWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if hj, ok := g.ResponseWriter.(http.Hijacker); ok {
		return hj.Hijack()
	}
	return nil, nil, errors.New("sheetsfake: connection cannot be hijacked")
}
