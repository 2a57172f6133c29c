package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"reflect"
	"runtime/debug"
	"slices"
	gosync "sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/config"
)

// Daemon runs every configured source on its own goroutine and serves the
// status page.
type Daemon struct {
	deps     Deps
	log      logrus.FieldLogger
	metrics  *Metrics
	dryRun   bool
	gatherer prometheus.Gatherer
	// release runs after a cycle that linted (and maybe rendered and
	// published): debug.FreeOSMemory, so the garbage of that work — often
	// several times the idle heap — leaves RSS now instead of when the
	// scavenger gets to it. Idle cycles never call it.
	release func()

	reloadMu gosync.Mutex // one Reload at a time
	mu       gosync.Mutex
	cfg      *config.Config
	cal      WorkingDays
	runners  []*runner // in config order
	handles  map[string]*handle
	parent   context.Context // set by Run; nil before
}

// handle is a running source loop.
type handle struct {
	r    *runner
	stop context.CancelFunc
	done chan struct{}
}

// Option adjusts New.
type Option func(*Daemon)

// WithDryRun makes every cycle plan only: no notes, no publish, no state.
func WithDryRun() Option { return func(d *Daemon) { d.dryRun = true } }

// WithGatherer sets what /metrics serves (default: prometheus.DefaultGatherer,
// or the Registerer itself when it is a *prometheus.Registry).
func WithGatherer(g prometheus.Gatherer) Option { return func(d *Daemon) { d.gatherer = g } }

// New builds the daemon: opens every source and target through deps and
// loads each source's state. An error here means the configuration cannot
// run (exit 2).
func New(cfg *config.Config, deps Deps, log logrus.FieldLogger, reg prometheus.Registerer, opts ...Option) (*Daemon, error) {
	if err := deps.check(); err != nil {
		return nil, err
	}
	if log == nil {
		l := logrus.New()
		l.Out = io.Discard
		log = l
	}
	d := &Daemon{deps: deps, log: log, handles: map[string]*handle{}, release: debug.FreeOSMemory}
	for _, o := range opts {
		o(d)
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	if d.gatherer == nil {
		if g, ok := reg.(prometheus.Gatherer); ok {
			d.gatherer = g
		} else {
			d.gatherer = prometheus.DefaultGatherer
		}
	}
	d.metrics = deps.Metrics
	if d.metrics == nil {
		m, err := NewMetrics(reg)
		if err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		d.metrics = m
	}
	cal, err := d.calendar(cfg)
	if err != nil {
		return nil, err
	}
	var runners []*runner
	for _, s := range cfg.Sources {
		r, err := d.build(cfg, cal, s)
		if err != nil {
			return nil, err
		}
		runners = append(runners, r)
	}
	for _, r := range runners {
		if err := r.loadState(); err != nil {
			return nil, err
		}
		if !d.dryRun {
			r.removeLeftovers()
		}
	}
	d.cfg, d.cal, d.runners = cfg, cal, runners
	return d, nil
}

// Metrics returns the daemon's metrics (for a source's RoundTripper).
func (d *Daemon) Metrics() *Metrics { return d.metrics }

func (d *Daemon) calendar(cfg *config.Config) (WorkingDays, error) {
	if cfg.Calendar != "" && d.deps.LoadCalendar != nil {
		c, err := d.deps.LoadCalendar(cfg.Calendar)
		if err != nil {
			return nil, fmt.Errorf("calendar %s: %w", cfg.Calendar, err)
		}
		return c, nil
	}
	if d.deps.WorkingDays != nil {
		return d.deps.WorkingDays, nil
	}
	d.log.Warn("no production calendar wired; deadlines count Monday to Friday only")
	return WeekdayCalendar{}, nil
}

// build opens one source's source, targets and renderers (no state yet).
func (d *Daemon) build(cfg *config.Config, cal WorkingDays, s config.Source) (*runner, error) {
	wrap := func(what string, err error) error { return fmt.Errorf("source %s: %s: %w", s.Name, what, err) }
	profile, err := s.LoadProfile()
	if err != nil {
		return nil, wrap("profile", err)
	}
	log := d.log.WithField("source", s.Name)
	src, err := d.deps.NewSource(s, log)
	if err != nil {
		return nil, wrap("open source", err)
	}
	targets, err := d.deps.NewTargets(s)
	if err != nil {
		return nil, wrap("publish targets", err)
	}
	renderers, err := d.deps.Renderers(s.Formats)
	if err != nil {
		return nil, wrap("formats", err)
	}
	loc, err := SourceLocation(cfg, s, nil)
	if err != nil {
		return nil, wrap("time_zone", err)
	}
	return &runner{
		cfg: s, settings: settings{deadlineDays: cfg.DeadlineWorkingDays, warnDays: cfg.DeadlineWarnDays},
		src: src, targets: targets, renderers: renderers, profile: profile, deps: d.deps, cal: cal,
		store: newStore(cfg.StateDir, s.Name, log, d.deps.now), log: log, metrics: d.metrics, dryRun: d.dryRun,
		loc: loc, zoneFixed: cfg.TimeZoneFor(s) != "", kick: make(chan struct{}, 1),
	}, nil
}

// loadState reads the source's state and lines up the target states with
// the configured targets by name.
func (r *runner) loadState() error {
	st, err := r.store.load(r.cfg.Name)
	if err != nil {
		return fmt.Errorf("source %s: %w", r.cfg.Name, err)
	}
	byName := map[string]TargetState{}
	for _, t := range st.Targets {
		byName[t.Name] = t
	}
	st.Targets = make([]TargetState, len(r.targets))
	for i, t := range r.targets {
		ts, ok := byName[t.Name()]
		if !ok {
			ts = TargetState{Name: t.Name()}
		}
		st.Targets[i] = ts
	}
	if !r.zoneFixed && st.TimeZone != "" {
		if loc, err := time.LoadLocation(st.TimeZone); err == nil {
			r.loc = loc
		}
	}
	st.localize(r.loc)
	r.state = st
	r.published = nil
	r.snapshot(nil)
	return nil
}

// RunOnce runs one cycle of every source concurrently and returns the
// results in configuration order.
func (d *Daemon) RunOnce(ctx context.Context) []Result {
	d.mu.Lock()
	runners := append([]*runner(nil), d.runners...)
	d.mu.Unlock()
	out := make([]Result, len(runners))
	var wg gosync.WaitGroup
	for i, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = r.cycle(ctx)
		}()
	}
	wg.Wait()
	return out
}

