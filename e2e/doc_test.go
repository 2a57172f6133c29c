// Package e2e runs the real daemon (package wire's dependencies, as
// `perechen run` wires them) against the fake Google Sheets API with its
// OAuth token server, the fake WebDAV server and a local folder: the
// acceptance scenarios of issue 6.
package e2e
