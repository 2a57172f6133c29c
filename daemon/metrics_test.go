package daemon

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func gaugeValue(t *testing.T, f *fixture, name, source string) float64 {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "source" && l.GetValue() == source {
					return m.GetGauge().GetValue()
				}
			}
		}
	}
	t.Fatalf("no %s{source=%q}", name, source)
	return 0
}

func TestMetrics(t *testing.T) {
	f := newFixture(t)
	d := f.daemon()
	f.once(d)
	f.once(d)
	f.once(d)
	f.targets["a"][0].setFail(nil)
	want := `
# HELP perechen_cycles_total Cycles run, by source and result (unchanged, up-to-date, blocked, awaiting-approval, published, partly-published, not-published, error, dry-run).
# TYPE perechen_cycles_total counter
perechen_cycles_total{result="published",source="a"} 1
perechen_cycles_total{result="unchanged",source="a"} 1
perechen_cycles_total{result="up-to-date",source="a"} 1
`
	if err := testutil.GatherAndCompare(f.reg, strings.NewReader(want), "perechen_cycles_total"); err != nil {
		t.Error(err)
	}
	if v := gaugeValue(t, f, "perechen_findings", "a"); v != 0 { // first series is severity=error
		t.Errorf("findings{error} = %v", v)
	}
	if v := gaugeValue(t, f, "perechen_last_publish_timestamp_seconds", "a"); v != float64(f.clock.Now().Unix()) {
		t.Errorf("last publish = %v", v)
	}
	if n := testutil.CollectAndCount(d.metrics.findingsRule); n != 4 {
		t.Errorf("findings_by_rule series = %d, want 4 (no-offline-alternative, need-other, touchpoint-vocabulary, need-vocabulary)", n)
	}
	if v := testutil.ToFloat64(d.metrics.findingsRule.WithLabelValues("a", "no-offline-alternative")); v != 9 {
		t.Errorf("by rule = %v", v)
	}
	if v := testutil.ToFloat64(d.metrics.notesWritten.WithLabelValues("a")); v != 3 { // warnings only: notices stay off the sheet
		t.Errorf("notes written = %v", v)
	}
	if n := testutil.CollectAndCount(d.metrics.targetUp); n != len(f.targets["a"]) {
		t.Errorf("target_up series = %d, want one per target (%d)", n, len(f.targets["a"]))
	}
	name := f.targets["a"][0].Name()
	if v := testutil.ToFloat64(d.metrics.targetUp.WithLabelValues("a", name)); v != 1 {
		t.Errorf("target_up{%s} = %v, want 1", name, v)
	}
	if v := testutil.ToFloat64(d.metrics.targetVersion.WithLabelValues("a", name)); v != 1 {
		t.Errorf("target_published_version{%s} = %v, want 1", name, v)
	}

	// api_requests_total through the RoundTripper.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer srv.Close()
	c := &http.Client{Transport: d.Metrics().RoundTripper("a", nil)}
	for _, m := range []string{http.MethodGet, http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(m, srv.URL, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want = `
# HELP perechen_api_requests_total Requests to source APIs, by method and HTTP status code (0 = transport error).
# TYPE perechen_api_requests_total counter
perechen_api_requests_total{code="200",method="GET",source="a"} 2
perechen_api_requests_total{code="429",method="POST",source="a"} 1
`
	if err := testutil.GatherAndCompare(f.reg, strings.NewReader(want), "perechen_api_requests_total"); err != nil {
		t.Error(err)
	}
}

func TestFindingsExportedAfterRestartOnUnchangedSheet(t *testing.T) {
	f := newFixture(t)
	d := f.daemon()
	f.once(d)
	f.once(d)
	d = f.daemon() // restart: the sheet is unchanged, no lint happens
	if r := f.once(d); r.Outcome != OutcomeUnchanged {
		t.Fatalf("%+v", r.Outcome)
	}
	if v := testutil.ToFloat64(d.metrics.findings.WithLabelValues("a", "warning")); v != 3 {
		t.Errorf("findings{warning} after restart = %v", v)
	}
	if v := testutil.ToFloat64(d.metrics.findingsRule.WithLabelValues("a", "need-other")); v != 3 {
		t.Errorf("findings_by_rule after restart = %v", v)
	}
}