// Run starts the status server and one loop per source and blocks until
// ctx ends; then running cycles get shutdown_timeout to finish before
// their context is cancelled. A value on reload (SIGHUP) calls load and
// applies the new configuration; when load fails the old one stays.
func (d *Daemon) Run(ctx context.Context, reload <-chan os.Signal, load func() (*config.Config, error)) error {
	d.mu.Lock()
	cfg := d.cfg
	var srv *http.Server
	var ln net.Listener
	if cfg.Status.Listen != config.ListenOff {
		var err error
		ln, err = net.Listen("tcp", cfg.Status.Listen)
		if err != nil {
			d.mu.Unlock()
			return fmt.Errorf("status server: %w", err)
		}
		srv = &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	}
	d.parent = ctx
	for _, r := range d.runners {
		d.handles[r.cfg.Name] = d.start(ctx, r)
	}
	d.mu.Unlock()

	srvErr := make(chan error, 1)
	if srv != nil {
		d.log.WithField("listen", ln.Addr().String()).Info("status server listening")
		if !loopbackAddr(ln.Addr()) && cfg.Status.Token == "" {
			d.log.WithField("listen", ln.Addr().String()).Warn("status server is reachable beyond localhost without a token: set status.token_env")
		}
		go func() { srvErr <- srv.Serve(ln) }()
	}
	d.log.WithField("sources", len(cfg.Sources)).Info("daemon started")
	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-srvErr:
			if !errors.Is(err, http.ErrServerClosed) {
				runErr = fmt.Errorf("status server: %w", err)
			}
			break loop
		case <-reload:
			d.log.Info("reloading configuration")
			newCfg, err := load()
			if err == nil {
				err = d.Reload(newCfg)
			}
			if err != nil {
				d.log.WithField("error", err.Error()).Error("configuration reload failed; keeping the old configuration")
			}
		}
	}
	d.log.Info("shutting down")
	d.mu.Lock()
	handles := d.handles
	d.handles = map[string]*handle{}
	d.mu.Unlock()
	for _, h := range handles {
		h.stop()
	}
	for _, h := range handles {
		<-h.done
	}
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_ = srv.Shutdown(sctx)
		cancel()
	}
	d.log.Info("daemon stopped")
	return runErr
}

