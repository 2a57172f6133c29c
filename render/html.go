package render

import (
	"bufio"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// Names of the embedded templates. A user template may call the partials
// ({{template "perechen-table" .}}, {{template "perechen-style" .}}) or
// define its own under the same names.
const (
	pageTemplate  = "perechen-page"
	tableTemplate = "perechen-table"
	styleTemplate = "perechen-style"
)

// partials are the embedded templates a user template may call, with the file
// defining each.
var partials = [...]struct{ name, file string }{
	{tableTemplate, "templates/table.html.tmpl"},
	{styleTemplate, "templates/style.css.tmpl"},
}

// HTMLOptions configure the HTML writer.
type HTMLOptions struct {
	// Fragment writes only the <table class="perechen"> for sites that embed
	// it into their own page and style it themselves.
	Fragment bool
	// Template replaces the page: it is executed with an HTMLView. The
	// partials "perechen-table" and "perechen-style" are added to a clone of
	// it unless it defines them. With a Template, Fragment only sets
	// HTMLView.Fragment (and so the caption).
	Template *template.Template
}

// HTMLView is the data an HTML template gets. Every string is plain text:
// html/template escapes it for the context it is used in.
type HTMLView struct {
	Lang         string     // "ru"
	Fragment     bool       // only the table is written
	Title        string     // the form's title, e.g. "ПЕРЕЧЕНЬ точек взаимодействия с внутренним клиентом"
	TitleLead    string     // "ПЕРЕЧЕНЬ" when Title starts with it (set on its own line), else ""
	TitleRest    string     // Title without TitleLead
	Organisation string     // Meta.Organisation
	VersionDate  string     // "24.11.2026", "" without a version date
	VersionISO   string     // "2026-11-24" for <time datetime>
	VersionLabel string     // Meta.VersionLabel
	Source       string     // Meta.Source
	Changes      []string   // Meta.Changes, shown under "Изменения"
	Downloads    []Download // Meta.Downloads, linked under the title
	// Grif is the approval mark printed top right, block by block, line by
	// line: «УТВЕРЖДЁН», «приказом …», «от … № …» (grif.go).
	Grif      [][]string
	Caption   string        // the table's <caption>
	Columns   [5]HTMLColumn // graphs 1–5
	Processes []HTMLProcess // one <tbody> each
	Counts    HTMLCounts
	// Table is the complete <table class="perechen">, already escaped; the
	// partial "perechen-table" writes it. A template that wants its own
	// table markup ranges over Processes instead.
	Table template.HTML
}

// HTMLColumn is one graph of the form.
type HTMLColumn struct {
	Number  int    // 1–5
	ID      string // id of its <th>, referenced by the cells' headers attribute
	Caption string
}

// HTMLProcess is one process: graphs 1–2 spanning all its rows.
type HTMLProcess struct {
	ID     string // id of its row header cell
	Number string
	Name   string
	Rows   []HTMLRow
}

// HTMLRow is one row of the form: one need of a touchpoint.
type HTMLRow struct {
	ProcessSpan    int    // > 0 on the process's first row: rowspan of graphs 1–2
	TouchpointSpan int    // > 0 on the touchpoint's first row: rowspan of graphs 3 and 5
	TouchpointID   string // id of the touchpoint cell
	Touchpoint     string
	Need           string
	Kind           string
}

// HTMLCounts summarise the registry.
type HTMLCounts struct{ Processes, Touchpoints, Needs, Rows int }

// idPrefix namespaces the ids so a fragment does not collide with the page
// it is embedded in.
const idPrefix = "perechen-"

type htmlRenderer struct {
	opts HTMLOptions
	tmpl *template.Template
	name string // template to execute
	err  error  // from preparing a user template, reported by Render
}

var _ Renderer = (*htmlRenderer)(nil)

// NewHTML returns the HTML writer: a standalone page in the official form
// (inline CSS, restrictive Content-Security-Policy, no external requests),
// only the table in fragment mode, or a user template.
func NewHTML(opts HTMLOptions) Renderer {
	r := &htmlRenderer{opts: opts}
	if opts.Template == nil {
		r.tmpl = template.Must(template.New("perechen").ParseFS(templateFS, "templates/*.tmpl"))
		r.name = pageTemplate
		if opts.Fragment {
			r.name = tableTemplate
		}
		return r
	}
	r.tmpl, r.err = withPartials(opts.Template)
	r.name = opts.Template.Name()
	return r
}

// withPartials clones a user template (so the caller's stays usable) and adds
// the embedded partials it does not define itself.
func withPartials(user *template.Template) (*template.Template, error) {
	t, err := user.Clone()
	if err != nil {
		return nil, fmt.Errorf("шаблон HTML %q: %w", user.Name(), err)
	}
	for _, p := range partials {
		if t.Lookup(p.name) != nil {
			continue
		}
		text, err := templateFS.ReadFile(p.file)
		if err != nil {
			return nil, err
		}
		if _, err := t.New(p.name).Parse(string(text)); err != nil {
			return nil, fmt.Errorf("шаблон HTML: встроенный %q: %w", p.name, err)
		}
	}
	return t, nil
}

func (r *htmlRenderer) Format() string   { return "html" }
func (r *htmlRenderer) FileName() string { return "index.html" }

func (r *htmlRenderer) Render(w io.Writer, reg *rules.Registry, meta Meta) error {
	if r.err != nil {
		return r.err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := r.tmpl.ExecuteTemplate(bw, r.name, newHTMLView(reg, meta, r.opts.Fragment)); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return bw.Flush()
}

// newHTMLView builds the template data from the registry and Meta.
func newHTMLView(reg *rules.Registry, meta Meta, fragment bool) HTMLView {
	v := HTMLView{
		Lang:         "ru",
		Fragment:     fragment,
		Title:        formTitle(meta),
		Organisation: strings.TrimSpace(meta.Organisation),
		VersionDate:  versionDate(meta),
		VersionLabel: strings.TrimSpace(meta.VersionLabel),
		Source:       meta.Source,
		Changes:      meta.Changes,
		Downloads:    meta.Downloads,
		Grif:         grifBlocks(reg, meta),
	}
	if !meta.Version.IsZero() {
		v.VersionISO = meta.Version.Format("2006-01-02")
	}
	if rest, ok := strings.CutPrefix(v.Title, "ПЕРЕЧЕНЬ"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\n') {
		v.TitleLead, v.TitleRest = "ПЕРЕЧЕНЬ", strings.TrimSpace(rest)
	}
	for i, c := range captions(meta) {
		v.Columns[i] = HTMLColumn{Number: i + 1, ID: idPrefix + "c" + strconv.Itoa(i+1), Caption: c}
	}
	rows := buildRows(reg)
	c := countRegistry(reg)
	v.Counts = HTMLCounts{Processes: c.Processes, Touchpoints: c.Touchpoints, Needs: c.Needs, Rows: len(rows)}
	v.Caption = htmlCaption(v)
	v.Processes = make([]HTMLProcess, 0, len(reg.Processes))
	for _, row := range rows {
		if row.ProcessSpan > 0 {
			pid := idPrefix + "p" + strconv.Itoa(row.Process+1)
			v.Processes = append(v.Processes, HTMLProcess{ID: pid, Number: row.Number, Name: row.ProcessName,
				Rows: make([]HTMLRow, 0, row.ProcessSpan)})
		}
		p := &v.Processes[len(v.Processes)-1]
		p.Rows = append(p.Rows, HTMLRow{
			ProcessSpan:    row.ProcessSpan,
			TouchpointSpan: row.TouchpointSpan,
			TouchpointID:   p.ID + "-t" + strconv.Itoa(row.Touchpoint+1),
			Touchpoint:     row.TouchpointName,
			Need:           row.NeedText,
			Kind:           row.Kind,
		})
	}
	v.Table = tableHTML(&v)
	return v
}

// htmlCaption summarises the table; in fragment mode, where there is no
// title block, it carries the title, organisation and version date too.
func htmlCaption(v HTMLView) string {
	summary := fmt.Sprintf("Процессов — %d, точек взаимодействия — %d, удовлетворяемых потребностей — %d",
		v.Counts.Processes, v.Counts.Touchpoints, v.Counts.Needs)
	if !v.Fragment {
		return summary
	}
	parts := []string{v.Title}
	if v.Organisation != "" {
		parts = append(parts, v.Organisation)
	}
	if v.VersionDate != "" {
		parts = append(parts, "редакция от "+v.VersionDate)
	}
	for _, b := range v.Grif {
		parts = append(parts, strings.Join(b, " "))
	}
	return strings.Join(parts, ", ") + ". " + summary
}
