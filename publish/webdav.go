package publish

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// WebDAVConfig configures a WebDAV target. Password comes from the
// environment or a file (the config loader resolves it), never from the URL.
type WebDAVConfig struct {
	URL        string // collection the files go to, e.g. https://site.example/perechen/
	Username   string
	Password   string
	CAFile     string // extra PEM CA bundle trusted on top of the system roots
	AllowHTTP  bool   // permit http:// (loopback tests, a trusted LAN)
	Timeout    time.Duration
	HTTPClient *http.Client // replaces the built client (tests); CAFile must then be empty
}

// WebDAVTarget uploads each file to a hidden temporary name with PUT and
// then MOVEs it over the real name (Overwrite: T). A WebDAV server renames
// within its storage, so readers see the old or the new file, never a
// partial one.
type WebDAVTarget struct {
	base     *url.URL // always ends with "/"
	name     string
	username string
	password string
	client   *http.Client
	timeout  time.Duration
}

var _ Target = (*WebDAVTarget)(nil)

// maxMkcolDepth bounds the walk up the path when collections are missing.
const maxMkcolDepth = 32

// NewWebDAVTarget checks the config and builds the HTTP client.
func NewWebDAVTarget(c WebDAVConfig) (*WebDAVTarget, error) {
	u, err := url.Parse(strings.TrimSpace(c.URL))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("webdav: адрес %q не похож на https://сервер/путь/", redactURL(c.URL))
	}
	if u.User != nil {
		return nil, fmt.Errorf("webdav %s: не указывайте логин и пароль в адресе — задайте username и password_env или password_file", redactURL(c.URL))
	}
	if u.Scheme == "http" && !c.AllowHTTP {
		return nil, fmt.Errorf("webdav %s: адрес http:// передаёт пароль открытым текстом; укажите https:// или, если сервер в доверенной сети, allow_http: true", u)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("webdav %s: в адресе не должно быть ? и #", u)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		u.RawPath = ""
	}
	t := &WebDAVTarget{
		base:     u,
		name:     "webdav:" + u.String(),
		username: c.Username,
		password: c.Password,
		timeout:  c.Timeout,
	}
	if t.timeout <= 0 {
		t.timeout = time.Minute
	}
	switch {
	case c.HTTPClient != nil && c.CAFile != "":
		return nil, fmt.Errorf("%s: ca_file нельзя сочетать с собственным HTTP-клиентом", t.name)
	case c.HTTPClient != nil:
		t.client = c.HTTPClient
	default:
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if c.CAFile != "" {
			pool, err := loadCAFile(c.CAFile)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t.name, err)
			}
			tr.TLSClientConfig.RootCAs = pool
		}
		t.client = &http.Client{
			Transport: tr,
			// A redirect would resend the body elsewhere; report it instead.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return t, nil
}

func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ca_file: не удалось прочитать %s: %w", path, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file: в %s нет ни одного сертификата в формате PEM", path)
	}
	return pool, nil
}

// Name is "webdav <url>", without credentials.
func (t *WebDAVTarget) Name() string { return t.name }

// Publish PUTs every file to a temporary name, then MOVEs them into place
// (index.html last). On failure the temporary files are deleted.
func (t *WebDAVTarget) Publish(ctx context.Context, v Version, files []File) error {
	if err := checkFiles(t.name, files); err != nil {
		return err
	}
	type upload struct {
		file File
		tmp  string
	}
	var pending []upload
	defer func() {
		// Whatever was not moved into place is removed, even if ctx ended.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		for _, u := range pending {
			_, _ = t.do(cctx, http.MethodDelete, t.fileURL(u.tmp), nil, nil)
		}
	}()

	madeDirs := false
	for _, f := range moveOrder(files) {
		u := upload{file: f, tmp: tempName(f.Name)}
		status, err := t.put(ctx, u.tmp, f.Data)
		if err == nil && missingCollection(status) && !madeDirs {
			// The collection (or a parent) is missing: create it and retry.
			if err := t.mkcolAll(ctx, t.base); err != nil {
				return err
			}
			madeDirs = true
			status, err = t.put(ctx, u.tmp, f.Data)
		}
		if err != nil {
			// The connection broke mid-upload: a partial file may exist.
			pending = append(pending, u)
			return t.fail("не удалось отправить "+f.Name, err)
		}
		if !statusOK(status) { // refused: nothing was stored
			return t.statusError("PUT "+f.Name, status)
		}
		pending = append(pending, u)
	}
	for len(pending) > 0 {
		u := pending[0]
		hdr := http.Header{
			"Destination": {t.fileURL(u.file.Name)},
			"Overwrite":   {"T"},
		}
		status, err := t.do(ctx, "MOVE", t.fileURL(u.tmp), hdr, nil)
		if err != nil {
			return t.fail("не удалось переименовать "+u.file.Name, err)
		}
		if !statusOK(status) {
			return t.statusError("MOVE "+u.file.Name, status)
		}
		pending = pending[1:]
	}
	return nil
}

