// Package daemon runs perechen as a service: for every configured source it
// pulls the registry on an interval, lints it, writes findings back as
// notes, gates publication on errors (п. 2.2.2), renders and publishes the
// clean version, and keeps the history of published versions and the
// publication deadline (п. 5.5) in a state directory. A status server shows
// all of it in Russian and exports Prometheus metrics.
//
// The concrete sources, renderers, targets, change classifier and production
// calendar are injected through Deps, so this package depends only on the
// interfaces in sync, render and publish.
package daemon
