package daemon

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/perechen-oiv/perechen/rules"
)

// Metrics are the daemon's Prometheus series, registered on an injected
// Registerer.
type Metrics struct {
	cycles        *prometheus.CounterVec
	errors        *prometheus.CounterVec
	findings      *prometheus.GaugeVec
	findingsRule  *prometheus.GaugeVec
	lastSuccess   *prometheus.GaugeVec
	lastPublish   *prometheus.GaugeVec
	deadline      *prometheus.GaugeVec
	apiRequests   *prometheus.CounterVec
	notesWritten  *prometheus.CounterVec
	cycleDuration *prometheus.HistogramVec
	// Per target: a failing target shows up without reading the logs.
	targetUp          *prometheus.GaugeVec
	targetLastSuccess *prometheus.GaugeVec
	targetVersion     *prometheus.GaugeVec
	// Publication state, for the alerts in deploy/alerts.yml.
	sourceUp      *prometheus.GaugeVec
	blockedSince  *prometheus.GaugeVec
	awaitingSince *prometheus.GaugeVec
	pending       *prometheus.GaugeVec
}

// NewMetrics registers the daemon's series on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		cycles: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "perechen", Name: "cycles_total",
			Help: "Cycles run, by source and result (unchanged, up-to-date, blocked, awaiting-approval, published, partly-published, not-published, error, dry-run)."}, []string{"source", "result"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "perechen", Name: "errors_total",
			Help: "Errors in cycles, by source and kind (fetch, notes, render, publish, state, setup)."}, []string{"source", "kind"}),
		findings: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "findings",
			Help: "Findings in the last linted registry, by severity."}, []string{"source", "severity"}),
		findingsRule: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "findings_by_rule",
			Help: "Findings in the last linted registry, by rule."}, []string{"source", "rule"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "last_success_timestamp_seconds",
			Help: "Unix time of the last cycle without errors."}, []string{"source"}),
		lastPublish: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "last_publish_timestamp_seconds",
			Help: "Unix time of the last successful publish to any target."}, []string{"source"}),
		deadline: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "publish_deadline_working_days",
			Help: "Working days left until the earliest publication deadline of pending changes (negative when overdue); absent when nothing is pending."}, []string{"source"}),
		apiRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "perechen", Name: "api_requests_total",
			Help: "Requests to source APIs, by method and HTTP status code (0 = transport error)."}, []string{"source", "method", "code"}),
		notesWritten: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "perechen", Name: "notes_written_total",
			Help: "Cell notes written or removed."}, []string{"source"}),
		cycleDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "perechen", Name: "cycle_duration_seconds",
			Help: "Duration of cycles.", Buckets: []float64{.001, .01, .1, .5, 1, 5, 30, 120}}, []string{"source"}),
		targetUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "target_up",
			Help: "1 when the last publish attempt to the target succeeded, 0 when it failed."}, []string{"source", "target"}),
		targetLastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "target_last_success_timestamp_seconds",
			Help: "Unix time of the last successful publish to the target."}, []string{"source", "target"}),
		targetVersion: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "target_published_version",
			Help: "Number of the version the target holds."}, []string{"source", "target"}),
		sourceUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "source_up",
			Help: "1 when the last read of the source (Google Sheet or XLSX) succeeded, 0 when it failed."}, []string{"source"}),
		blockedSince: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "publication_blocked_since_timestamp_seconds",
			Help: "Unix time since which findings hold publication back (п. 2.2.2); absent when not blocked."}, []string{"source"}),
		awaitingSince: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "awaiting_approval_since_timestamp_seconds",
			Help: "Unix time since which a version has awaited approval (п. 5.1–5.2, perechen approve); absent when none does."}, []string{"source"}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "perechen", Name: "pending_changes",
			Help: "Changes not yet on every target, by deadline state (ok, warn, overdue: п. 5.5)."}, []string{"source", "state"}),
	}
	for _, c := range m.collectors() {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.cycles, m.errors, m.findings, m.findingsRule, m.lastSuccess,
		m.lastPublish, m.deadline, m.apiRequests, m.notesWritten, m.cycleDuration,
		m.targetUp, m.targetLastSuccess, m.targetVersion, m.sourceUp, m.blockedSince, m.awaitingSince, m.pending}
}