// start runs r's loop until its handle is stopped or parent ends. A cycle
// in flight when that happens gets the shutdown timeout, then its context
// is cancelled.
func (d *Daemon) start(parent context.Context, r *runner) *handle {
	stopCtx, stop := context.WithCancel(parent)
	cycleCtx, abandon := context.WithCancel(context.WithoutCancel(parent))
	h := &handle{r: r, stop: stop, done: make(chan struct{})}
	timeout := d.cfg.ShutdownTimeout
	interval, jitter := d.cfg.IntervalFor(r.cfg), d.cfg.Jitter
	go func() {
		<-stopCtx.Done()
		t := time.NewTimer(timeout)
		defer t.Stop()
		select {
		case <-t.C:
			r.log.WithField("timeout", timeout.String()).Warn("cycle did not finish in time; abandoning it")
			abandon()
		case <-h.done:
		}
	}()
	go func() {
		defer close(h.done)
		defer abandon()
		// Sources started together spread over the jitter window.
		first := time.Duration(0)
		if jitter > 0 {
			first = rand.N(jitter)
		}
		timer := time.NewTimer(first)
		defer timer.Stop()
		for {
			select {
			case <-stopCtx.Done():
				return
			case <-timer.C:
			case <-r.kick: // an approval from the status page: publish now
				timer.Stop() // Go ≥ 1.23: no stale tick is delivered after Stop
			}
			d.safeCycle(cycleCtx, r)
			wait := interval
			if jitter > 0 {
				wait += rand.N(jitter)
			}
			timer.Reset(wait)
		}
	}()
	return h
}

// safeCycle runs one cycle and turns a panic in a dependency into a
// counted error instead of a dead daemon.
func (d *Daemon) safeCycle(ctx context.Context, r *runner) {
	defer func() {
		if p := recover(); p != nil {
			r.log.WithField("panic", fmt.Sprint(p)).Error("cycle panicked")
			d.metrics.errors.WithLabelValues(r.cfg.Name, "panic").Inc()
		}
	}()
	if res := r.cycle(ctx); res.Linted && d.release != nil {
		d.release()
	}
}

// Reload applies a new configuration: sources added are started, removed
// ones stopped, changed ones restarted with their state; unchanged ones keep
// running. If any new source cannot be opened nothing changes. The status
// page keeps answering while a replaced source finishes its cycle.
func (d *Daemon) Reload(cfg *config.Config) error {
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	d.mu.Lock()
	old, oldRunners := d.cfg, slices.Clone(d.runners)
	d.mu.Unlock()
	if old.Status.Listen != cfg.Status.Listen {
		d.log.WithFields(logrus.Fields{"old": old.Status.Listen, "new": cfg.Status.Listen}).
			Warn("status.listen changed; it takes effect after a restart")
	}
	cal, err := d.calendar(cfg)
	if err != nil {
		return err
	}
	oldBy := map[string]*runner{}
	for _, r := range oldRunners {
		oldBy[r.cfg.Name] = r
	}
	globalChanged := old.StateDir != cfg.StateDir || old.Interval != cfg.Interval || old.Jitter != cfg.Jitter ||
		old.DeadlineWorkingDays != cfg.DeadlineWorkingDays || old.DeadlineWarnDays != cfg.DeadlineWarnDays ||
		old.Calendar != cfg.Calendar || old.ShutdownTimeout != cfg.ShutdownTimeout || old.TimeZone != cfg.TimeZone
	var next, fresh []*runner
	for _, s := range cfg.Sources {
		if r, ok := oldBy[s.Name]; ok && !globalChanged && reflect.DeepEqual(r.cfg, s) {
			next = append(next, r)
			continue
		}
		r, err := d.build(cfg, cal, s)
		if err != nil {
			return err
		}
		next = append(next, r)
		fresh = append(fresh, r)
	}
	keep := map[*runner]bool{}
	for _, r := range next {
		keep[r] = true
	}
	// Stop what goes away or is replaced, then read its state anew: one
	// writer per state directory at any time.
	for _, r := range oldRunners {
		if keep[r] {
			continue
		}
		d.mu.Lock()
		h := d.handles[r.cfg.Name]
		delete(d.handles, r.cfg.Name)
		d.mu.Unlock()
		if h != nil {
			h.stop()
			<-h.done
		}
		if _, still := cfg.Source(r.cfg.Name); !still {
			d.metrics.forget(r.cfg.Name)
			r.log.Info("source removed")
		}
	}
	var loadErr error
	for _, r := range fresh {
		if err := r.loadState(); err != nil {
			loadErr = errors.Join(loadErr, err)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cfg, d.cal, d.runners = cfg, cal, nil
	for _, r := range next {
		if r.state == nil {
			continue // its state could not be read; reported below
		}
		d.runners = append(d.runners, r)
		if d.parent != nil && d.handles[r.cfg.Name] == nil {
			d.handles[r.cfg.Name] = d.start(d.parent, r)
			r.log.Info("source (re)started")
		}
	}
	d.log.WithFields(logrus.Fields{"sources": len(d.runners), "restarted": len(fresh)}).Info("configuration reloaded")
	return loadErr
}

// Ready reports whether every source has finished at least one cycle.
func (d *Daemon) Ready() bool {
	for _, s := range d.Statuses() {
		if s.Cycles == 0 {
			return false
		}
	}
	return true
}

// loopbackAddr reports whether a listener accepts only local connections.
func loopbackAddr(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
