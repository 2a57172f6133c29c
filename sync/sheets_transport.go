package sync

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
)

// userAgent names perechen to Google. Google compresses a response only
// when the request accepts gzip and its User-Agent contains "gzip"
// (developers.google.com/sheets/api/guides/performance#gzip): without it a
// 10,000-row sheet travels as ~2 MB of JSON every cycle.
func userAgent() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return "perechen/" + v + " (gzip)"
}

// gzipTransport asks Google for compressed responses and decompresses
// them itself, whatever the base transport (a proxy's, a metrics wrapper,
// one with DisableCompression) would do on its own.
type gzipTransport struct {
	base      http.RoundTripper
	userAgent string
}

func (t *gzipTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context()) // a RoundTripper must not change the caller's request
	r.Header.Set("User-Agent", t.userAgent)
	r.Header.Set("Accept-Encoding", "gzip")
	resp, err := t.base.RoundTrip(r)
	if err != nil || !strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		return resp, err
	}
	resp.Body = &gunzipBody{body: resp.Body}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	return resp, nil
}

// errBodyDamaged is a compressed body that does not decompress: garbled or
// cut off on the way, as transient as a dropped connection.
var errBodyDamaged = errors.New("damaged gzip body")

// gunzipBody decompresses lazily, so an empty or failed body costs nothing.
type gunzipBody struct {
	body io.ReadCloser
	zr   *gzip.Reader
}

func (g *gunzipBody) Read(p []byte) (int, error) {
	if g.zr == nil {
		zr, err := gzip.NewReader(g.body)
		if err != nil {
			return 0, damaged(err)
		}
		g.zr = zr
	}
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = damaged(err)
	}
	return n, err
}

func (g *gunzipBody) Close() error { return g.body.Close() }

// damaged keeps a cut-off body recognisable as one (io.ErrUnexpectedEOF)
// and marks every other decompression failure as errBodyDamaged.
func damaged(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %v", errBodyDamaged, err)
}
