package sync

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	gosync "sync"
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

// TestSheetsRenewsRefusedToken: when the API refuses the cached token
// (revoked, or expired before its announced expiry), the source fetches a
// new one at once instead of sending the refused one until it expires.
func TestSheetsRenewsRefusedToken(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	if _, err := h.src.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	var mu gosync.Mutex
	revoked := map[string]bool{}
	h.fake.SetWrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tok := r.Header.Get("Authorization")
			mu.Lock()
			if r.URL.Path != "/token" && len(revoked) == 0 {
				revoked[tok] = true // the token in use is revoked
			}
			refused := revoked[tok]
			mu.Unlock()
			if refused {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprint(w, `{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	tokens := h.fake.Count("token")
	if _, err := h.src.Fetch(context.Background()); err != nil {
		t.Fatalf("refused token not renewed: %v", err)
	}
	if n := h.fake.Count("token") - tokens; n != 1 {
		t.Fatalf("%d token fetches after the 401, want 1", n)
	}
	if logs := h.logs.String(); !strings.Contains(logs, "level=info msg=\"access token refused (401); fetched credentials again, retrying\"") {
		t.Fatalf("the renewal is not logged at info:\n%s", logs)
	}
	// A 401 that a new token does not cure is reported, not retried forever.
	h.fake.SetWrap(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
		})
	})
	_, err := h.src.Fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Fatalf("persistent 401: err = %v", err)
	}
}
