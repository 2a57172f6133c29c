package daemon

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

func get(t *testing.T, h http.Handler, path string, hdr map[string]string) (int, string, http.Header) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b), rec.Result().Header
}

func TestStatusPages(t *testing.T) {
	f := newFixture(t, "a", "b")
	d := f.daemon()
	h := d.Handler()

	if code, body, _ := get(t, h, "/healthz", nil); code != 200 || body != "ok\n" {
		t.Errorf("healthz %d %q", code, body)
	}
	if code, body, _ := get(t, h, "/readyz", nil); code != 503 || !strings.Contains(body, "a, b") {
		t.Errorf("readyz before cycles %d %q", code, body)
	}
	// a publishes, then an error appears with a crafted cell text; b fails to fetch.
	f.once(d)
	f.sources["a"].set(func(g *rules.Grid) { breakSample(g); g.Cells[5][2].Value = "<script>alert(1)</script>" })
	f.sources["b"].fetchErr = io.ErrUnexpectedEOF
	f.clock.Add(time.Hour)
	d.RunOnce(t.Context())
	if code, _, _ := get(t, h, "/readyz", nil); code != 200 {
		t.Errorf("readyz after cycles %d", code)
	}

	code, body, hdr := get(t, h, "/", nil)
	if code != 200 || !strings.Contains(hdr.Get("Content-Type"), "text/html") {
		t.Fatalf("index %d %v", code, hdr)
	}
	for _, want := range []string{`<html lang="ru">`, `<meta http-equiv="refresh" content="30">`, `href="source/a"`, "Организация a",
		"приостановлена", `<span class="error">ошибок: `} {
		if !strings.Contains(body, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("index has a script tag")
	}

	code, body, _ = get(t, h, "/source/a", nil)
	if code != 200 {
		t.Fatalf("source page %d", code)
	}
	for _, want := range []string{
		"Публикация приостановлена:", "п. 2.2.2", "остаётся версия 1 от 23.11.2026",
		`<a href="https://sheet.example/a#A6">Перечень!A6</a>`, "п.&nbsp;2.1", "не номер процесса", "Впишите номер 1.",
		"dir:/site/a", "webdav:https://dav/a",
		"Изменения, ожидающие публикации", "&lt;script&gt;alert(1)&lt;/script&gt;", "осталось 10 рабочих дней", "в срок",
		"Последнее чтение: 23.11.2026",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("source page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Error("cell text not escaped")
	}
	if strings.Contains(body, "<script") && !strings.Contains(body, "&lt;script") {
		t.Error("the page must work without JavaScript")
	}
	_, body, _ = get(t, h, "/source/b", nil)
	if !strings.Contains(body, "Сбой (fetch)") || !strings.Contains(body, "unexpected EOF") {
		t.Errorf("b page does not show the fetch error:\n%s", body)
	}
	if code, _, _ := get(t, h, "/source/zzz", nil); code != 404 {
		t.Errorf("unknown source %d", code)
	}

	code, body, _ = get(t, h, "/status.json", nil)
	var js struct {
		Ready   bool
		Sources []SourceStatus
	}
	if code != 200 || json.Unmarshal([]byte(body), &js) != nil || !js.Ready || len(js.Sources) != 2 ||
		js.Sources[0].Findings[0].Link != "https://sheet.example/a#A6" || js.Sources[0].Summary.Errors < 1 {
		t.Errorf("status.json %d: %.400s", code, body)
	}
	code, body, _ = get(t, h, "/metrics", nil)
	if code != 200 || !strings.Contains(body, `perechen_cycles_total{result="blocked",source="a"} 1`) ||
		!strings.Contains(body, `perechen_errors_total{kind="fetch",source="b"} 1`) {
		t.Errorf("metrics %d:\n%s", code, body)
	}
}

func TestStatusToken(t *testing.T) {
	f := newFixture(t)
	f.cfg.Status.Token = "s3cret"
	h := f.daemon().Handler()
	if code, _, _ := get(t, h, "/healthz", nil); code != 200 {
		t.Error("healthz must stay open for probes")
	}
	for _, p := range []string{"/", "/metrics", "/status.json", "/source/a"} {
		if code, _, hdr := get(t, h, p, nil); code != 401 || hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("%s without token: %d", p, code)
		}
		if code, _, _ := get(t, h, p, map[string]string{"Authorization": "Bearer wrong"}); code != 401 {
			t.Errorf("%s with a wrong token: %d", p, code)
		}
		if code, _, _ := get(t, h, p, map[string]string{"Authorization": "Bearer s3cret"}); code != 200 {
			t.Errorf("%s with the token: %d", p, code)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth("anyone", "s3cret")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("basic auth: %d", rec.Code)
	}
}
