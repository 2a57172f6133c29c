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
	gw := &gzipWriter{ResponseWriter: w}
	defer gw.close()
	f.serve(gw, r)
}

// gzipWriter compresses what the handler writes; a handler that hijacks
// the connection (DropNext) writes nothing through it.
type gzipWriter struct {
	http.ResponseWriter
	gz *gzip.Writer
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.gz == nil {
		h := g.Header()
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		g.gz = gzip.NewWriter(g.ResponseWriter)
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
