package sheetsfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// serve routes a request: the token endpoint, the metadata server, the
// Drive API or the Sheets API.
func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/token":
		f.handleToken(w, r)
		return
	case strings.HasPrefix(r.URL.Path, "/computeMetadata/"):
		f.handleMetadata(w, r)
		return
	case strings.HasPrefix(r.URL.Path, "/drive/v3/files/"):
		f.handleDrive(w, r)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/v4/spreadsheets/")
	if !ok {
		apiError(w, http.StatusNotFound, "NOT_FOUND", "unknown path "+r.URL.Path, 0)
		return
	}
	var method, id, rng string
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(rest, ":batchUpdate"):
		method, id = "batchUpdate", strings.TrimSuffix(rest, ":batchUpdate")
	case r.Method == http.MethodGet && strings.Contains(rest, "/values/"):
		method = "values.get"
		id, rng, _ = strings.Cut(rest, "/values/")
	case r.Method == http.MethodGet && !strings.Contains(rest, "/"):
		method, id = "get", rest
	default:
		apiError(w, http.StatusNotFound, "NOT_FOUND", "unsupported call "+r.Method+" "+r.URL.Path, 0)
		return
	}
	if !f.admit(w, r, method, "sheets") {
		return
	}
	f.mu.Lock()
	deleted, forbidden := f.deleted || id != f.ID, f.forbidden
	f.mu.Unlock()
	switch {
	case deleted:
		apiError(w, http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.", 0)
		return
	case forbidden:
		apiError(w, http.StatusForbidden, "PERMISSION_DENIED", "The caller does not have permission", 0)
		return
	}
	if limit, refused := f.quotaRefuses(method); refused {
		quotaExceeded(w, limit)
		return
	}
	switch method {
	case "get":
		f.handleGet(w, r)
	case "values.get":
		f.handleValuesGet(w, r, rng)
	case "batchUpdate":
		f.handleBatchUpdate(w, r)
	}
}

// admit counts an API request, runs the hook and queued faults, and checks
// what Google checks before the resource: the token, that the project has
// the API enabled, and that the token's scopes allow the API. false when
// the request was answered.
func (f *Fake) admit(w http.ResponseWriter, r *http.Request, method, api string) bool {
	n := f.count(method)
	f.runHook(method, n)
	if !f.injectFault(w, r) {
		return false
	}
	scopes, ok := f.tokenScopes(r)
	if !ok {
		apiError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.", 0)
		return false
	}
	f.mu.Lock()
	disabled := f.disabled[api]
	f.mu.Unlock()
	if disabled {
		serviceDisabled(w, api)
		return false
	}
	service, _, _ := apiService(api)
	if !scopeAllows(scopes, api) {
		insufficientScopes(w, service)
		return false
	}
	return true
}

// scopeAllows says whether a token's scopes reach the API, as Google's
// scope lists for spreadsheets.get/batchUpdate and files.get do.
func scopeAllows(scopes, api string) bool {
	const auth = "https://www.googleapis.com/auth/"
	for _, s := range strings.Fields(strings.ReplaceAll(scopes, ",", " ")) {
		switch strings.TrimPrefix(s, auth) {
		case "drive", "drive.file":
			return true
		case "spreadsheets":
			if api == "sheets" {
				return true
			}
		case "drive.metadata.readonly", "drive.metadata", "drive.readonly":
			if api == "drive" {
				return true
			}
		}
	}
	return false
}

// injectFault applies the next queued fault and the global delay; false
// when the request was answered (or dropped) by the fault.
func (f *Fake) injectFault(w http.ResponseWriter, r *http.Request) bool {
	f.mu.Lock()
	var ft fault
	if len(f.faults) > 0 {
		ft, f.faults = f.faults[0], f.faults[1:]
	}
	delay := f.delay + ft.stall
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return false
		}
	}
	switch {
	case ft.drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return false
			}
		}
		panic(http.ErrAbortHandler)
	case ft.code != 0:
		status := map[int]string{429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}[ft.code]
		apiError(w, ft.code, status, "injected fault", ft.retryAfter)
		return false
	}
	return true
}

// tokenScopes finds the scopes of the request's access token; false when
// the fake did not issue it.
func (f *Fake) tokenScopes(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	defer f.mu.Unlock()
	scopes, issued := f.tokens[tok]
	return scopes, ok && issued
}

// apiError writes Google's JSON error shape.
func apiError(w http.ResponseWriter, code int, status, msg string, retryAfter time.Duration) {
	writeError(w, code, map[string]any{"code": code, "message": msg, "status": status}, retryAfter)
}

func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	m, err := parseMask(r.URL.Query().Get("fields"))
	if err != nil {
		apiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", err.Error(), 0)
		return
	}
	// Responses are built from map[string]any and []any, so the mask applies directly.
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(m.apply(v))
}

