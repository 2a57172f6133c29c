package render

import (
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// The official form's wording used when Meta carries no profile.
const officialFormTitle = "ПЕРЕЧЕНЬ точек взаимодействия с внутренним клиентом"

var officialDefaultCaptions = [5]string{
	"№ п/п", "Наименование процесса", "Точка взаимодействия", "Потребности внутреннего клиента", "Вид точки",
}

// officialCaptions are the five column captions: the profile's when given.
func officialCaptions(p *rules.Profile) [5]string {
	out := officialDefaultCaptions
	if p == nil || len(p.Columns) != 5 {
		return out
	}
	for i, c := range p.Columns {
		if c.Caption != "" {
			out[i] = c.Caption
		}
	}
	return out
}

// officialTitle is the form's title: the registry's own title block, less
// its grif, when it names the Перечень (it often adds the organisation and
// subject), else
// the profile's form title, else the generic one.
func officialTitle(reg *rules.Registry, p *rules.Profile) string {
	if reg != nil {
		t := titleWithoutGrif(reg.Title)
		if strings.HasPrefix(strings.ToUpper(t), "ПЕРЕЧЕНЬ") {
			return t
		}
	}
	if p != nil && p.FormTitle != "" {
		return p.FormTitle
	}
	return officialFormTitle
}

// officialVersion is the line under the title: the version date and label.
func officialVersion(m Meta) string {
	date := ""
	if !m.Version.IsZero() {
		date = m.Version.Format("02.01.2006")
	}
	label := strings.TrimSpace(m.VersionLabel)
	switch {
	case date == "" && label == "":
		return ""
	case date == "":
		return "Редакция: " + label
	case label == "":
		return "По состоянию на " + date
	case strings.Contains(label, date):
		return "По состоянию на " + date + " (" + label + ")"
	default:
		return "По состоянию на " + date + " (" + label + ")"
	}
}

// spannedRow is one row of the official form written one need per row, with
// what it shares with its neighbours: the process (graphs 1–2) and the
// touchpoint with its kind (graphs 3 and 5).
type spannedRow struct {
	Proc, Tp            int // indexes into reg.Processes and its Touchpoints (Tp -1: none)
	Number, Process     string
	Touchpoint, Kind    string
	Need                string
	ProcFirst, ProcLast bool
	TpFirst, TpLast     bool
}

// spannedRows flattens the registry into form rows: a touchpoint without
// needs and a process without touchpoints still take one row.
func spannedRows(reg *rules.Registry) []spannedRow {
	if reg == nil {
		return nil
	}
	out := make([]spannedRow, 0, reg.Rows())
	for pi, p := range reg.Processes {
		first := len(out)
		if len(p.Touchpoints) == 0 {
			out = append(out, spannedRow{Proc: pi, Tp: -1, Number: p.Number, Process: p.Name, TpFirst: true, TpLast: true})
		}
		for ti, t := range p.Touchpoints {
			needs := t.Needs
			if len(needs) == 0 {
				needs = []rules.Need{{}}
			}
			for ni, n := range needs {
				out = append(out, spannedRow{Proc: pi, Tp: ti, Number: p.Number, Process: p.Name,
					Touchpoint: t.Name, Kind: t.Kind, Need: n.Text,
					TpFirst: ni == 0, TpLast: ni == len(needs)-1})
			}
		}
		out[first].ProcFirst = true
		out[len(out)-1].ProcLast = true
	}
	return out
}
