package sheetsfake

import (
	"bufio"
	"compress/gzip"
	"errors"
	"net"
	"net/http"
	"strings"
	gosync "sync"
)

// gzipLevel is the fake's compression level.
const gzipLevel = gzip.DefaultCompression

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
	gw := &gzipWriter{ResponseWriter: w, pool: &f.gzipPool}
	defer gw.close()
	f.serve(gw, r)
}

// gzipWriter compresses what the handler writes; a handler that hijacks
// the connection (DropNext) writes nothing through it. Compressors are
// reused: a new one allocates ~1 MB, a cost every response of the
// many-source tests paid under -race.
type gzipWriter struct {
	http.ResponseWriter
	pool *gosync.Pool
	gz   *gzip.Writer
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.gz == nil {
		h := g.Header()
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		if zw, ok := g.pool.Get().(*gzip.Writer); ok {
			zw.Reset(g.ResponseWriter)
			g.gz = zw
		} else {
			g.gz, _ = gzip.NewWriterLevel(g.ResponseWriter, gzipLevel)
		}
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
		g.pool.Put(g.gz)
	}
}

func (g *gzipWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if hj, ok := g.ResponseWriter.(http.Hijacker); ok {
		return hj.Hijack()
	}
	return nil, nil, errors.New("sheetsfake: connection cannot be hijacked")
}