// handleValuesGet serves values.get of a whole sheet: formatted values,
// trailing empty cells and rows trimmed, as Sheets returns them.
func (f *Fake) handleValuesGet(w http.ResponseWriter, r *http.Request, rng string) {
	f.mu.Lock()
	sh, _, err := f.resolveRange(rng)
	if err != nil {
		f.mu.Unlock()
		apiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", err.Error(), 0)
		return
	}
	var values [][]string
	for _, row := range sh.cells {
		vs := []string{}
		for _, c := range row {
			vs = append(vs, c.Value)
		}
		for len(vs) > 0 && vs[len(vs)-1] == "" {
			vs = vs[:len(vs)-1]
		}
		values = append(values, vs)
	}
	for len(values) > 0 && len(values[len(values)-1]) == 0 {
		values = values[:len(values)-1]
	}
	title := sh.title
	f.mu.Unlock()
	resp := map[string]any{"range": "'" + strings.ReplaceAll(title, "'", "''") + "'", "majorDimension": "ROWS"}
	if len(values) > 0 {
		resp["values"] = values
	}
	writeJSON(w, r, resp)
}

// batchRequest is the part of a Sheets Request the fake understands; any
// other key makes the request unsupported (and rejected).
type batchRequest struct {
	UpdateCells *struct {
		Start *struct {
			SheetID     int64 `json:"sheetId"`
			RowIndex    int   `json:"rowIndex"`
			ColumnIndex int   `json:"columnIndex"`
		} `json:"start"`
		Range *gridRange `json:"range"`
		Rows  []struct {
			Values []map[string]json.RawMessage `json:"values"`
		} `json:"rows"`
		Fields string `json:"fields"`
	} `json:"updateCells"`
	RepeatCell *struct {
		Range  *gridRange                 `json:"range"`
		Cell   map[string]json.RawMessage `json:"cell"`
		Fields string                     `json:"fields"`
	} `json:"repeatCell"`
}

type gridRange struct {
	SheetID          int64 `json:"sheetId"`
	StartRowIndex    *int  `json:"startRowIndex"`
	EndRowIndex      *int  `json:"endRowIndex"`
	StartColumnIndex *int  `json:"startColumnIndex"`
	EndColumnIndex   *int  `json:"endColumnIndex"`
}

