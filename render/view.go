package render

import (
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// viewRow is one row of the official form written one need per row, the
// layout every tabular format shares. Spans are set on the first row of a
// process or touchpoint and are 0 on the rows they cover, so a writer merges
// cells (HTML rowspan, XLSX merge, PDF continued cell) exactly where a span
// is positive.
type viewRow struct {
	Process    int // index into Registry.Processes
	Touchpoint int // index into Process.Touchpoints, -1 for a process without touchpoints
	Need       int // index into Touchpoint.Needs, -1 for a touchpoint without needs

	Number, ProcessName string // graphs 1–2
	TouchpointName      string // graph 3
	NeedText            string // graph 4
	Kind                string // graph 5

	ProcessSpan    int // rows covered by graphs 1–2 starting here; 0 inside a process
	TouchpointSpan int // rows covered by graphs 3 and 5 starting here; 0 inside a touchpoint
}

// buildRows flattens a registry into form rows: a process without
// touchpoints and a touchpoint without needs still take one row, so the row
// count always equals Registry.Rows().
func buildRows(reg *rules.Registry) []viewRow {
	rows := make([]viewRow, 0, reg.Rows())
	for pi, p := range reg.Processes {
		first := len(rows)
		if len(p.Touchpoints) == 0 {
			rows = append(rows, viewRow{Process: pi, Touchpoint: -1, Need: -1, TouchpointSpan: 1})
		}
		for ti, t := range p.Touchpoints {
			n := max(1, len(t.Needs))
			for ni := 0; ni < n; ni++ {
				r := viewRow{Process: pi, Touchpoint: ti, Need: -1, TouchpointName: t.Name, Kind: t.Kind}
				if ni < len(t.Needs) {
					r.Need, r.NeedText = ni, t.Needs[ni].Text
				}
				if ni == 0 {
					r.TouchpointSpan = n
				}
				rows = append(rows, r)
			}
		}
		for i := first; i < len(rows); i++ {
			rows[i].Number, rows[i].ProcessName = p.Number, p.Name
		}
		rows[first].ProcessSpan = len(rows) - first
	}
	return rows
}

// Default captions of the five graphs when Meta has no profile.
var defaultCaptions = [5]string{
	"№ п/п",
	"Наименование процесса",
	"Точка взаимодействия",
	"Потребности внутреннего клиента",
	"Вид точки",
}

// defaultTitle is the form's title when Meta has no profile.
const defaultTitle = "ПЕРЕЧЕНЬ точек взаимодействия с внутренним клиентом"

// captions are the five column captions: the profile's when there is one.
func captions(meta Meta) [5]string {
	out := defaultCaptions
	if meta.Profile != nil {
		for i, c := range meta.Profile.Captions() {
			if i < len(out) && c != "" {
				out[i] = c
			}
		}
	}
	return out
}

// formTitle is the title of the form: the profile's when there is one.
func formTitle(meta Meta) string {
	if meta.Profile != nil && strings.TrimSpace(meta.Profile.FormTitle) != "" {
		return strings.TrimSpace(meta.Profile.FormTitle)
	}
	return defaultTitle
}

// versionDate is the version's date as Russian documents write it, "" when unset.
func versionDate(meta Meta) string {
	if meta.Version.IsZero() {
		return ""
	}
	return meta.Version.Format("02.01.2006")
}

// counts are the number of processes, touchpoints and needs of a registry.
type counts struct{ Processes, Touchpoints, Needs int }

func countRegistry(reg *rules.Registry) counts {
	c := counts{Processes: len(reg.Processes)}
	for _, p := range reg.Processes {
		c.Touchpoints += len(p.Touchpoints)
		for _, t := range p.Touchpoints {
			c.Needs += len(t.Needs)
		}
	}
	return c
}
