package render

import (
	"io"
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
}

// Renderer writes one format.
type Renderer interface {
	Format() string   // "html", "pdf", "xlsx", "csv", "json"
	FileName() string // "index.html", "perechen.pdf", "perechen.xlsx", "perechen.csv", "perechen.json"
	Render(w io.Writer, reg *rules.Registry, meta Meta) error
}