// handleBatchUpdate applies note changes atomically: every request is
// validated first, and the whole batch is refused (counted as "rejected")
// if any request is not a note-only updateCells/repeatCell.
func (f *Fake) handleBatchUpdate(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		apiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "unreadable body", 0)
		return
	}
	var req struct {
		Requests []json.RawMessage `json:"requests"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		apiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+err.Error(), 0)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var (
		writes  []NoteWrite
		setups  []func() // data validation and protected ranges (setup.go)
		replies = make([]any, len(req.Requests))
	)
	for i, raw := range req.Requests {
		replies[i] = map[string]any{}
		apply, reply, isSetup, err := f.planSetupRequest(raw)
		if !isSetup {
			var ws []NoteWrite
			ws, err = f.planRequest(raw)
			writes = append(writes, ws...)
		}
		if err != nil {
			f.counts["rejected"]++
			apiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf("Invalid requests[%d]: %v", i, err), 0)
			return
		}
		if isSetup {
			setups = append(setups, apply)
			replies[i] = reply
		}
	}
	for _, nw := range writes {
		for _, sh := range f.sheets {
			if sh.id == nw.SheetID {
				sh.cell(nw.Row, nw.Col).Note = nw.Note
			}
		}
	}
	for _, apply := range setups {
		apply()
	}
	f.version++ // a note write is a change of the file, for Drive too
	f.batches = append(f.batches, writes)
	f.requests = append(f.requests, req.Requests)
	writeJSON(w, r, map[string]any{"spreadsheetId": f.ID, "replies": replies})
}

// planRequest validates one request and lists the notes it writes.
func (f *Fake) planRequest(raw json.RawMessage) ([]NoteWrite, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, err
	}
	for k := range keys {
		if k != "updateCells" && k != "repeatCell" {
			return nil, fmt.Errorf("fake accepts only note updates, got %q", k)
		}
	}
	if len(keys) != 1 {
		return nil, fmt.Errorf("a request must set exactly one kind, got %d", len(keys))
	}
	var br batchRequest
	if err := json.Unmarshal(raw, &br); err != nil {
		return nil, err
	}
	if uc := br.UpdateCells; uc != nil {
		if strings.TrimSpace(uc.Fields) != "note" {
			return nil, fmt.Errorf("updateCells fields %q: only \"note\" may be written", uc.Fields)
		}
		var sheetID int64
		var r0, c0 int
		var bounds *[4]int
		switch {
		case uc.Start != nil && uc.Range == nil:
			sheetID, r0, c0 = uc.Start.SheetID, uc.Start.RowIndex, uc.Start.ColumnIndex
		case uc.Range != nil && uc.Start == nil:
			b, err := f.bounds(uc.Range)
			if err != nil {
				return nil, err
			}
			sheetID, r0, c0, bounds = uc.Range.SheetID, b[0], b[2], &b
		default:
			return nil, fmt.Errorf("updateCells needs exactly one of start and range")
		}
		sh := f.sheetByID(sheetID)
		if sh == nil {
			return nil, fmt.Errorf("No grid with id: %d", sheetID)
		}
		written := map[[2]int]string{}
		for i, row := range uc.Rows {
			for j, v := range row.Values {
				note, err := noteOf(v)
				if err != nil {
					return nil, err
				}
				written[[2]int{r0 + i, c0 + j}] = note
			}
		}
		if bounds != nil { // cells of the range not given in rows are cleared
			for r := bounds[0]; r < bounds[1]; r++ {
				for c := bounds[2]; c < bounds[3]; c++ {
					if _, ok := written[[2]int{r, c}]; !ok {
						written[[2]int{r, c}] = ""
					}
				}
			}
		}
		var out []NoteWrite
		for rc, note := range written {
			if err := checkGrid(sh, rc[0], rc[1]); err != nil {
				return nil, err
			}
			out = append(out, NoteWrite{SheetID: sheetID, Row: rc[0], Col: rc[1], Note: note})
		}
		sortWrites(out)
		return out, nil
	}
	rc := br.RepeatCell
	if rc == nil || rc.Range == nil {
		return nil, fmt.Errorf("repeatCell needs a range")
	}
	if strings.TrimSpace(rc.Fields) != "note" {
		return nil, fmt.Errorf("repeatCell fields %q: only \"note\" may be written", rc.Fields)
	}
	sh := f.sheetByID(rc.Range.SheetID)
	if sh == nil {
		return nil, fmt.Errorf("No grid with id: %d", rc.Range.SheetID)
	}
	note, err := noteOf(rc.Cell)
	if err != nil {
		return nil, err
	}
	b, err := f.bounds(rc.Range)
	if err != nil {
		return nil, err
	}
	var out []NoteWrite
	for r := b[0]; r < b[1]; r++ {
		for c := b[2]; c < b[3]; c++ {
			if err := checkGrid(sh, r, c); err != nil {
				return nil, err
			}
			out = append(out, NoteWrite{SheetID: sh.id, Row: r, Col: c, Note: note})
		}
	}
	return out, nil
}

// noteOf reads a CellData that may carry only a note.
func noteOf(cell map[string]json.RawMessage) (string, error) {
	var note string
	for k, v := range cell {
		if k != "note" {
			return "", fmt.Errorf("cell data sets %q: only notes may be written", k)
		}
		if err := json.Unmarshal(v, &note); err != nil {
			return "", err
		}
	}
	return note, nil
}

func (f *Fake) sheetByID(id int64) *sheet {
	for _, sh := range f.sheets {
		if sh.id == id {
			return sh
		}
	}
	return nil
}

// bounds resolves a GridRange to [row0, row1, col0, col1) (unbounded = grid size).
func (f *Fake) bounds(g *gridRange) ([4]int, error) {
	sh := f.sheetByID(g.SheetID)
	if sh == nil {
		return [4]int{}, fmt.Errorf("No grid with id: %d", g.SheetID)
	}
	rows, cols := gridSize(sh)
	get := func(p *int, def int) int {
		if p == nil {
			return def
		}
		return *p
	}
	b := [4]int{get(g.StartRowIndex, 0), get(g.EndRowIndex, rows), get(g.StartColumnIndex, 0), get(g.EndColumnIndex, cols)}
	if b[0] < 0 || b[2] < 0 || b[1] < b[0] || b[3] < b[2] {
		return b, fmt.Errorf("invalid range")
	}
	return b, nil
}

func gridSize(sh *sheet) (rows, cols int) {
	if sh.rows > 0 { // set by SetGridSize
		return sh.rows, sh.cols
	}
	rows, cols = max(1000, len(sh.cells), sh.formattedRows), 26
	for _, row := range sh.cells {
		cols = max(cols, len(row))
	}
	return rows, cols
}

// checkGrid refuses cells beyond the sheet's grid, as Sheets does.
func checkGrid(sh *sheet, row, col int) error {
	rows, cols := gridSize(sh)
	if row < 0 || col < 0 || row >= rows || col >= cols {
		return fmt.Errorf("Range (%s!%s) exceeds grid limits. Max rows: %d, max columns: %d",
			sh.title, rules.Ref{Row: row, Col: col}.A1(), rows, cols)
	}
	return nil
}

func sortWrites(ws []NoteWrite) {
	sort.Slice(ws, func(i, j int) bool {
		return ws[i].Row < ws[j].Row || ws[i].Row == ws[j].Row && ws[i].Col < ws[j].Col
	})
}
