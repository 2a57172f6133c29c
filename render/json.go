package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// JSONSchema names the JSON layout; it changes only with an incompatible
// change of the layout (fields are only ever added within one version).
const JSONSchema = "perechen/registry/v1"

// jsonDoc is the JSON layout documented in docs/render.md ("JSON"). It is
// render's own, not rules.Registry's, so the published schema stays stable
// when the parser's model changes.
type jsonDoc struct {
	Schema       string     `json:"schema"`
	Title        string     `json:"title"`
	Organisation string     `json:"organisation"`
	Profile      string     `json:"profile"`
	VersionDate  string     `json:"version_date"`
	VersionLabel string     `json:"version_label"`
	Source       string     `json:"source"`
	Sheet        string     `json:"sheet"`
	Columns      []string   `json:"columns"`
	Counts       jsonCounts `json:"counts"`
	Changes      []string   `json:"changes"`
	// Grif and Approval were added within v1 (issue 14): the approval mark
	// as printed, block by block, and the approving document (null when the
	// version was not approved through perechen).
	Grif      [][]string    `json:"grif"`
	Approval  *jsonApproval `json:"approval"`
	Processes []jsonProcess `json:"processes"`
}

// jsonApproval is the document that approved the version (п. 5.1–5.2). Who
// recorded it stays in the state directory's history, not on the site.
type jsonApproval struct {
	Document string `json:"document"`
	Date     string `json:"date"` // "2026-12-01", the organisation's date
	Version  int    `json:"version"`
}

type jsonCounts struct {
	Processes   int `json:"processes"`
	Touchpoints int `json:"touchpoints"`
	Needs       int `json:"needs"`
	Rows        int `json:"rows"`
}

type jsonProcess struct {
	Number      string           `json:"number"`
	Name        string           `json:"name"`
	Cell        string           `json:"cell"`
	Touchpoints []jsonTouchpoint `json:"touchpoints"`
}

type jsonTouchpoint struct {
	Name   string     `json:"name"`
	Kind   string     `json:"kind"`
	KindID string     `json:"kind_id"`
	Cell   string     `json:"cell"`
	Needs  []jsonNeed `json:"needs"`
}

type jsonNeed struct {
	Text string `json:"text"`
	Cell string `json:"cell"`
}

type jsonRenderer struct{}

var _ Renderer = (*jsonRenderer)(nil)

// NewJSON returns the JSON writer: the registry in the documented schema
// JSONSchema, indented with two spaces, fields and processes always in the
// same order, empty lists written as [] (never null).
func NewJSON() Renderer { return jsonRenderer{} }

func (jsonRenderer) Format() string   { return "json" }
func (jsonRenderer) FileName() string { return "perechen.json" }

func (jsonRenderer) Render(w io.Writer, reg *rules.Registry, meta Meta) error {
	c := countRegistry(reg)
	head := captions(meta)
	doc := jsonDoc{
		Schema:       JSONSchema,
		Title:        formTitle(meta),
		Organisation: strings.TrimSpace(meta.Organisation),
		VersionLabel: strings.TrimSpace(meta.VersionLabel),
		Source:       meta.Source,
		Sheet:        reg.Sheet,
		Columns:      head[:],
		Counts:       jsonCounts{Processes: c.Processes, Touchpoints: c.Touchpoints, Needs: c.Needs, Rows: reg.Rows()},
		Changes:      append([]string{}, meta.Changes...),
		Grif:         append([][]string{}, grifBlocks(reg, meta)...),
		Processes:    make([]jsonProcess, 0, len(reg.Processes)),
	}
	if a := meta.Approval; a != nil {
		doc.Approval = &jsonApproval{Document: strings.Join(strings.Fields(a.Document), " "), Version: a.Version}
		if !a.Date.IsZero() {
			doc.Approval.Date = a.Date.Format("2006-01-02")
		}
	}
	if meta.Profile != nil {
		doc.Profile = meta.Profile.Name
	}
	if !meta.Version.IsZero() {
		doc.VersionDate = meta.Version.Format("2006-01-02")
	}
	for _, p := range reg.Processes {
		jp := jsonProcess{Number: p.Number, Name: p.Name, Cell: p.NameAt.A1(), Touchpoints: make([]jsonTouchpoint, 0, len(p.Touchpoints))}
		for _, t := range p.Touchpoints {
			jt := jsonTouchpoint{Name: t.Name, Kind: t.Kind, KindID: kindID(meta.Profile, t.Kind), Cell: t.NameAt.A1(),
				Needs: make([]jsonNeed, 0, len(t.Needs))}
			for _, n := range t.Needs {
				jt.Needs = append(jt.Needs, jsonNeed{Text: n.Text, Cell: n.At.A1()})
			}
			jp.Touchpoints = append(jp.Touchpoints, jt)
		}
		doc.Processes = append(doc.Processes, jp)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("render json: %w", err)
	}
	return nil
}

// kindID resolves a kind label (or an accepted variant of it) to the
// profile's kind id, "" when there is no profile or the label is unknown.
func kindID(p *rules.Profile, label string) string {
	if p == nil {
		return ""
	}
	label = strings.TrimSpace(label)
	for _, k := range p.Kinds {
		if strings.EqualFold(k.Label, label) {
			return k.ID
		}
		for _, v := range k.Variants {
			if strings.EqualFold(v, label) {
				return k.ID
			}
		}
	}
	return ""
}
