package sync

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/perechen-oiv/perechen/rules"
)

// TestSheetsRetriesBrokenBodies: a response cut off mid-body or garbled in
// transit is retried like a failed connection, not reported at once
// (found by the chaos run: such a cycle failed although a retry succeeds).
func TestSheetsRetriesBrokenBodies(t *testing.T) {
	for name, breakBody := range map[string]func(w http.ResponseWriter, rec *httptest.ResponseRecorder){
		"truncated": func(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
			body := rec.Body.Bytes()
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body[:len(body)/2])
		},
		"malformed": func(w http.ResponseWriter, _ *httptest.ResponseRecorder) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"sheets": [{"properties": {"title": "x"}, "data": [}]}`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			h := newSheetsHarness(t, rules.SampleGrid(), nil)
			var broken atomic.Int32
			h.fake.SetWrap(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/token" || broken.Add(1) > 1 {
						next.ServeHTTP(w, r)
						return
					}
					rec := httptest.NewRecorder()
					next.ServeHTTP(rec, r)
					breakBody(w, rec)
				})
			})
			if _, err := h.src.Fetch(context.Background()); err != nil {
				t.Fatalf("not retried: %v", err)
			}
			if n := h.fake.Count("get"); n != 2 {
				t.Fatalf("%d reads, want the broken one and its retry", n)
			}
		})
	}
}
