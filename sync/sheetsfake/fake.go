package sheetsfake

import (
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// TB is the part of testing.TB the fake needs (so it does not import testing).
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// DefaultID is the spreadsheet id the fake serves unless ID is changed before use.
const DefaultID = "1FakeSpreadsheetId_perechen"

// Fake is one spreadsheet behind a fake Sheets API. All methods are safe for
// concurrent use.
type Fake struct {
	// URL is the API base URL with a trailing slash (use it as the endpoint).
	URL string
	// ID is the spreadsheet id the fake answers to.
	ID string

	srv   *httptest.Server
	key   *rsa.PrivateKey
	keyID string

	mu          gosync.Mutex
	sheets      []*sheet
	nextSheetID int64
	deleted     bool
	forbidden   bool
	tokens      map[string]string // access token → the scopes it was issued for
	scopes      []string
	// version is the file's Drive version: it grows with every change,
	// perechen's own note writes included.
	version     int64
	locale      string
	disabled    map[string]bool // "sheets", "drive": APIs not enabled in the project
	quota       quotaState
	vmScopes    string
	gzipLevel   int
	gzipFree    chan *compressor // gzipSlots slots: a compressor, or nil before first use
	counts      map[string]int
	batches     [][]NoteWrite
	requests    [][]json.RawMessage
	nextRangeID int64
	faults      []fault
	tokenFaults []int
	delay       time.Duration
	hook        func(method string, n int)
	wrap        func(http.Handler) http.Handler
	noteView    func(note string) string // how reads hand notes back; nil: as stored
}

type sheet struct {
	id     int64
	title  string
	hidden bool
	cells  [][]rules.Cell
	merges []rules.Range
	// typed holds what a cell was typed as when it is more than text (a
	// number with its format, a date, a link, a chip); cells[r][c].Value
	// is then its displayed text.
	typed map[[2]int]typedValue
	// formattedRows is how many rows carry formatting: Sheets lists them
	// all in rowData, empty or not.
	formattedRows int
	// validations, protected and the grid size: see setup.go.
	validations map[[2]int]Validation
	protected   []ProtectedRange
	rows, cols  int
}

type fault struct {
	code       int
	retryAfter time.Duration
	stall      time.Duration
	drop       bool
}

// NoteWrite is one note a batchUpdate set ("" = cleared).
type NoteWrite struct {
	SheetID  int64
	Row, Col int
	Note     string
}

// New starts a fake with one empty sheet "Лист1" (gid 0). With t, the server
// is closed when the test ends; with nil, call Close.
func New(t TB) *Fake {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		if t != nil {
			t.Fatalf("sheetsfake: generate key: %v", err)
		}
		panic(err)
	}
	id := make([]byte, 20)
	_, _ = rand.Read(id)
	f := &Fake{
		ID: DefaultID, key: key, keyID: hex.EncodeToString(id),
		tokens: map[string]string{}, counts: map[string]int{}, nextSheetID: 1_000_001,
		version: 1, locale: "ru_RU", disabled: map[string]bool{}, gzipLevel: gzip.BestSpeed,
	}
	f.gzipFree = make(chan *compressor, gzipSlots)
	for range gzipSlots {
		f.gzipFree <- nil
	}
	f.sheets = []*sheet{{id: 0, title: "Лист1"}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.dispatch))
	f.URL = f.srv.URL + "/"
	if t != nil {
		t.Helper()
		t.Cleanup(f.Close)
	}
	return f
}

// Close shuts the server down.
func (f *Fake) Close() { f.srv.Close() }

// Client is an HTTP client for the fake's server.
func (f *Fake) Client() *http.Client { return f.srv.Client() }

// LoadGrid replaces the sheet titled g.Sheet (adding it if missing) with the
// grid's values, notes and merges; it returns the sheet's gid.
func (f *Fake) LoadGrid(g rules.Grid) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	sh := f.sheetLocked(g.Sheet)
	if sh == nil {
		sh = f.addSheetLocked(g.Sheet)
	}
	sh.cells = make([][]rules.Cell, len(g.Cells))
	for i, row := range g.Cells {
		sh.cells[i] = append([]rules.Cell(nil), row...)
	}
	sh.merges = append([]rules.Range(nil), g.Merges...)
	sh.typed = nil
	f.version++
	return sh.id
}

// AddSheet adds an empty sheet and returns its gid.
func (f *Fake) AddSheet(title string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addSheetLocked(title).id
}

