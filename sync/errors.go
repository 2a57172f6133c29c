package sync

import "errors"

// ErrSheetMoved means the source changed between the read that was linted
// and the write of notes (rows inserted, a value or note edited), so the
// planned notes could land on the wrong cells. Nothing was written; the next
// cycle reads again and retries.
var ErrSheetMoved = errors.New("таблица изменилась после чтения; примечания не записаны, повтор в следующем цикле")

// ErrFileLocked means an XLSX file is open in Excel or LibreOffice (its lock
// file exists), so it is not written in place this cycle.
var ErrFileLocked = errors.New("файл открыт в Excel или LibreOffice; примечания будут записаны, когда его закроют")
