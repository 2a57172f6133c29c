// Package chaos holds perechen's fault, kill-and-restart, soak and quota
// runs: the real daemon (real Sheets source, renderers, note planner,
// change classifier, production calendar, dir and WebDAV targets) against
// the fake Sheets, token and WebDAV servers on loopback, with faults
// injected and the promises checked after every cycle — no human note
// lost, no cell value changed, no partial file seen by a reader of the
// site. The package has only tests; `make chaos` and `make soak` run the
// long versions, `go test ./chaos` a short one.
package chaos
