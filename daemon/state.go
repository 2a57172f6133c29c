package daemon

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/rules"
)

// State directory layout, per source:
//
//	<state_dir>/<source>/last.json        State
//	<state_dir>/<source>/versions/NNNN/   registry.json + rendered files
//	<state_dir>/<source>/changes.jsonl    one LogEntry per published change or approval
//	<state_dir>/<source>/.lock            flock of the writers (daemon, perechen approve)
const (
	stateFile    = "last.json"
	versionsDir  = "versions"
	changesFile  = "changes.jsonl"
	registryFile = "registry.json"
	stateSchema  = 1
	dirPerm      = 0o700
	filePerm     = 0o600
)

// State is what a source remembers between cycles and restarts.
type State struct {
	Schema   int    `json:"schema"`
	Source   string `json:"source"`
	GridHash string `json:"grid_hash,omitempty"` // last grid fully processed
	// RegistryHash identifies the registry content; RegistrySeen is when it
	// was first seen, the date of the version rendered from it.
	RegistryHash string             `json:"registry_hash,omitempty"`
	RegistrySeen time.Time          `json:"registry_seen,omitzero"`
	LastPull     time.Time          `json:"last_pull,omitzero"`
	LastSuccess  time.Time          `json:"last_success,omitzero"`
	LastPublish  time.Time          `json:"last_publish,omitzero"`
	Findings     []rules.Diagnostic `json:"findings"`
	Blocked      string             `json:"blocked,omitempty"` // Russian: why publishing is held back
	BlockedSince time.Time          `json:"blocked_since,omitzero"`
	NotesWritten int                `json:"notes_written"`
	// TimeZone is the spreadsheet's own time zone, learnt at a fetch; it
	// dates everything when the config names none (see zone.go).
	TimeZone string        `json:"time_zone,omitempty"`
	Version  *VersionState `json:"version,omitempty"` // latest built version, the one the targets get
	// Candidate is the version awaiting approval (approval.required).
	Candidate *Candidate      `json:"candidate,omitempty"`
	Targets   []TargetState   `json:"targets"`
	Pending   []PendingChange `json:"pending"`
}

// VersionState is one built version of the site.
type VersionState struct {
	Number    int       `json:"number"`
	Time      time.Time `json:"time"`  // date of the registry content
	Built     time.Time `json:"built"` // when it was rendered
	Hash      string    `json:"hash"`  // content hash of the files
	InputHash string    `json:"input_hash"`
	Files     []string  `json:"files"`
	Changes   []string  `json:"changes,omitempty"` // Russian lines shown as "Изменения"
	// ContentHash is the registry content's hash (State.RegistryHash), what
	// an approval is bound to.
	ContentHash string    `json:"content_hash,omitempty"`
	Approval    *Approval `json:"approval,omitempty"`
}

// UnreleasedChanges are the Russian lines of the changes not yet built into
// a version: the «Изменения» of the next one. The first version lists none
// (everything would be "new").
func (st *State) UnreleasedChanges() []string {
	var out []string
	for _, p := range st.Pending {
		if p.Version == 0 && st.Version != nil {
			out = append(out, p.Text())
		}
	}
	return out
}

