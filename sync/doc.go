// Package sync reads registries from where staff keep them (Google Sheets,
// XLSX files) into rules.Grid values and writes findings back as notes on
// the offending cells, never touching values or a person's own note text.
package sync
