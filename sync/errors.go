package sync

import (
	"errors"
	"fmt"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// ErrSheetMoved means the source changed between the read that was linted
// and the write of notes (rows inserted, a value or note edited), so the
// planned notes could land on the wrong cells. Nothing was written; the next
// cycle reads again and retries.
var ErrSheetMoved = errors.New("таблица изменилась после чтения; примечания не записаны, повтор в следующем цикле")

// MovedError is a note write that left some cells to the next cycle: their
// value or their row changed between the read that was linted and the
// write. The other planned notes were written. errors.Is(err, ErrSheetMoved)
// holds for it.
type MovedError struct {
	Written int         // notes written, or found already as planned
	Skipped []rules.Ref // cells left to the next cycle
}

func (e *MovedError) Error() string {
	return fmt.Sprintf("таблица изменилась после чтения: примечания в %s не записаны (%s), повтор в следующем цикле",
		rules.CountRu(len(e.Skipped), "ячейке", "ячейках", "ячейках"), e.cells())
}

// Is makes a MovedError an ErrSheetMoved.
func (e *MovedError) Is(target error) bool { return target == ErrSheetMoved }

// cells names the skipped cells, the first ten of them.
func (e *MovedError) cells() string {
	var refs []string
	for i, r := range e.Skipped {
		if i == 10 {
			refs = append(refs, "…")
			break
		}
		refs = append(refs, r.A1())
	}
	return strings.Join(refs, ", ")
}

// ErrFileLocked means an XLSX file is open in Excel or LibreOffice (its lock
// file exists), so it is not written in place this cycle.
var ErrFileLocked = errors.New("файл открыт в Excel или LibreOffice; примечания будут записаны, когда его закроют")
