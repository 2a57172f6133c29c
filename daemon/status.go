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

	"github.com/perechen-oiv/perechen/rules"
)

//go:embed templates/*.html
var templateFS embed.FS

// statusTemplates are parsed once per Handler; html/template escapes every
// value, including findings that quote a cell's text.
func statusTemplates() *template.Template {
	funcs := template.FuncMap{
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.Local().Format("02.01.2006 15:04:05")
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.Local().Format("02.01.2006")
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
	case OutcomePublished:
		return "опубликована новая версия"
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
		for _, s := range d.Statuses() {
			if s.Name == r.PathValue("name") {
				d.page(w, tmpl, "source.html", pageData{Title: s.Name + " — perechen", Source: s})
				return
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintln(w, "Источник не найден. Список источников: /")
	})
	mux.Handle("/", d.auth(protected))
	return securityHeaders(mux)
}

func (d *Daemon) page(w http.ResponseWriter, tmpl *template.Template, name string, data pageData) {
	d.mu.Lock()
	data.Refresh = d.cfg.Status.Refresh
	d.mu.Unlock()
	data.Now = d.deps.now()
	data.Ready = d.Ready()
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
		d.log.WithField("error", err.Error()).Error("status page template failed")
		http.Error(w, "ошибка формирования страницы", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
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
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
