package publish

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/publish/davfake"
)

func TestWebDAVCreatesMissingCollections(t *testing.T) {
	dav := davfake.New(t, davfake.Options{Username: "u", Password: "p"})
	target, err := NewWebDAVTarget(WebDAVConfig{URL: dav.URL + "/a/b/c", Username: "u", Password: "p", AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	files := []File{{Name: "index.html", Data: []byte("<p>1</p>")}, {Name: "perechen.pdf", Data: []byte("%PDF")}}
	if err := target.Publish(context.Background(), Version{Number: 1}, files); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(dav.Files(), ","); got != "/a/b/c/index.html,/a/b/c/perechen.pdf" {
		t.Errorf("files %s", got)
	}
	var seq []string
	tmp := regexp.MustCompile(`^/a/b/c/\.(index\.html|perechen\.pdf)\.tmp-[0-9a-f]{16}$`)
	for _, r := range dav.Requests() {
		p := r.Path
		if tmp.MatchString(p) {
			p = "tmp"
		}
		seq = append(seq, r.Method+" "+p)
	}
	// PUT into a missing folder is 409; MKCOL walks up to /a and back
	// down; index.html is moved into place last.
	want := "PUT tmp,MKCOL /a/b/c,MKCOL /a/b,MKCOL /a,MKCOL /a/b,MKCOL /a/b/c,PUT tmp,PUT tmp,MOVE tmp,MOVE tmp"
	if got := strings.Join(seq, ","); got != want {
		t.Errorf("requests\n%s\nwant\n%s", got, want)
	}
	reqs := dav.Requests()
	if last := reqs[len(reqs)-1]; !strings.HasSuffix(last.Destination, "/a/b/c/index.html") {
		t.Errorf("last MOVE goes to %s, want index.html last", last.Destination)
	}
}

func TestWebDAVMoveFailureCleansUp(t *testing.T) {
	dav := davfake.New(t, davfake.Options{})
	dav.MkdirAll("/site")
	target, err := NewWebDAVTarget(WebDAVConfig{URL: dav.URL + "/site/", AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := target.Publish(ctx, Version{Number: 1}, []File{{Name: "index.html", Data: []byte("old")}}); err != nil {
		t.Fatal(err)
	}
	dav.FailNext("MOVE", 1, http.StatusInternalServerError)
	err = target.Publish(ctx, Version{Number: 2}, []File{{Name: "perechen.csv", Data: []byte("new")}, {Name: "index.html", Data: []byte("new")}})
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("error %v, want HTTP 500", err)
	}
	if got := strings.Join(dav.Files(), ","); got != "/site/index.html" {
		t.Errorf("after a failed MOVE the server holds %s, want only the old index.html", got)
	}
	if b, _ := dav.File("/site/index.html"); string(b) != "old" {
		t.Errorf("index.html = %q, want the old page", b)
	}
	if n := dav.Counts()["DELETE"]; n != 2 {
		t.Errorf("%d DELETEs, want 2 (both temp files)", n)
	}
}

func TestWebDAVAuthErrorsAreFatalAndSecret(t *testing.T) {
	for _, c := range []struct {
		password string
		fault    int // answer to every authenticated request
		want     string
	}{
		{password: "Wr0ng-секрет", want: "HTTP 401"},
		{password: "right", fault: http.StatusForbidden, want: "HTTP 403"},
	} {
		dav := davfake.New(t, davfake.Options{Username: "u", Password: "right"})
		dav.SetFault(func(string, string) int { return c.fault })
		target, err := NewWebDAVTarget(WebDAVConfig{URL: dav.URL + "/", Username: "u", Password: c.password, AllowHTTP: true})
		if err != nil {
			t.Fatal(err)
		}
		tr := NewTracked(target, RetryPolicy{Attempts: 5, Backoff: time.Millisecond})
		err = tr.Publish(context.Background(), Version{Number: 1, Hash: "x"}, []File{{Name: "index.html", Data: []byte("x")}})
		if err == nil {
			t.Fatalf("%s: publish succeeded", c.want)
		}
		if e := containsAll(err.Error(), target.Name(), "проверьте логин и пароль", c.want); e != nil {
			t.Error(e)
		}
		if strings.Contains(err.Error(), c.password) {
			t.Errorf("password in error: %s", err)
		}
		if w := dav.Writes(); w != 1 {
			t.Errorf("%s: %d requests, want 1 — an auth failure is not retried", c.want, w)
		}
	}
}

func TestWebDAVRetriedByTracked(t *testing.T) {
	dav := davfake.New(t, davfake.Options{TLS: true})
	target, err := NewWebDAVTarget(WebDAVConfig{URL: dav.URL + "/", HTTPClient: dav.Client()})
	if err != nil {
		t.Fatal(err)
	}
	dav.FailNext(http.MethodPut, 2, http.StatusServiceUnavailable)
	tr := NewTracked(target, RetryPolicy{Attempts: 3, Backoff: time.Millisecond})
	v := Version{Number: 1, Hash: "h1"}
	files := []File{{Name: "index.html", Data: []byte("<p>")}}
	if err := tr.Publish(context.Background(), v, files); err != nil {
		t.Fatalf("third attempt should succeed: %v", err)
	}
	if b, ok := dav.File("/index.html"); !ok || string(b) != "<p>" {
		t.Errorf("index.html = %q", b)
	}
	writes := dav.Writes()
	if err := tr.Publish(context.Background(), v, files); err != nil {
		t.Fatal(err)
	}
	if again := dav.Writes() - writes; again != 0 {
		t.Errorf("same version again sent %d requests", again)
	}
}

func TestWebDAVCustomCAFile(t *testing.T) {
	dav := davfake.New(t, davfake.Options{TLS: true})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, dav.CertificatePEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	files := []File{{Name: "index.html", Data: []byte("ok")}}
	plain, err := NewWebDAVTarget(WebDAVConfig{URL: dav.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Publish(context.Background(), Version{}, files); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate accepted or unclear error: %v", err)
	}
	withCA, err := NewWebDAVTarget(WebDAVConfig{URL: dav.URL + "/", CAFile: ca, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := withCA.Publish(context.Background(), Version{}, files); err != nil {
		t.Fatalf("with ca_file: %v", err)
	}
}

func TestNewWebDAVTargetConfigErrors(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "x.pem")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o644)
	for _, c := range []struct {
		cfg  WebDAVConfig
		want string
	}{
		{WebDAVConfig{URL: "http://site.example/dav/"}, "allow_http"},
		{WebDAVConfig{URL: "ftp://site.example/"}, "https://"},
		{WebDAVConfig{URL: "site.example/dav"}, "https://"},
		{WebDAVConfig{URL: "https://user:Pa55-secret@site.example/"}, "password_env"},
		{WebDAVConfig{URL: "https://site.example/?a=1"}, "?"},
		{WebDAVConfig{URL: "https://site.example/", CAFile: notPEM}, "PEM"},
		{WebDAVConfig{URL: "https://site.example/", CAFile: notPEM + ".missing"}, "ca_file"},
		{WebDAVConfig{URL: "https://site.example/", CAFile: notPEM, HTTPClient: http.DefaultClient}, "ca_file"},
	} {
		_, err := NewWebDAVTarget(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.cfg.URL, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "Pa55-secret") {
			t.Errorf("password in error: %v", err)
		}
	}
	tg, err := NewWebDAVTarget(WebDAVConfig{URL: "https://site.example/dav"})
	if err != nil {
		t.Fatal(err)
	}
	if tg.Name() != "webdav:https://site.example/dav/" {
		t.Errorf("name %q", tg.Name())
	}
	if err := tg.Publish(context.Background(), Version{}, []File{{Name: "../etc/passwd"}}); err == nil || !isFatal(err) {
		t.Errorf("path in a file name accepted: %v", err)
	}
}

func TestWebDAVRedirectIsReported(t *testing.T) {
	dav := davfake.New(t, davfake.Options{})
	dav.SetFault(func(string, string) int { return http.StatusMovedPermanently })
	target, err := NewWebDAVTarget(WebDAVConfig{URL: dav.URL + "/", AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	err = target.Publish(context.Background(), Version{}, []File{{Name: "index.html"}})
	if err == nil || !strings.Contains(err.Error(), "перенаправляет") {
		t.Errorf("redirect: %v", err)
	}
}
