// Package davfake is an in-memory WebDAV server on loopback for tests of
// the publish targets and the daemon: PUT, GET, HEAD, MKCOL, MOVE, DELETE,
// Basic auth, fault injection and request counts. It follows RFC 4918
// strictly (PUT into a missing collection is 409), like Apache mod_dav.
package davfake

import (
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
)

// Options configure a Server.
type Options struct {
	Username, Password string // Basic auth for every request when Username is set
	TLS                bool   // serve HTTPS with httptest's self-signed certificate
	// ReadWithoutAuth lets GET and HEAD through without credentials, like a
	// site whose pages are public but whose WebDAV needs a login.
	ReadWithoutAuth bool
}

// Cleaner is satisfied by *testing.T and *testing.B.
type Cleaner interface{ Cleanup(func()) }

// Request is one request the server saw.
type Request struct {
	Method, Path, Destination string
	Status                    int
}

// Server is the fake. URL is its base, e.g. http://127.0.0.1:34567.
type Server struct {
	URL string
	srv *httptest.Server

	opts  Options
	mu    gosync.Mutex
	files map[string][]byte // clean path → content
	dirs  map[string]bool   // clean path → exists; "/" always
	log   []Request
	fault func(method, path string) int
	fails []fault
}

type fault struct {
	method string
	status int
	left   int
}

// New starts a server; with a non-nil c it is closed in c.Cleanup.
func New(c Cleaner, o Options) *Server {
	s := &Server{opts: o, files: map[string][]byte{}, dirs: map[string]bool{"/": true}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused TLS handshakes are expected in tests
	if o.TLS {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	s.URL = s.srv.URL
	if c != nil {
		c.Cleanup(s.Close)
	}
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// CertificatePEM is the TLS server's certificate (nil without TLS), for
// tests of a custom CA file.
func (s *Server) CertificatePEM() []byte {
	if s.srv.TLS == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// Client is an HTTP client that trusts the server's TLS certificate.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// FailNext makes the next n requests with this method ("" = any) answer status.
func (s *Server) FailNext(method string, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, fault{method: method, status: status, left: n})
}

// SetFault installs a hook consulted for every authorised request; a
// non-zero result is sent as the status instead of handling the request.
// The hook runs outside the server's lock, so it may sleep to imitate a
// slow server. nil removes it.
func (s *Server) SetFault(f func(method, path string) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// MkdirAll creates a collection and its parents.
func (s *Server) MkdirAll(p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for p = clean(p); ; p = path.Dir(p) {
		s.dirs[p] = true
		if p == "/" {
			return
		}
	}
}

// File returns a file's content.
func (s *Server) File(p string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.files[clean(p)]
	return append([]byte(nil), b...), ok
}

// Files lists every stored file path, sorted.
func (s *Server) Files() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.files))
	for p := range s.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Requests returns every request so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Counts returns the number of requests per method.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[string]int{}
	for _, r := range s.log {
		m[r.Method]++
	}
	return m
}

// Writes counts requests that change state (everything but GET, HEAD,
// OPTIONS, PROPFIND).
func (s *Server) Writes() int {
	n := 0
	for m, c := range s.Counts() {
		switch m {
		case http.MethodGet, http.MethodHead, http.MethodOptions, "PROPFIND":
		default:
			n += c
		}
	}
	return n
}

// ResetCounts clears the request log.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// authorized checks Basic auth; opts are fixed after New, so no lock.
func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Username == "" || (s.opts.ReadWithoutAuth && (r.Method == http.MethodGet || r.Method == http.MethodHead)) {
		return true
	}
	u, pw, ok := r.BasicAuth()
	return ok && u == s.opts.Username && pw == s.opts.Password
}

func clean(p string) string {
	return path.Clean("/" + p)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	p := clean(r.URL.Path)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	hook := s.fault
	s.mu.Unlock()
	faultStatus := 0
	if hook != nil && s.authorized(r) {
		faultStatus = hook(r.Method, p) // unlocked: a hook may sleep to imitate a slow server
	}
	s.mu.Lock()
	status := s.handle(w, r, p, body, faultStatus)
	s.log = append(s.log, Request{Method: r.Method, Path: p, Destination: r.Header.Get("Destination"), Status: status})
	s.mu.Unlock()
}

// handle runs with s.mu held and returns the status it wrote.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, p string, body []byte, faultStatus int) int {
	reply := func(code int) int {
		w.WriteHeader(code)
		return code
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="davfake"`)
		return reply(http.StatusUnauthorized)
	}
	if faultStatus != 0 {
		return reply(faultStatus)
	}
	for i := range s.fails {
		f := &s.fails[i]
		if f.left > 0 && (f.method == "" || f.method == r.Method) {
			f.left--
			return reply(f.status)
		}
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		b, ok := s.files[p]
		if !ok {
			return reply(http.StatusNotFound)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(b)
		}
		return http.StatusOK
	case http.MethodPut:
		if s.dirs[p] {
			return reply(http.StatusMethodNotAllowed)
		}
		if !s.dirs[path.Dir(p)] {
			return reply(http.StatusConflict)
		}
		_, existed := s.files[p]
		s.files[p] = body
		if existed {
			return reply(http.StatusNoContent)
		}
		return reply(http.StatusCreated)
	case "MKCOL":
		if len(body) > 0 {
			return reply(http.StatusUnsupportedMediaType)
		}
		if s.dirs[p] || s.files[p] != nil {
			return reply(http.StatusMethodNotAllowed)
		}
		if !s.dirs[path.Dir(p)] {
			return reply(http.StatusConflict)
		}
		s.dirs[p] = true
		return reply(http.StatusCreated)
	case http.MethodDelete:
		if _, ok := s.files[p]; ok {
			delete(s.files, p)
			return reply(http.StatusNoContent)
		}
		if s.dirs[p] && p != "/" {
			for q := range s.files {
				if strings.HasPrefix(q, p+"/") {
					delete(s.files, q)
				}
			}
			for q := range s.dirs {
				if q == p || strings.HasPrefix(q, p+"/") {
					delete(s.dirs, q)
				}
			}
			return reply(http.StatusNoContent)
		}
		return reply(http.StatusNotFound)
	case "MOVE":
		return reply(s.move(r, p))
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT, MKCOL, MOVE, DELETE")
		return reply(http.StatusMethodNotAllowed)
	}
}

// move handles MOVE of a file (collections are not needed by perechen).
func (s *Server) move(r *http.Request, p string) int {
	dst := r.Header.Get("Destination")
	if dst == "" {
		return http.StatusBadRequest
	}
	u, err := url.Parse(dst)
	if err != nil || (u.Host != "" && u.Host != r.Host) {
		return http.StatusBadGateway // RFC 4918 §9.9.4: destination on another server
	}
	d := clean(u.Path)
	b, ok := s.files[p]
	if !ok {
		return http.StatusNotFound
	}
	if !s.dirs[path.Dir(d)] {
		return http.StatusConflict
	}
	if s.dirs[d] {
		return http.StatusConflict
	}
	_, exists := s.files[d]
	if exists && strings.EqualFold(r.Header.Get("Overwrite"), "F") {
		return http.StatusPreconditionFailed
	}
	s.files[d] = b
	delete(s.files, p)
	if exists {
		return http.StatusNoContent
	}
	return http.StatusCreated
}