func (f *Fake) addSheetLocked(title string) *sheet {
	sh := &sheet{id: f.nextSheetID, title: title}
	f.nextSheetID++
	f.sheets = append(f.sheets, sh)
	f.version++
	return sh
}

// sheetLocked finds a sheet by title ("" = the first one).
func (f *Fake) sheetLocked(title string) *sheet {
	if title == "" && len(f.sheets) > 0 {
		return f.sheets[0]
	}
	for _, sh := range f.sheets {
		if sh.title == title {
			return sh
		}
	}
	return nil
}

func (f *Fake) mustSheet(title string) *sheet {
	sh := f.sheetLocked(title)
	if sh == nil {
		panic("sheetsfake: no sheet " + title)
	}
	return sh
}

// SheetID is the gid of a sheet, -1 if there is none.
func (f *Fake) SheetID(title string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sh := f.sheetLocked(title); sh != nil {
		return sh.id
	}
	return -1
}

// Grid returns a copy of a sheet's cells and merges ("" = the first sheet).
func (f *Fake) Grid(title string) rules.Grid {
	f.mu.Lock()
	defer f.mu.Unlock()
	sh := f.mustSheet(title)
	g := rules.Grid{Sheet: sh.title, Cells: make([][]rules.Cell, len(sh.cells)), Merges: append([]rules.Range(nil), sh.merges...)}
	for i, row := range sh.cells {
		g.Cells[i] = append([]rules.Cell(nil), row...)
	}
	return g
}

func (sh *sheet) cell(row, col int) *rules.Cell {
	for len(sh.cells) <= row {
		sh.cells = append(sh.cells, nil)
	}
	for len(sh.cells[row]) <= col {
		sh.cells[row] = append(sh.cells[row], rules.Cell{})
	}
	return &sh.cells[row][col]
}

func (sh *sheet) at(row, col int) rules.Cell {
	if row < 0 || row >= len(sh.cells) || col < 0 || col >= len(sh.cells[row]) {
		return rules.Cell{}
	}
	return sh.cells[row][col]
}

// edit applies a person's change to the sheet titled title: every change
// moves the file's Drive version, as in Google.
func (f *Fake) edit(title string, change func(sh *sheet)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f.mustSheet(title))
	f.version++
}

// SetValue sets a cell's value as a person typing it would.
func (f *Fake) SetValue(title string, row, col int, v string) {
	f.edit(title, func(sh *sheet) {
		sh.cell(row, col).Value = v
		delete(sh.typed, [2]int{row, col})
	})
}

// SetCell sets a cell's value and note at once.
func (f *Fake) SetCell(title string, row, col int, value, note string) {
	f.edit(title, func(sh *sheet) {
		c := sh.cell(row, col)
		c.Value, c.Note = value, note
		delete(sh.typed, [2]int{row, col})
	})
}

// Values returns a sheet's values, row by row.
func (f *Fake) Values(title string) [][]string {
	g := f.Grid(title)
	out := make([][]string, len(g.Cells))
	for i, row := range g.Cells {
		out[i] = make([]string, len(row))
		for j, c := range row {
			out[i][j] = c.Value
		}
	}
	return out
}

// SetNote sets a cell's note ("" removes it).
func (f *Fake) SetNote(title string, row, col int, note string) {
	f.edit(title, func(sh *sheet) { sh.cell(row, col).Note = note })
}

// Value is a cell's value.
func (f *Fake) Value(title string, row, col int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mustSheet(title).at(row, col).Value
}

// Note is a cell's note.
func (f *Fake) Note(title string, row, col int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mustSheet(title).at(row, col).Note
}

// InsertRow inserts an empty row before row, shifting cells, notes and
// merges below it down, as Sheets does.
func (f *Fake) InsertRow(title string, row int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sh := f.mustSheet(title)
	if row < len(sh.cells) {
		sh.cells = append(sh.cells[:row], append([][]rules.Cell{nil}, sh.cells[row:]...)...)
	}
	for i, m := range sh.merges {
		switch {
		case m.Row0 >= row:
			sh.merges[i].Row0++
			sh.merges[i].Row1++
		case m.Row1 >= row:
			sh.merges[i].Row1++
		}
	}
	if sh.typed != nil {
		shifted := make(map[[2]int]typedValue, len(sh.typed))
		for rc, tv := range sh.typed {
			if rc[0] >= row {
				rc[0]++
			}
			shifted[rc] = tv
		}
		sh.typed = shifted
	}
	f.version++
	sh.shiftSetup(row)
}