// observe records one cycle's result; findings are exported when the
// cycle linted or when export is forced (the first cycle after a start,
// which may find the sheet unchanged).
func (m *Metrics) observe(r *Result, st *State, exportFindings bool) {
	src := r.Source
	m.cycles.WithLabelValues(src, string(r.Outcome)).Inc()
	m.cycleDuration.WithLabelValues(src).Observe(r.End.Sub(r.Start).Seconds())
	for _, e := range r.Errors {
		m.errors.WithLabelValues(src, e.Kind).Inc()
	}
	if r.NotesWritten > 0 {
		m.notesWritten.WithLabelValues(src).Add(float64(r.NotesWritten))
	}
	if exportFindings {
		sum := rules.Summarize(r.Findings)
		m.findings.WithLabelValues(src, "error").Set(float64(sum.Errors))
		m.findings.WithLabelValues(src, "warning").Set(float64(sum.Warnings))
		m.findings.WithLabelValues(src, "notice").Set(float64(sum.Notices))
		m.findingsRule.DeletePartialMatch(prometheus.Labels{"source": src})
		byRule := map[string]int{}
		for _, d := range r.Findings {
			byRule[d.Rule]++
		}
		for rule, n := range byRule {
			m.findingsRule.WithLabelValues(src, rule).Set(float64(n))
		}
	}
	if st != nil {
		setTime(m.lastSuccess.WithLabelValues(src), st.LastSuccess)
		setTime(m.lastPublish.WithLabelValues(src), st.LastPublish)
		for _, t := range st.Targets {
			if t.LastAttempt.IsZero() {
				continue
			}
			up := 1.0
			if t.LastError != "" {
				up = 0
			}
			m.targetUp.WithLabelValues(src, t.Name).Set(up)
			setTime(m.targetLastSuccess.WithLabelValues(src, t.Name), t.LastSuccess)
			m.targetVersion.WithLabelValues(src, t.Name).Set(float64(t.Version))
		}
	}
	if left, ok := r.deadlineLeft(); ok {
		m.deadline.WithLabelValues(src).Set(float64(left))
	} else {
		m.deadline.DeleteLabelValues(src)
	}
	m.observeState(r, st)
}

// observeState exports whether the source reads, whether publication is
// blocked or awaits approval (and since when), and the pending changes by
// deadline state.
func (m *Metrics) observeState(r *Result, st *State) {
	src := r.Source
	up := 0.0
	if r.SourceUp {
		up = 1
	}
	m.sourceUp.WithLabelValues(src).Set(up)
	since := func(g *prometheus.GaugeVec, t time.Time, on bool) {
		if on && !t.IsZero() {
			setTime(g.WithLabelValues(src), t)
		} else {
			g.DeleteLabelValues(src)
		}
	}
	if st != nil {
		since(m.blockedSince, st.BlockedSince, st.Blocked != "")
		var built time.Time
		if st.Candidate != nil {
			built = st.Candidate.Built
		}
		since(m.awaitingSince, built, st.Candidate != nil)
	}
	counts := map[string]int{"ok": 0, "warn": 0, "overdue": 0}
	for _, p := range r.Pending {
		counts[p.State]++
	}
	for state, n := range counts {
		m.pending.WithLabelValues(src, state).Set(float64(n))
	}
}

func setTime(g prometheus.Gauge, t time.Time) {
	if !t.IsZero() {
		g.Set(float64(t.UnixNano()) / 1e9)
	}
}

// forget removes a source's series after it left the configuration.
func (m *Metrics) forget(source string) {
	l := prometheus.Labels{"source": source}
	for _, v := range []interface {
		DeletePartialMatch(prometheus.Labels) int
	}{m.cycles, m.errors, m.findings, m.findingsRule, m.lastSuccess, m.lastPublish, m.deadline, m.notesWritten, m.cycleDuration,
		m.targetUp, m.targetLastSuccess, m.targetVersion, m.sourceUp, m.blockedSince, m.awaitingSince, m.pending} {
		v.DeletePartialMatch(l)
	}
}

// ObserveAPIRequest counts one request of a source to its API.
func (m *Metrics) ObserveAPIRequest(source, method string, code int) {
	m.apiRequests.WithLabelValues(source, method, strconv.Itoa(code)).Inc()
}

// RoundTripper wraps next (nil = http.DefaultTransport) so every request a
// source makes is counted in perechen_api_requests_total.
func (m *Metrics) RoundTripper(source string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		code := 0
		if err == nil {
			code = resp.StatusCode
		}
		m.ObserveAPIRequest(source, req.Method, code)
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