// TargetState is the publish state of one target (mirrors publish.TargetState).
type TargetState struct {
	Name        string    `json:"name"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Version     int       `json:"version"`
	Hash        string    `json:"hash,omitempty"`
}

// PendingChange is a change in the sheet not yet on every target.
type PendingChange struct {
	Change
	FirstSeen time.Time `json:"first_seen"`
	Deadline  time.Time `json:"deadline"`
	Version   int       `json:"version,omitempty"` // built into this version; 0 = not yet
	Warned    bool      `json:"warned,omitempty"`
	Overdue   bool      `json:"overdue,omitempty"`
}

// LogEntry is one line of changes.jsonl: a published change, or (Kind
// ApprovalKind) the approval of a version.
type LogEntry struct {
	Change
	FirstSeen time.Time `json:"first_seen,omitzero"`
	Deadline  time.Time `json:"deadline,omitzero"`
	Version   int       `json:"version"`
	Published time.Time `json:"published,omitzero"`
	Approval  *Approval `json:"approval,omitempty"`
}

// store is one source's state directory.
type store struct {
	dir string
	log logrus.FieldLogger
	now func() time.Time
}

func newStore(stateDir, source string, log logrus.FieldLogger, now func() time.Time) *store {
	return &store{dir: filepath.Join(stateDir, source), log: log, now: now}
}

func (s *store) ensure() error {
	if err := os.MkdirAll(filepath.Join(s.dir, versionsDir), dirPerm); err != nil {
		return fmt.Errorf("state dir: %w", err)
	}
	return nil
}

// load reads last.json. A missing file is a fresh state; an unreadable or
// corrupt one is moved aside (never deleted) and logged, and the source
// starts fresh, numbering versions after those already on disk.
// Reading creates nothing, so a dry run leaves no folders behind; every
// write calls ensure first.
func (s *store) load(source string) (*State, error) {
	fresh := &State{Schema: stateSchema, Source: source}
	path := filepath.Join(s.dir, stateFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fresh, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var st State
	if err = json.Unmarshal(data, &st); err == nil && st.Schema != stateSchema {
		err = fmt.Errorf("unknown schema %d", st.Schema)
	}
	if err != nil {
		aside := s.setAside(path, err)
		s.log.WithFields(logrus.Fields{"file": path, "moved_to": aside, "error": err}).
			Error("state file is corrupt; moved aside, starting fresh")
		return fresh, nil
	}
	st.Source = source
	return &st, nil
}

// setAside renames path to path.corrupt-<time> and returns the new name.
func (s *store) setAside(path string, _ error) string {
	aside := path + ".corrupt-" + s.now().UTC().Format("20060102T150405.000000000Z")
	if err := os.Rename(path, aside); err != nil {
		s.log.WithFields(logrus.Fields{"file": path, "error": err}).Error("cannot move corrupt state file aside")
		return ""
	}
	return aside
}

func (s *store) save(st *State) error {
	if err := s.ensure(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return publish.WriteFileAtomic(filepath.Join(s.dir, stateFile), append(data, '\n'), filePerm)
}

func versionName(n int) string { return fmt.Sprintf("%04d", n) }

// highestVersion is the largest NNNN under versions/, so a fresh state never
// overwrites a version already kept.
func (s *store) highestVersion() int {
	entries, _ := os.ReadDir(filepath.Join(s.dir, versionsDir))
	top := 0
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil && e.IsDir() && n > top {
			top = n
		}
	}
	return top
}

// writeVersion keeps registry.json and the files of version n: written into
// a temp dir, then renamed into place (over the draft kept while version n
// awaited approval).
func (s *store) writeVersion(n int, reg *rules.Registry, files []publish.File) error {
	if err := s.ensure(); err != nil {
		return err
	}
	final := filepath.Join(s.dir, versionsDir, versionName(n))
	tmp, err := os.MkdirTemp(filepath.Join(s.dir, versionsDir), "."+versionName(n)+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // no-op after the rename
	regJSON, err := json.MarshalIndent(reg, "", "  ")
	if err != nil {
		return err
	}
	all := append([]publish.File{{Name: registryFile, Data: regJSON}}, files...)
	for _, f := range all {
		if err := publish.WriteFileAtomic(filepath.Join(tmp, f.Name), f.Data, filePerm); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, dirPerm); err != nil {
		return err
	}
	if _, err := os.Stat(final); err == nil {
		old := tmp + ".old"
		if err := os.Rename(final, old); err != nil {
			return err
		}
		defer os.RemoveAll(old)
	}
	return os.Rename(tmp, final)
}

func (s *store) readVersionFiles(n int, names []string) ([]publish.File, error) {
	files := make([]publish.File, 0, len(names))
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(s.dir, versionsDir, versionName(n), name))
		if err != nil {
			return nil, fmt.Errorf("version %d: %w", n, err)
		}
		files = append(files, publish.File{Name: name, Data: data})
	}
	return files, nil
}

func (s *store) readRegistry(n int) (*rules.Registry, error) {
	data, err := os.ReadFile(filepath.Join(s.dir, versionsDir, versionName(n), registryFile))
	if err != nil {
		return nil, err
	}
	var reg rules.Registry
	if err := json.Unmarshal(data, &reg); err != nil {
		return nil, fmt.Errorf("version %d registry: %w", n, err)
	}
	return &reg, nil
}

// appendChanges adds lines to changes.jsonl (see appendLog).
func (s *store) appendChanges(es []LogEntry) error {
	if len(es) == 0 {
		return nil
	}
	if err := s.ensure(); err != nil {
		return err
	}
	return appendLog(s.dir, es)
}

// appendLog adds lines to dir/changes.jsonl in one write under the state
// lock and fsyncs; a torn last line from a crash is tolerated by
// ReadChangeLog.
func appendLog(dir string, es []LogEntry) error {
	lines, err := logLines(es)
	if err != nil {
		return err
	}
	unlock, err := lockState(dir, true)
	if err != nil {
		return err
	}
	defer unlock()
	return appendLocked(dir, lines)
}

func logLines(es []LogEntry) ([]byte, error) {
	var buf bytes.Buffer
	for _, e := range es {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// appendLocked appends lines to dir/changes.jsonl; the caller holds the lock.
func appendLocked(dir string, lines []byte) error {
	path := filepath.Join(dir, changesFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, filePerm)
	if err != nil {
		return err
	}
	matchOwner(path, dir)
	if _, err := f.Write(lines); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadChangeLog reads <stateDir>/<source>/changes.jsonl, oldest first. Lines
// that do not parse are skipped and reported in bad (1-based line numbers).
func ReadChangeLog(stateDir, source string) (entries []LogEntry, bad []int, err error) {
	entries, bad, err = readLogFile(filepath.Join(stateDir, source, changesFile))
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Version < entries[j].Version })
	return entries, bad, err
}

// readLogFile reads a changes.jsonl in file order.
func readLogFile(path string) (entries []LogEntry, bad []int, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e LogEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			bad = append(bad, line)
			continue
		}
		entries = append(entries, e)
	}
	return entries, bad, sc.Err()
}

// ReadState reads <stateDir>/<source>/last.json for tools such as
// `perechen history`; nil when there is none yet. It never moves files.
func ReadState(stateDir, source string) (*State, error) {
	data, err := os.ReadFile(filepath.Join(stateDir, source, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s is corrupt: %w", filepath.Join(stateDir, source, stateFile), err)
	}
	return &st, nil
}