// DeleteRow deletes a row, shifting cells, notes and merges below it up, as
// Sheets does; a merge loses the row, and goes when nothing is left of it.
func (f *Fake) DeleteRow(title string, row int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sh := f.mustSheet(title)
	if row < len(sh.cells) {
		sh.cells = append(sh.cells[:row], sh.cells[row+1:]...)
	}
	merges := sh.merges[:0]
	for _, m := range sh.merges {
		switch {
		case m.Row0 > row:
			m.Row0--
			m.Row1--
		case m.Row1 >= row:
			m.Row1--
		}
		if m.Row1 >= m.Row0 && (m.Row1 > m.Row0 || m.Col1 > m.Col0) {
			merges = append(merges, m)
		}
	}
	sh.merges = merges
}

// SetNoteView makes reads hand every note back through view, as Google may
// (NotesCRLF, NotesTrimmed); what is stored does not change. nil restores
// notes as stored.
func (f *Fake) SetNoteView(view func(note string) string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noteView = view
}

// NotesCRLF is a note with "\r\n" line ends.
func NotesCRLF(note string) string {
	return strings.ReplaceAll(strings.ReplaceAll(note, "\r\n", "\n"), "\n", "\r\n")
}

// NotesTrimmed is a note without white space at either end.
func NotesTrimmed(note string) string { return strings.TrimSpace(note) }

// Rename renames a sheet.
func (f *Fake) Rename(oldTitle, newTitle string) {
	f.edit(oldTitle, func(sh *sheet) { sh.title = newTitle })
}

// DeleteSheet removes one sheet.
func (f *Fake) DeleteSheet(title string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, sh := range f.sheets {
		if sh.title == title {
			f.sheets = append(f.sheets[:i], f.sheets[i+1:]...)
			f.version++
			return
		}
	}
}

// Delete removes the whole spreadsheet: every request then gets 404.
func (f *Fake) Delete() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted = true
}

// SetForbidden makes every API request fail with 403, as when the sheet
// is not shared with the service account.
func (f *Fake) SetForbidden(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.forbidden = on
}

// Counts returns the number of requests served per method: "get",
// "values.get", "batchUpdate", "token", and "rejected" for batchUpdates
// refused because they touched something other than notes.
func (f *Fake) Counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.counts))
	for k, v := range f.counts {
		out[k] = v
	}
	return out
}

// Count is Counts()[method].
func (f *Fake) Count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[method]
}

// ResetCounts zeroes the request counters and forgets recorded batches.
func (f *Fake) ResetCounts() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts = map[string]int{}
	f.batches = nil
	f.requests = nil
}

// Batches lists the notes each applied batchUpdate wrote, in order.
func (f *Fake) Batches() [][]NoteWrite {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]NoteWrite(nil), f.batches...)
}

// FailNext makes the next API request fail with code (and a Retry-After
// header when retryAfter > 0). Calls queue up.
func (f *Fake) FailNext(code int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{code: code, retryAfter: retryAfter})
}

// StallNext makes the next API request hang for d (or until the client
// gives up) before it is answered normally.
func (f *Fake) StallNext(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{stall: d})
}

// DropNext makes the next API request end with a closed connection.
func (f *Fake) DropNext() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{drop: true})
}

// FailTokenNext makes the next token request fail with code.
func (f *Fake) FailTokenNext(code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenFaults = append(f.tokenFaults, code)
}

// SetDelay delays every API response by d.
func (f *Fake) SetDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay = d
}

// SetHook runs fn before each request is handled (outside the fake's lock,
// so fn may edit the sheet) with the method and its running count: e.g. a
// row inserted on the second "get" lands between a read and a write.
func (f *Fake) SetHook(fn func(method string, n int)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = fn
}

// SetWrap puts a handler in front of the fake (nil removes it): faults
// the fake cannot express itself, such as a truncated or malformed body or
// a reset connection, are injected there before or after calling next.
func (f *Fake) SetWrap(wrap func(next http.Handler) http.Handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.wrap = wrap
}

func (f *Fake) dispatch(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	wrap := f.wrap
	f.mu.Unlock()
	// Faults wrap the compressed response, as a proxy on the way would.
	var h http.Handler = http.HandlerFunc(f.serveEncoded)
	if wrap != nil {
		h = wrap(h)
	}
	h.ServeHTTP(w, r)
}

func (f *Fake) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts[method]++
	return f.counts[method]
}

func (f *Fake) runHook(method string, n int) {
	f.mu.Lock()
	fn := f.hook
	f.mu.Unlock()
	if fn != nil {
		fn(method, n)
	}
}
