package daemon

import (
	"crypto/subtle"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/perechen-oiv/perechen/config"
	"github.com/perechen-oiv/perechen/rules"
)

//go:embed templates/*.html
var templateFS embed.FS

// statusTemplates are parsed once per Handler; html/template escapes every
// value, including findings that quote a cell's text.
func statusTemplates() *template.Template {
	funcs := template.FuncMap{
		// Times come in the organisation's zone (zone.go), never the server's.
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.Format("02.01.2006 15:04:05")
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.Format("02.01.2006")
		},
		"severity": func(s rules.Severity) string { return s.Russian() },
		"sevclass": func(s rules.Severity) string { return s.String() },
		"plural":   plural,
		"outcome":  outcomeRussian,
		"days":     daysRu,
		"seconds":  func(d time.Duration) int { return max(1, int(d.Seconds())) },
		"weblink":  func(s string) bool { return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") },
		"worstPending": func(ps []PendingStatus) PendingStatus {
			w := ps[0]
			for _, p := range ps[1:] {
				if p.DaysLeft < w.DaysLeft {
					w = p
				}
			}
			return w
		},
	}
	return template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
}

func outcomeRussian(o Outcome) string {
	switch o {
	case OutcomeUnchanged:
		return "без изменений"
	case OutcomeUpToDate:
		return "на сайте актуальная версия"
	case OutcomeBlocked:
		return "публикация приостановлена"
	case OutcomeAwaitingApproval:
		return "ждёт утверждения"
	case OutcomePublished:
		return "опубликована на всех целях"
	case OutcomePartlyPublished:
		return "опубликована не везде"
	case OutcomeNotPublished:
		return "не опубликована: сбой на всех целях"
	case OutcomeError:
		return "сбой"
	case OutcomeDryRun:
		return "пробный прогон"
	}
	return string(o)
}

// pageData is what the templates see.
type pageData struct {
	Title   string
	Refresh time.Duration
	Now     time.Time
	Ready   bool
	Sources []SourceStatus
	Source  SourceStatus
	// The approval form (approve.go): shown with a status token only.
	CanApprove bool
	CSRF       string
	Approved   string // version just approved (after the redirect)
	Error      string // why the form's approval was refused
	Form       approveForm
}

// Handler serves /healthz, /readyz, /metrics, /status.json, the index page
// and /source/{name}. With status.token set, everything but /healthz and
// /readyz needs "Authorization: Bearer <token>" or the token as the Basic
// auth password.
func (d *Daemon) Handler() http.Handler {
	tmpl := statusTemplates()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		var waiting []string
		for _, s := range d.Statuses() {
			if s.Cycles == 0 {
				waiting = append(waiting, s.Name)
			}
		}
		if len(waiting) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready: no cycle yet for", strings.Join(waiting, ", "))
			return
		}
		fmt.Fprintln(w, "ready")
	})
	protected := http.NewServeMux()
	protected.Handle("GET /metrics", promhttp.HandlerFor(d.gatherer, promhttp.HandlerOpts{}))
	protected.HandleFunc("GET /status.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			Ready   bool           `json:"ready"`
			Sources []SourceStatus `json:"sources"`
		}{d.Ready(), d.Statuses()})
	})
	protected.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		d.page(w, tmpl, "index.html", pageData{Title: "perechen — состояние", Sources: d.Statuses()})
	})
	protected.HandleFunc("GET /source/{name}", func(w http.ResponseWriter, r *http.Request) {
		s, ok := d.status(r.PathValue("name"))
		if !ok {
			notFound(w)
			return
		}
		d.page(w, tmpl, "source.html", d.sourcePage(s, r.URL.Query().Get("approved"), approveForm{}, ""))
	})
	protected.HandleFunc("POST /source/{name}/approve", func(w http.ResponseWriter, r *http.Request) {
		d.approveHandler(w, r, tmpl)
	})
	mux.Handle("/", d.auth(protected))
	return securityHeaders(mux)
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintln(w, "Источник не найден. Список источников: /")
}

func (d *Daemon) page(w http.ResponseWriter, tmpl *template.Template, name string, data pageData) {
	d.pageStatus(w, tmpl, name, data, http.StatusOK)
}

func (d *Daemon) pageStatus(w http.ResponseWriter, tmpl *template.Template, name string, data pageData, code int) {
	d.mu.Lock()
	data.Refresh = d.cfg.Status.Refresh
	loc, err := time.LoadLocation(d.cfg.TimeZone)
	d.mu.Unlock()
	if err != nil || d.cfg.TimeZone == "" {
		loc, _ = time.LoadLocation(config.DefaultTimeZone)
	}
	if data.Source.TimeZone != "" {
		if l, err := time.LoadLocation(data.Source.TimeZone); err == nil {
			loc = l
		}
	}
	data.Now = d.deps.now().In(loc)
	data.Ready = d.Ready()
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
		d.log.WithField("error", err.Error()).Error("status page template failed")
		http.Error(w, "ошибка формирования страницы", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(b.String()))
}

// auth checks the status token, if one is configured.
func (d *Daemon) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		token := d.cfg.Status.Token
		d.mu.Unlock()
		if token == "" {
			next.ServeHTTP(w, r)
			return
		}
		got := ""
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			got = strings.TrimPrefix(h, "Bearer ")
		} else if _, pw, ok := r.BasicAuth(); ok {
			got = pw
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="perechen", charset="UTF-8"`)
			http.Error(w, "нужна авторизация: токен из status.token_env", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
