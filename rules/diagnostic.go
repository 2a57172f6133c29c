package rules

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Severity orders findings: errors block publication, warnings and notices
// do not (by default).
type Severity int

// Severities from most to least severe.
const (
	Error Severity = iota
	Warning
	Notice
)

var severityNames = [...]string{"error", "warning", "notice"}
var severityRussian = [...]string{"ошибка", "предупреждение", "замечание"}

// String is the English name used in JSON and logs.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// Russian is the word shown to staff.
func (s Severity) Russian() string {
	if s < 0 || int(s) >= len(severityRussian) {
		return s.String()
	}
	return severityRussian[s]
}

// ParseSeverity accepts the English name.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if n == name {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or notice)", name)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err == nil {
		*s = v
	}
	return err
}

// Diagnostic is one finding at one cell. Message and Suggestion are Russian
// text for staff; Paragraph is the Порядок's clause ("4.2.2").
type Diagnostic struct {
	Rule       string
	Severity   Severity
	Paragraph  string
	Ref        Ref
	Message    string
	Suggestion string
	Fix        Fix
}

// Fix is the suggestion as a change a program can make to the finding's
// cell: Old, a part of the cell's text (or "" for the whole cell), becomes
// New. The zero Fix means the suggestion is advice for a person.
type Fix struct {
	Old string `json:"old,omitempty"`
	New string `json:"new"`
}

// IsZero reports whether there is no fix.
func (f Fix) IsZero() bool { return f.Old == "" && f.New == "" }

// Apply is the cell's text after the fix: the first occurrence of Old
// replaced (compared as Clean text when the raw text differs in spaces or
// line breaks), or the whole text when Old is "". ok is false when Old is
// not in the text.
func (f Fix) Apply(text string) (string, bool) {
	if f.Old == "" {
		return f.New, true
	}
	if strings.Contains(text, f.Old) {
		return strings.Replace(text, f.Old, f.New, 1), true
	}
	if c := Clean(text); strings.Contains(c, f.Old) {
		return Clean(strings.Replace(c, f.Old, f.New, 1)), true
	}
	return text, false
}

// diagnosticJSON is the JSON contract of `perechen lint --format json`.
type diagnosticJSON struct {
	Rule       string   `json:"rule"`
	Severity   Severity `json:"severity"`
	Paragraph  string   `json:"paragraph"`
	Sheet      string   `json:"sheet"`
	Cell       string   `json:"cell"`
	Row        int      `json:"row"`
	Column     int      `json:"column"`
	Message    string   `json:"message"`
	Suggestion string   `json:"suggestion,omitempty"`
	Fix        *Fix     `json:"fix,omitempty"`
}

// MarshalJSON writes the documented contract (1-based row and column).
func (d Diagnostic) MarshalJSON() ([]byte, error) {
	j := diagnosticJSON{
		Rule: d.Rule, Severity: d.Severity, Paragraph: d.Paragraph,
		Sheet: d.Ref.Sheet, Cell: d.Ref.A1(), Row: d.Ref.Row + 1, Column: d.Ref.Col + 1,
		Message: d.Message, Suggestion: d.Suggestion,
	}
	if !d.Fix.IsZero() {
		j.Fix = &d.Fix
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the contract back.
func (d *Diagnostic) UnmarshalJSON(b []byte) error {
	var j diagnosticJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*d = Diagnostic{Rule: j.Rule, Severity: j.Severity, Paragraph: j.Paragraph,
		Ref:     Ref{Sheet: j.Sheet, Row: j.Row - 1, Col: j.Column - 1},
		Message: j.Message, Suggestion: j.Suggestion}
	if j.Fix != nil {
		d.Fix = *j.Fix
	}
	return nil
}

// Text is the one-line form for people:
// "Перечень!C22: предупреждение [touchpoint-vocabulary] п. 4.2.2: … Исправьте: …".
func (d Diagnostic) Text() string {
	s := fmt.Sprintf("%s: %s [%s] п. %s: %s", d.Ref, d.Severity.Russian(), d.Rule, d.Paragraph, d.Message)
	if d.Suggestion != "" {
		s += " " + d.Suggestion
	}
	return s
}

// AtLeast keeps the findings at least as severe as s, in their order.
func AtLeast(ds []Diagnostic, s Severity) []Diagnostic {
	out := make([]Diagnostic, 0, len(ds))
	for _, d := range ds {
		if d.Severity <= s {
			out = append(out, d)
		}
	}
	return out
}

// Summary counts diagnostics by severity.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notices  int `json:"notices"`
}

// Summarize counts ds by severity.
func Summarize(ds []Diagnostic) Summary {
	var s Summary
	for _, d := range ds {
		switch d.Severity {
		case Error:
			s.Errors++
		case Warning:
			s.Warnings++
		default:
			s.Notices++
		}
	}
	return s
}

// SortDiagnostics orders findings by cell (row, column), then severity and rule,
// so output is stable whatever order the rules ran in.
func SortDiagnostics(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Ref.Row != b.Ref.Row {
			return a.Ref.Row < b.Ref.Row
		}
		if a.Ref.Col != b.Ref.Col {
			return a.Ref.Col < b.Ref.Col
		}
		if a.Severity != b.Severity {
			return a.Severity < b.Severity
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}
