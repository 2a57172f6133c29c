package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/daemon"
)

// TestFailedTargetRetriedNextCycle: the WebDAV site refuses uploads, the
// folder still gets the version, the status page names the failure, and
// the next cycle (sheet unchanged) sends the version to WebDAV only.
func TestFailedTargetRetriedNextCycle(t *testing.T) {
	w := newWorld(t)
	// 403 is final for the target (no retries inside the cycle), like a
	// revoked password.
	w.dav.SetFault(func(method, _ string) int {
		if method == http.MethodPut {
			return http.StatusForbidden
		}
		return 0
	})
	d := w.daemon()
	res := w.cycle(d)
	if len(res.Published) != 1 || len(res.Errors) != 1 || res.Errors[0].Kind != "publish" || !strings.HasPrefix(res.Errors[0].Target, "webdav") {
		t.Fatalf("first cycle: published %v, errors %+v", res.Published, res.Errors)
	}
	site := w.siteFiles()
	if _, ok := site["index.html"]; !ok {
		t.Fatalf("the folder did not get version 1 while WebDAV failed")
	}
	if len(w.dav.Files()) != 0 {
		t.Errorf("WebDAV has files after refusing every upload: %v", w.dav.Files())
	}
	st := w.status(d)
	if st.Targets[1].LastError == "" || st.Targets[1].Version != 0 || st.Targets[0].Version != 1 {
		t.Errorf("target states: %+v", st.Targets)
	}
	if page := w.page(d, "/source/mimp"); !strings.Contains(page, "повтор в следующем цикле") {
		t.Errorf("status page does not show the target's failure")
	}

	w.dav.SetFault(nil)
	mtime := modTime(t, w.site+"/index.html")
	res = w.cycle(d)
	if len(res.Published) != 1 || !strings.HasPrefix(res.Published[0], "webdav") || len(res.Errors) != 0 {
		t.Fatalf("retry cycle: published %v, errors %+v", res.Published, res.Errors)
	}
	if b, ok := w.dav.File(davPath + "index.html"); !ok || string(b) != string(site["index.html"]) {
		t.Errorf("WebDAV did not get version 1 on the retry")
	}
	if !modTime(t, w.site+"/index.html").Equal(mtime) || !sameFiles(w.siteFiles(), site) {
		t.Errorf("the folder was published again")
	}
	if st := w.status(d); st.Targets[1].LastError != "" || st.Targets[1].Version != 1 {
		t.Errorf("WebDAV state after the retry: %+v", st.Targets[1])
	}
	w.dav.ResetCounts()
	if res = w.cycle(d); res.Outcome != daemon.OutcomeUnchanged || w.dav.Writes() != 0 {
		t.Errorf("after the retry: %s, %d WebDAV writes", res.Outcome, w.dav.Writes())
	}
}
