package rules

// Registry is a parsed Перечень: the title block, the header captions and the
// processes in sheet order.
type Registry struct {
	Sheet    string   `json:"sheet"`
	Title    string   `json:"title,omitempty"`
	TitleAt  Ref      `json:"title_at"`
	Header   []string `json:"header"`
	HeaderAt Ref      `json:"header_at"`
	// Columns are the 0-based sheet columns of the form's five graphs
	// (№, process, touchpoint, needs, kind) as found from the header.
	Columns   [5]int    `json:"columns"`
	Processes []Process `json:"processes"`
}

// Process is one row group of the form: column 1 (№) and column 2 (process).
type Process struct {
	Number      string       `json:"number"`
	Name        string       `json:"name"`
	NumberAt    Ref          `json:"number_at"`
	NameAt      Ref          `json:"name_at"`
	At          Span         `json:"at"`
	Touchpoints []Touchpoint `json:"touchpoints"`
	// Repeated counts the rows that wrote the number again (the flat
	// layout): renumbering the process means every one of them.
	Repeated int `json:"-"`
}

// Touchpoint is column 3 (точка взаимодействия) with its kind from column 5.
type Touchpoint struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	NameAt Ref    `json:"name_at"`
	KindAt Ref    `json:"kind_at"`
	At     Span   `json:"at"`
	Needs  []Need `json:"needs"`
	// SharedNeeds: the touchpoint shares a cell with others whose needs
	// could not be told apart, so it is not "without needs".
	SharedNeeds bool `json:"-"`
}

// Need is one satisfied client need from column 4.
type Need struct {
	Text string `json:"text"`
	At   Ref    `json:"at"`
}

// HasHeader reports whether the parser found the form's header row; without
// it the sheet is not a Перечень at all.
func (r *Registry) HasHeader() bool { return len(r.Header) > 0 }

// Rows counts the needs of the registry, i.e. the rows of the official form
// written one need per row (a touchpoint without needs still takes a row).
func (r *Registry) Rows() int {
	n := 0
	for _, p := range r.Processes {
		for _, t := range p.Touchpoints {
			n += max(1, len(t.Needs))
		}
		if len(p.Touchpoints) == 0 {
			n++
		}
	}
	return n
}
