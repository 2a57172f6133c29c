// Package rules holds the registry model (Перечень точек взаимодействия),
// the form parser that turns a grid of sheet cells into that model, the
// profiles that describe an organisation's Порядок, and the rule set that
// checks a registry against it.
//
// The package does no I/O: sources produce a Grid, the parser consumes it,
// and every finding is a Diagnostic pointing at a cell.
package rules
