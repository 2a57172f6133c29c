package davfake_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/publish/davfake"
)

func do(t *testing.T, c *http.Client, method, url, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("u", "p")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestProtocol(t *testing.T) {
	s := davfake.New(t, davfake.Options{Username: "u", Password: "p", TLS: true})
	c := s.Client()
	steps := []struct {
		method, path, body string
		hdr                map[string]string
		want               int
	}{
		{"PUT", "/a/x", "1", nil, 409},  // parent missing
		{"MKCOL", "/a/b", "", nil, 409}, // parent missing
		{"MKCOL", "/a", "", nil, 201},   //
		{"MKCOL", "/a", "", nil, 405},   // exists
		{"PUT", "/a/x", "1", nil, 201},  //
		{"PUT", "/a/x", "2", nil, 204},  // overwrite
		{"GET", "/a/x", "", nil, 200},   //
		{"MOVE", "/a/x", "", map[string]string{"Destination": s.URL + "/a/y"}, 201},
		{"GET", "/a/x", "", nil, 404},
		{"PUT", "/a/x", "3", nil, 201},
		{"MOVE", "/a/x", "", map[string]string{"Destination": s.URL + "/a/y", "Overwrite": "F"}, 412},
		{"MOVE", "/a/x", "", map[string]string{"Destination": "/a/y", "Overwrite": "T"}, 204},
		{"MOVE", "/a/x", "", map[string]string{"Destination": "https://elsewhere.example/a/z"}, 502},
		{"MOVE", "/a/y", "", map[string]string{"Destination": s.URL + "/nope/y"}, 409},
		{"DELETE", "/a/y", "", nil, 204},
		{"DELETE", "/a/y", "", nil, 404},
		{"PROPFIND", "/a", "", nil, 405},
	}
	for i, st := range steps {
		if got, _ := do(t, c, st.method, s.URL+st.path, st.body, st.hdr); got != st.want {
			t.Errorf("step %d %s %s: %d, want %d", i, st.method, st.path, got, st.want)
		}
	}
	if got := s.Counts(); got["PUT"] != 4 || got["MOVE"] != 5 || got["MKCOL"] != 3 || got["GET"] != 2 {
		t.Errorf("counts %v", got)
	}
	if w := s.Writes(); w != 4+5+3+2 {
		t.Errorf("writes %d", w)
	}
	s.ResetCounts()
	if len(s.Requests()) != 0 {
		t.Error("ResetCounts kept requests")
	}
	if s.CertificatePEM() == nil {
		t.Error("no certificate for a TLS server")
	}
}

func TestAuthAndFaults(t *testing.T) {
	s := davfake.New(t, davfake.Options{Username: "u", Password: "other", ReadWithoutAuth: true})
	s.MkdirAll("/site/docs")
	c := &http.Client{}
	if got, _ := do(t, c, "PUT", s.URL+"/site/docs/a", "x", nil); got != 401 {
		t.Errorf("wrong password: %d", got)
	}
	if got, _ := do(t, c, "GET", s.URL+"/site/docs/a", "", nil); got != 404 {
		t.Errorf("public read: %d", got)
	}

	s2 := davfake.New(t, davfake.Options{})
	s2.FailNext("PUT", 2, 503)
	for i, want := range []int{503, 503, 201} {
		if got, _ := do(t, c, "PUT", s2.URL+"/f", "x", nil); got != want {
			t.Errorf("PUT %d: %d, want %d", i, got, want)
		}
	}
	s2.SetFault(func(method, path string) int {
		if method == "GET" && path == "/f" {
			return 500
		}
		return 0
	})
	if got, _ := do(t, c, "GET", s2.URL+"/f", "", nil); got != 500 {
		t.Errorf("fault hook: %d", got)
	}
	s2.SetFault(nil)
	if got, body := do(t, c, "GET", s2.URL+"/f", "", nil); got != 200 || body != "x" {
		t.Errorf("GET after fault removed: %d %q", got, body)
	}
	if b, ok := s2.File("/f"); !ok || string(b) != "x" {
		t.Errorf("File: %q %v", b, ok)
	}
	if got := strings.Join(s2.Files(), ","); got != "/f" {
		t.Errorf("Files %s", got)
	}
}

func TestSlowFaultDoesNotBlockOthers(t *testing.T) {
	s := davfake.New(t, davfake.Options{})
	release := make(chan struct{})
	s.SetFault(func(method, path string) int {
		if path == "/slow" {
			<-release
		}
		return 0
	})
	done := make(chan int)
	go func() {
		got, _ := do(t, &http.Client{}, "PUT", s.URL+"/slow", "x", nil)
		done <- got
	}()
	if got, _ := do(t, &http.Client{}, "PUT", s.URL+"/fast", "y", nil); got != 201 {
		t.Errorf("PUT /fast while /slow hangs: %d", got)
	}
	close(release)
	if got := <-done; got != 201 {
		t.Errorf("PUT /slow: %d", got)
	}
}
