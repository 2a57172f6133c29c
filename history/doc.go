// Package history compares published versions of a Перечень, classifies each
// difference by the Порядок's actualization clause (new touchpoint, kind
// changed, needs changed, touchpoint excluded — seed 000 п. 5.3.1–5.3.4,
// seed 003 п. 5.1.1–5.1.4 — plus process added, removed or renamed), keeps a
// change log, and tracks the publication deadline (seed 000 п. 5.5, seed 003
// п. 5.3: the current version is on the site within 10 working days of a
// change) on the production calendar.
//
// Diff and Pending are pure; AppendLog and ReadLog do the file I/O.
package history
