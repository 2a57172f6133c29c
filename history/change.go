package history

import (
	"fmt"
	"time"
)

// Change is one difference between two versions of a Перечень.
type Change struct {
	Time       time.Time `json:"time"`                 // when it was seen (or published), stamped by the caller
	Clause     string    `json:"clause"`               // the Порядок's paragraph: "5.3.1", or "5.3" for process changes
	Kind       string    `json:"kind"`                 // TouchpointAdded, KindChanged, …
	Process    string    `json:"process"`              // the process name (its number when unnamed)
	Touchpoint string    `json:"touchpoint,omitempty"` // the touchpoint, for touchpoint and need changes
	Before     string    `json:"before,omitempty"`     // the old kind, need or process name
	After      string    `json:"after,omitempty"`      // the new kind, need or process name
}

// Russian describes the change for staff, citing the paragraph:
// "п. 5.3.1: в процесс «…» добавлена точка «…»".
func (c Change) Russian() string {
	var text string
	switch c.Kind {
	case TouchpointAdded:
		text = fmt.Sprintf("в процесс «%s» добавлена точка «%s»", c.Process, c.Touchpoint)
		if c.After != "" {
			text += fmt.Sprintf(" (%s)", c.After)
		}
	case KindChanged:
		text = fmt.Sprintf("у точки «%s» процесса «%s» изменён вид: «%s» → «%s»", c.Touchpoint, c.Process, c.Before, c.After)
	case NeedAdded:
		text = fmt.Sprintf("в точке «%s» процесса «%s» добавлена потребность «%s»", c.Touchpoint, c.Process, c.After)
	case NeedRemoved:
		text = fmt.Sprintf("из точки «%s» процесса «%s» исключена потребность «%s»", c.Touchpoint, c.Process, c.Before)
	case TouchpointExcluded:
		text = fmt.Sprintf("из процесса «%s» исключена точка «%s»", c.Process, c.Touchpoint)
	case ProcessAdded:
		text = fmt.Sprintf("добавлен процесс «%s»", c.Process)
	case ProcessRemoved:
		text = fmt.Sprintf("исключён процесс «%s»", c.Process)
	case ProcessRenamed:
		text = fmt.Sprintf("процесс «%s» переименован в «%s»", c.Before, c.After)
	default:
		text = fmt.Sprintf("изменение %q в процессе «%s»", c.Kind, c.Process)
	}
	if c.Clause == "" {
		return text
	}
	return "п. " + c.Clause + ": " + text
}

// Stamp sets Time on every change and returns the slice.
func Stamp(cs []Change, t time.Time) []Change {
	for i := range cs {
		cs[i].Time = t
	}
	return cs
}

// key identifies a change regardless of when it was seen.
func (c Change) key() string {
	return c.Clause + "\x00" + c.Kind + "\x00" + c.Process + "\x00" + c.Touchpoint + "\x00" + c.Before + "\x00" + c.After
}
