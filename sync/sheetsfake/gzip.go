package sheetsfake

import (
	"bufio"
	"compress/gzip"
	"errors"
	"net"
	"net/http"
	"strings"
)

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
	gw := &gzipWriter{ResponseWriter: w, level: level}
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

// gzipWriter compresses what the handler writes; a handler that hijacks
// the connection (DropNext) writes nothing through it.
type gzipWriter struct {
	http.ResponseWriter
	level int
	gz    *gzip.Writer
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.gz == nil {
		h := g.Header()
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		zw, err := gzip.NewWriterLevel(g.ResponseWriter, g.level)
		if err != nil {
			zw = gzip.NewWriter(g.ResponseWriter)
		}
		g.gz = zw
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if g.gz == nil {
		g.WriteHeader(http.StatusOK)
	}
	return g.gz.Write(b)
}

func (g *gzipWriter) close() {
	if g.gz != nil {
		_ = g.gz.Close()
	}
}

func (g *gzipWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if hj, ok := g.ResponseWriter.(http.Hijacker); ok {
		return hj.Hijack()
	}
	return nil, nil, errors.New("sheetsfake: connection cannot be hijacked")
}
