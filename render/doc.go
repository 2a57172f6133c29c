// Package render writes a parsed registry in the official form: HTML, PDF,
// XLSX, CSV and JSON. Every writer is deterministic: the same registry and
// Meta give byte-identical output, so publishing can skip unchanged files.
package render