func (t *WebDAVTarget) put(ctx context.Context, name string, data []byte) (int, error) {
	return t.do(ctx, http.MethodPut, t.fileURL(name), nil, data)
}

// mkcolAll creates the collection u, walking up while the server answers
// 409 Conflict (parent missing), then back down.
func (t *WebDAVTarget) mkcolAll(ctx context.Context, u *url.URL) error {
	var missing []*url.URL
	cur := u
	for depth := 0; ; depth++ {
		status, err := t.do(ctx, "MKCOL", cur.String(), nil, nil)
		if err != nil {
			return t.fail("не удалось создать папку "+cur.Path, err)
		}
		switch {
		case statusOK(status), status == http.StatusMethodNotAllowed: // created / already exists
		case status == http.StatusConflict && cur.Path != "/" && depth < maxMkcolDepth:
			missing = append(missing, cur)
			cur = parentCollection(cur)
			continue
		default:
			return t.statusError("MKCOL "+cur.Path, status)
		}
		break
	}
	for i := len(missing) - 1; i >= 0; i-- {
		status, err := t.do(ctx, "MKCOL", missing[i].String(), nil, nil)
		if err != nil {
			return t.fail("не удалось создать папку "+missing[i].Path, err)
		}
		if !statusOK(status) && status != http.StatusMethodNotAllowed {
			return t.statusError("MKCOL "+missing[i].Path, status)
		}
	}
	return nil
}

func parentCollection(u *url.URL) *url.URL {
	p := strings.TrimSuffix(u.Path, "/")
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[:i+1]
	} else {
		p = "/"
	}
	c := *u
	c.Path, c.RawPath = p, ""
	return &c
}

func (t *WebDAVTarget) fileURL(name string) string {
	return t.base.JoinPath(name).String()
}

// do sends one request and drains the response; only the status matters.
func (t *WebDAVTarget) do(ctx context.Context, method, target string, hdr http.Header, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, err
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if body != nil {
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	if t.username != "" || t.password != "" {
		req.SetBasicAuth(t.username, t.password)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, scrubURLError(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}

func statusOK(code int) bool { return code >= 200 && code < 300 }

// missingCollection: how servers answer a PUT into a folder that does not
// exist — 409 per RFC 4918 (Apache), 404 (some), 500 (nginx without
// create_full_put_path).
func missingCollection(code int) bool {
	return code == http.StatusConflict || code == http.StatusNotFound || code == http.StatusInternalServerError
}

func (t *WebDAVTarget) fail(msg string, err error) error {
	return &TargetError{Target: t.name, Msg: msg + " — проверьте адрес и доступность сервера", Err: err}
}

func (t *WebDAVTarget) statusError(op string, code int) error {
	e := &TargetError{Target: t.name}
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		e.Msg = fmt.Sprintf("сервер отказал в доступе (%s: HTTP %d) — проверьте логин и пароль и права пользователя %q на запись в эту папку", op, code, t.username)
		e.Fatal = true
	case code == http.StatusNotFound || code == http.StatusConflict:
		e.Msg = fmt.Sprintf("папка на сервере не найдена и не создаётся (%s: HTTP %d) — проверьте путь в url", op, code)
	case code == http.StatusMethodNotAllowed || code == http.StatusNotImplemented:
		e.Msg = fmt.Sprintf("сервер не принимает этот запрос WebDAV (%s: HTTP %d) — проверьте, что по адресу включён WebDAV (PUT, MKCOL, MOVE, DELETE)", op, code)
		e.Fatal = true
	case code == http.StatusRequestEntityTooLarge || code == http.StatusInsufficientStorage:
		e.Msg = fmt.Sprintf("сервер не принял файл (%s: HTTP %d) — увеличьте лимит размера или освободите место на сервере", op, code)
	case code >= 300 && code < 400:
		e.Msg = fmt.Sprintf("сервер перенаправляет запрос (%s: HTTP %d) — укажите в url точный адрес папки, обычно с https:// и / в конце", op, code)
		e.Fatal = true
	default:
		e.Msg = fmt.Sprintf("сервер вернул ошибку (%s: HTTP %d)", op, code)
	}
	return e
}

// scrubURLError drops credentials a URL might carry from a transport error.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redactURL(ue.URL)
	}
	return err
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if err != nil {
			return "(неверный адрес)"
		}
		return s
	}
	u.User = nil
	return u.String()
}
