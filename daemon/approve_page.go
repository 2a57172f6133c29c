package daemon

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
)

// The status page's approval form: the same Approve as `perechen approve`,
// recorded the same way, offered only when the status token protects the
// page (without one anybody on the host could approve). The form carries an
// HMAC of the version under the token, so another site cannot post it from
// the admin's browser and a page left open on an older version is refused.

type approveForm struct{ By, Document string }

// status is the snapshot of the named source.
func (d *Daemon) status(name string) (SourceStatus, bool) {
	for _, s := range d.Statuses() {
		if s.Name == name {
			return s, true
		}
	}
	return SourceStatus{}, false
}

func (d *Daemon) token() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg.Status.Token
}

func (d *Daemon) sourcePage(s SourceStatus, approved string, f approveForm, errMsg string) pageData {
	data := pageData{Title: s.Name + " — perechen", Source: s, Approved: approved, Form: f, Error: errMsg}
	if token := d.token(); token != "" && s.Awaiting != nil {
		data.CanApprove = true
		data.CSRF = approveMAC(token, s.Name, s.Awaiting.Number, s.Awaiting.ContentHash)
	}
	return data
}

func approveMAC(token, source string, version int, hash string) string {
	m := hmac.New(sha256.New, []byte(token))
	fmt.Fprintf(m, "approve\x00%s\x00%d\x00%s", source, version, hash)
	return hex.EncodeToString(m.Sum(nil))
}

func (d *Daemon) approveHandler(w http.ResponseWriter, r *http.Request, tmpl *template.Template) {
	name := r.PathValue("name")
	s, ok := d.status(name)
	if !ok {
		notFound(w)
		return
	}
	token := d.token()
	if token == "" {
		http.Error(w, "Утверждение на странице состояния работает только с токеном (status.token_env); "+
			"утвердите командой perechen approve", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "форма не прочитана", http.StatusBadRequest)
		return
	}
	form := approveForm{By: r.PostForm.Get("by"), Document: r.PostForm.Get("document")}
	fail := func(code int, msg string) {
		d.pageStatus(w, tmpl, "source.html", d.sourcePage(s, "", form, msg), code)
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if s.Awaiting == nil || version != s.Awaiting.Number ||
		!hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(approveMAC(token, name, version, s.Awaiting.ContentHash))) {
		fail(http.StatusConflict, "Страница устарела: версия, которую вы видели, больше не ждёт утверждения. Проверьте текущую версию ниже и утвердите её.")
		return
	}
	d.mu.Lock()
	stateDir := d.cfg.StateDir
	d.mu.Unlock()
	a, _, err := Approve(stateDir, ApproveRequest{Source: name, Version: version, By: form.By, Document: form.Document,
		Via: "status page", Now: d.deps.now()})
	var refused *ApproveError
	switch {
	case errors.As(err, &refused):
		fail(http.StatusUnprocessableEntity, refused.Reason)
		return
	case err != nil:
		d.log.WithField("error", err.Error()).Error("approval from the status page not recorded")
		fail(http.StatusInternalServerError, "Утверждение не записано: "+err.Error())
		return
	}
	d.log.WithFields(map[string]any{"source": name, "version": a.Version, "by": a.By, "document": a.Document}).Info("version approved on the status page")
	d.kick(name)
	// Relative, so the page also works behind a proxy under a path prefix
	// (http.Redirect would make it absolute).
	w.Header().Set("Location", "../"+url.PathEscape(name)+"?approved="+strconv.Itoa(a.Version))
	w.WriteHeader(http.StatusSeeOther)
}

// kick asks a source's loop for a cycle now.
func (d *Daemon) kick(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.runners {
		if r.cfg.Name == name {
			select {
			case r.kick <- struct{}{}:
			default: // one is pending already
			}
		}
	}
}
