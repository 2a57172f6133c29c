package render

import (
	"io"
	"strings"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// Meta is what a render needs besides the registry itself.
type Meta struct {
	Organisation string // "Министерство …", shown in the title block
	Profile      *rules.Profile
	Version      time.Time // date of the version; PDF creation date comes from here, never the clock
	VersionLabel string    // e.g. "версия 3 от 24.11.2026"
	Source       string    // where the registry came from (for the footer)
	Changes      []string  // Russian lines for "Изменения" of the latest version, may be empty
	// Downloads are the other files published next to the page (the HTML
	// links them as "Скачать: PDF · XLSX …"); empty for a standalone render.
	Downloads []Download
	// Approval, when set, is printed as the grif «УТВЕРЖДЁН …» at the top
	// right and written into the JSON (п. 5.1–5.2).
	Approval *Approval
	// Grif is a grif given as text (config approval.grif: lines, blocks
	// separated by blank lines), printed when there is no Approval. Empty
	// means the grif in the sheet's own title rows, if it has one.
	Grif string
}

// Download is one file a page links to, by a relative name.
type Download struct {
	Name  string // "perechen.pdf"
	Label string // "PDF"
}

// DownloadsFor lists the files of the given renderers other than the page
// itself, in order, with the labels a reader expects.
func DownloadsFor(rs []Renderer) []Download {
	labels := map[string]string{"pdf": "PDF (для печати)", "xlsx": "XLSX (Excel)", "csv": "CSV", "json": "JSON"}
	var out []Download
	for _, r := range rs {
		if r.Format() == "html" {
			continue
		}
		label := labels[r.Format()]
		if label == "" {
			label = strings.ToUpper(r.Format())
		}
		out = append(out, Download{Name: r.FileName(), Label: label})
	}
	return out
}

// Preparer is a Renderer with set-up work that does not depend on the
// registry (the PDF's fonts). Prepare starts it in the background and
// returns at once; the next Render uses the result, so a caller that
// prepares before reading its input gets both done at the same time.
type Preparer interface {
	Prepare()
}

// Renderer writes one format.
type Renderer interface {
	Format() string   // "html", "pdf", "xlsx", "csv", "json"
	FileName() string // "index.html", "perechen.pdf", "perechen.xlsx", "perechen.csv", "perechen.json"
	Render(w io.Writer, reg *rules.Registry, meta Meta) error
}
