package publish

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"
)

// nginxDAV is a real nginx with its WebDAV module on loopback: pages are
// public, writes need Basic auth, like a typical site.
type nginxDAV struct {
	URL       string // http://127.0.0.1:port
	Root      string // document root on disk
	AccessLog string
}

const (
	davUser     = "publisher"
	davPassword = "s3cret-Пароль" // non-ASCII on purpose
)

func startNginx(t *testing.T) *nginxDAV {
	t.Helper()
	bin := needTool(t, "nginx", "/usr/sbin/nginx")
	dir := t.TempDir()
	// Workers of a root master run as another user unless told otherwise;
	// the temp dir is root-only, so keep them root. Non-root runs ignore it.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "www")
	for _, d := range []string{root, filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha1.Sum([]byte(davPassword))
	htpasswd := fmt.Sprintf("%s:{SHA}%s\n", davUser, base64.StdEncoding.EncodeToString(sum[:]))
	if err := os.WriteFile(filepath.Join(dir, "htpasswd"), []byte(htpasswd), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	userLine := ""
	if os.Geteuid() == 0 {
		userLine = "user root;"
	}
	conf := fmt.Sprintf(`%[3]s
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log info;
events { worker_connections 256; }
http {
	access_log %[1]s/access.log;
	client_body_temp_path %[1]s/tmp/body;
	proxy_temp_path %[1]s/tmp/proxy;
	fastcgi_temp_path %[1]s/tmp/fastcgi;
	uwsgi_temp_path %[1]s/tmp/uwsgi;
	scgi_temp_path %[1]s/tmp/scgi;
	types { text/html html; application/pdf pdf; application/json json; }
	server {
		listen 127.0.0.1:%[2]d;
		root %[1]s/www;
		client_max_body_size 50m;
		# Like Apache mod_dav: PUT into a missing folder is 409, folders need MKCOL.
		location /strict/ {
			dav_methods PUT DELETE MKCOL COPY MOVE;
			dav_access user:rw group:r all:r;
			limit_except GET HEAD {
				auth_basic "perechen";
				auth_basic_user_file %[1]s/htpasswd;
			}
		}
		location / {
			dav_methods PUT DELETE MKCOL COPY MOVE;
			create_full_put_path on;
			dav_access user:rw group:r all:r;
			limit_except GET HEAD {
				auth_basic "perechen";
				auth_basic_user_file %[1]s/htpasswd;
			}
		}
	}
}
`, dir, port, userLine)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	errLog := filepath.Join(dir, "error.log")
	startServer(t, port, errLog, bin, "-p", dir, "-e", errLog, "-c", confPath, "-g", "daemon off;")
	return &nginxDAV{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Root: root, AccessLog: filepath.Join(dir, "access.log")}
}

// writes counts requests in the access log that change files. nginx logs
// a request just after answering it, so wait until the count settles.
func (n *nginxDAV) writes(t *testing.T) int {
	t.Helper()
	count := func() int {
		b, err := os.ReadFile(n.AccessLog)
		if err != nil {
			t.Fatal(err)
		}
		c := 0
		for _, m := range []string{`"PUT `, `"MOVE `, `"MKCOL `, `"DELETE `, `"COPY `} {
			c += bytes.Count(b, []byte(m))
		}
		return c
	}
	prev := count()
	for i := 0; i < 20; i++ {
		time.Sleep(25 * time.Millisecond)
		c := count()
		if c == prev && i >= 3 {
			break
		}
		prev = c
	}
	return prev
}

// page is version n of a ~100 KB page whose content proves it is whole:
// it starts and ends with n and its length depends on n.
func page(n int) []byte {
	line := fmt.Sprintf("<p>Перечень, версия %d: точка взаимодействия.</p>\n", n)
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!doctype html><title>v%d</title>\n", n)
	b.Write(bytes.Repeat([]byte(line), 100_000/len(line)+n%7))
	fmt.Fprintf(&b, "<!-- end %d -->\n", n)
	return b.Bytes()
}

// pageVersion returns n if body is exactly page(n).
func pageVersion(body []byte) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(string(body), "<!doctype html><title>v%d</title>", &n); err != nil {
		return 0, false
	}
	return n, bytes.Equal(body, page(n))
}

func TestWebDAVNginxPublishAndFetch(t *testing.T) {
	ng := startNginx(t)
	target, err := NewWebDAVTarget(WebDAVConfig{URL: ng.URL + "/org/perechen/", Username: davUser, Password: davPassword, AllowHTTP: true, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	pdf := bytes.Repeat([]byte("%PDF-1.7 binary \x00\xff"), 5000)
	files := []File{{Name: "index.html", Data: page(1)}, {Name: "perechen.pdf", Data: pdf}}
	if err := target.Publish(context.Background(), Version{Source: "main", Number: 1, Hash: "h1"}, files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		resp, err := http.Get(ng.URL + "/org/perechen/" + f.Name)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(body, f.Data) {
			t.Fatalf("GET %s through nginx: status %d, %d bytes, want %d identical bytes", f.Name, resp.StatusCode, len(body), len(f.Data))
		}
	}
	// Nothing but the published files is left in the folder.
	entries, err := os.ReadDir(filepath.Join(ng.Root, "org", "perechen"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "index.html,perechen.pdf" {
		t.Errorf("folder holds %v, want only index.html and perechen.pdf", names)
	}
}

func TestWebDAVNginxReadersNeverSeePartialPage(t *testing.T) {
	publishes := 200
	if testing.Short() {
		publishes = 30
	}
	ng := startNginx(t)
	target, err := NewWebDAVTarget(WebDAVConfig{URL: ng.URL + "/site/", Username: davUser, Password: davPassword, AllowHTTP: true, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := target.Publish(ctx, Version{Number: 0}, []File{{Name: "index.html", Data: page(0)}}); err != nil {
		t.Fatal(err)
	}

	var reads, bad, notFound, regress atomic.Int64
	var firstBad atomic.Value
	stop := make(chan struct{})
	var wg gosync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for r := 0; r < 2; r++ {
		wg.Go(func() {
			last := -1
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get(ng.URL + "/site/index.html")
				if err != nil {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, err.Error())
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				reads.Add(1)
				switch n, whole := pageVersion(body); {
				case resp.StatusCode == http.StatusNotFound:
					notFound.Add(1)
				case resp.StatusCode != 200 || err != nil || !whole:
					bad.Add(1)
					firstBad.CompareAndSwap(nil, fmt.Sprintf("status %d, %d bytes, err %v", resp.StatusCode, len(body), err))
				case n < last:
					regress.Add(1)
				default:
					last = n
				}
			}
		})
	}
	start := time.Now()
	for n := 1; n <= publishes; n++ {
		files := []File{{Name: "index.html", Data: page(n)}, {Name: "perechen.json", Data: []byte(`{"version":` + strconv.Itoa(n) + `}`)}}
		if err := target.Publish(ctx, Version{Number: n}, files); err != nil {
			t.Fatalf("publish %d: %v", n, err)
		}
	}
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	t.Logf("%d publishes through nginx in %s (%.1f ms each); readers: %d GETs, %d partial/failed, %d 404, %d went back a version",
		publishes, elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/1000/float64(publishes), reads.Load(), bad.Load(), notFound.Load(), regress.Load())
	if bad.Load() != 0 || notFound.Load() != 0 || regress.Load() != 0 {
		t.Fatalf("readers saw %d partial/failed pages (first: %v), %d 404s, %d regressions", bad.Load(), firstBad.Load(), notFound.Load(), regress.Load())
	}
	if reads.Load() < int64(publishes) {
		t.Errorf("only %d reads during %d publishes: the readers did not overlap the publishes", reads.Load(), publishes)
	}
	resp, err := http.Get(ng.URL + "/site/index.html")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if n, whole := pageVersion(body); !whole || n != publishes {
		t.Fatalf("final page is version %d (whole %v), want %d", n, whole, publishes)
	}
}

func TestWebDAVNginxWrongPassword(t *testing.T) {
	ng := startNginx(t)
	wrong := "wrong-password-Zx9"
	target, err := NewWebDAVTarget(WebDAVConfig{URL: ng.URL + "/site/", Username: davUser, Password: wrong, AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTracked(target, RetryPolicy{Attempts: 3, Backoff: time.Millisecond})
	err = tr.Publish(context.Background(), Version{Number: 1, Hash: "h"}, []File{{Name: "index.html", Data: page(1)}})
	if err == nil {
		t.Fatal("publish with a wrong password succeeded")
	}
	msg := err.Error()
	if e := containsAll(msg, "webdav:"+ng.URL+"/site/", "проверьте логин и пароль", "401"); e != nil {
		t.Error(e)
	}
	if strings.Contains(msg, wrong) {
		t.Errorf("error leaks the password: %s", msg)
	}
	if w := ng.writes(t); w != 1 {
		t.Errorf("%d write requests for a wrong password, want 1 (no retries of an auth failure)", w)
	}
	if st := tr.State(); st.LastError != msg || !st.LastSuccess.IsZero() {
		t.Errorf("state after failure: %+v", st)
	}
}

func TestWebDAVNginxSameVersionTwiceSendsNothing(t *testing.T) {
	ng := startNginx(t)
	target, err := NewWebDAVTarget(WebDAVConfig{URL: ng.URL + "/a/b/c/", Username: davUser, Password: davPassword, AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTracked(target, RetryPolicy{})
	files := []File{{Name: "index.html", Data: page(7)}, {Name: "perechen.csv", Data: []byte("a;b\n")}}
	v := Version{Source: "main", Number: 7, Hash: "sha256:7"}
	if err := tr.Publish(context.Background(), v, files); err != nil {
		t.Fatal(err)
	}
	first := ng.writes(t)
	if first != 4 { // 2 × (PUT + MOVE); create_full_put_path makes MKCOL unnecessary
		t.Errorf("first publish: %d write requests, want 4", first)
	}
	if err := tr.Publish(context.Background(), v, files); err != nil {
		t.Fatal(err)
	}
	if again := ng.writes(t) - first; again != 0 {
		t.Errorf("same version again sent %d requests, want 0", again)
	}
	v.Hash, v.Number = "sha256:8", 8
	if err := tr.Publish(context.Background(), v, files); err != nil {
		t.Fatal(err)
	}
	if w := ng.writes(t) - first; w != 4 {
		t.Errorf("new version sent %d requests, want 4", w)
	}
	if st := tr.State(); st.Version != 8 || st.Hash != "sha256:8" || st.LastError != "" {
		t.Errorf("state %+v", st)
	}
}

func TestWebDAVNginxCreatesFolders(t *testing.T) {
	ng := startNginx(t)
	target, err := NewWebDAVTarget(WebDAVConfig{URL: ng.URL + "/strict/org/perechen/", Username: davUser, Password: davPassword, AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	files := []File{{Name: "index.html", Data: page(3)}}
	if err := target.Publish(context.Background(), Version{Number: 3}, files); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(ng.Root, "strict", "org", "perechen", "index.html"))
	if err != nil || !bytes.Equal(got, files[0].Data) {
		t.Fatalf("index.html on disk: %d bytes, %v", len(got), err)
	}
	log, _ := os.ReadFile(ng.AccessLog)
	for _, want := range []string{`"MKCOL /strict/org/perechen/ `, `"MKCOL /strict/org/ `} {
		if !strings.Contains(string(log), want) {
			t.Errorf("access log lacks %s", want)
		}
	}
}
