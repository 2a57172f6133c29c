package sync

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"

	"github.com/perechen-oiv/perechen/rules"
)

// SheetsScope is the only OAuth scope perechen asks for.
const SheetsScope = "https://www.googleapis.com/auth/spreadsheets"

// MaxBatchBytes is the payload above which a note write is split into
// several batchUpdate calls (Google accepts about 10 MB; 2 MB keeps each
// call quick and well inside the limit).
const MaxBatchBytes = 2 << 20

// fetchFields is the partial-response mask of the one read per cycle.
const fetchFields = "properties(timeZone),sheets(properties(sheetId,title),merges,data(startRow,startColumn,rowData(values(formattedValue,note))))"

// SheetsConfig configures a Google Sheets source.
type SheetsConfig struct {
	SpreadsheetID string
	// Sheet is the sheet's title; "" means the first sheet.
	Sheet string
	// Credentials is the path of a service-account key file. Without it (and
	// without CredentialsJSON) GOOGLE_APPLICATION_CREDENTIALS and then
	// Application Default Credentials are used.
	Credentials     string
	CredentialsJSON []byte
	// Endpoint overrides the API base URL (private gateways, tests).
	Endpoint string
	// HTTPClient is the base client (its Transport carries the requests,
	// also to the token endpoint); nil means http.DefaultTransport.
	HTTPClient *http.Client
	// Notes enables writing notes; false is read-only operation.
	Notes bool
	// Retries bounds the retries of one call after 429, 5xx and network
	// errors: 0 means the default 4, a negative value none.
	Retries int
	// Timeout bounds one attempt of one call (default 60 s).
	Timeout time.Duration
	// RetryBase is the first backoff (default 1 s); it doubles per attempt
	// up to RetryMax (default 60 s), with jitter. A Retry-After from Google
	// is honoured up to RetryMax.
	RetryBase, RetryMax time.Duration
	Logger              logrus.FieldLogger
	// Limiter, when set, is waited on before every API request (retries
	// included). Sources on one service account must share it.
	Limiter *Quota
	// Quotas, when set and Limiter is nil, supplies the Limiter of this
	// source's service account (client_email), so a daemon passing one
	// QuotaSet to every source stays under each account's quota.
	Quotas *QuotaSet
}

// SheetsSource reads a Google Sheet and writes findings as cell notes.
type SheetsSource struct {
	cfg   SheetsConfig
	svc   *sheets.Service
	email string // the service account's e-mail, for the "share the sheet" hint
	// tokens is the client's token cache, renewed after a 401; with a
	// Limiter it is refreshed before the quota wait, so a slow token fetch
	// cannot sit between a quota grant and the request it granted.
	tokens *renewableTokens
	log    logrus.FieldLogger

	mu       gosync.Mutex
	gids     map[string]int64 // sheet title → gid, learnt from reads
	timeZone string           // the spreadsheet's properties.timeZone, learnt from reads
}

// TimeZone is the spreadsheet's own time zone (IANA name, "" before the
// first read): the daemon dates notes and deadlines in it unless the
// config names one.
func (s *SheetsSource) TimeZone() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.timeZone
}

var _ Source = (*SheetsSource)(nil)

// NewSheetsSource builds the API client; it does not contact Google yet.
func NewSheetsSource(cfg SheetsConfig) (*SheetsSource, error) {
	if strings.TrimSpace(cfg.SpreadsheetID) == "" {
		return nil, errors.New("не указан spreadsheet_id таблицы Google")
	}
	if cfg.Retries == 0 {
		cfg.Retries = 4
	} else if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Second
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = 60 * time.Second
	}
	s := &SheetsSource{cfg: cfg, log: cfg.Logger, gids: map[string]int64{}}
	if s.log == nil {
		l := logrus.New()
		l.Out = io.Discard
		s.log = l
	}
	s.log = s.log.WithField("source", s.String())

	base := http.DefaultTransport
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		base = cfg.HTTPClient.Transport
	}
	// The token source keeps this context for every token fetch: it carries
	// the base transport and a bound on each fetch.
	tokenCtx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: base, Timeout: cfg.Timeout})
	creds, email, err := findCredentials(tokenCtx, cfg)
	if err != nil {
		return nil, err
	}
	s.email = email
	if s.cfg.Limiter == nil && cfg.Quotas != nil {
		s.cfg.Limiter = cfg.Quotas.For(email)
	}
	s.tokens = newRenewableTokens(oauth2.ReuseTokenSource(nil, creds.TokenSource), func() (oauth2.TokenSource, error) {
		c, _, err := findCredentials(tokenCtx, cfg) // reads the key again: a rotated key is picked up
		if err != nil {
			return nil, err
		}
		return oauth2.ReuseTokenSource(nil, c.TokenSource), nil
	})
	client := &http.Client{Transport: &oauth2.Transport{Source: s.tokens, Base: base}}
	opts := []option.ClientOption{option.WithHTTPClient(client)}
	if cfg.Endpoint != "" {
		ep := cfg.Endpoint
		if !strings.HasSuffix(ep, "/") {
			ep += "/"
		}
		opts = append(opts, option.WithEndpoint(ep))
	}
	if s.svc, err = sheets.NewService(context.Background(), opts...); err != nil {
		return nil, fmt.Errorf("клиент Google Sheets API не создан: %v", err)
	}
	return s, nil
}

// findCredentials loads a service-account key (explicit, file, env) or
// falls back to Application Default Credentials. Errors never quote the key.
func findCredentials(ctx context.Context, cfg SheetsConfig) (*google.Credentials, string, error) {
	data, from := cfg.CredentialsJSON, "credentials_json"
	if data == nil {
		path := cfg.Credentials
		from = "credentials"
		if path == "" {
			path, from = os.Getenv("GOOGLE_APPLICATION_CREDENTIALS"), "GOOGLE_APPLICATION_CREDENTIALS"
		}
		if path != "" {
			var err error
			if data, err = os.ReadFile(path); err != nil {
				return nil, "", fmt.Errorf("файл ключа сервисного аккаунта не читается (%s: %s): %v", from, path, errors.Unwrap(err))
			}
			from = path
		}
	}
	if data == nil {
		creds, err := google.FindDefaultCredentials(ctx, SheetsScope)
		if err != nil {
			return nil, "", errors.New("нет учётных данных Google: укажите credentials (файл ключа сервисного аккаунта) или GOOGLE_APPLICATION_CREDENTIALS; см. docs/google-sheets.md")
		}
		return creds, emailOf(creds.JSON), nil
	}
	var head struct {
		Type        string `json:"type"`
		ClientEmail string `json:"client_email"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, "", fmt.Errorf("файл ключа %s — не JSON сервисного аккаунта; скачайте ключ заново (формат JSON)", from)
	}
	if head.Type != string(google.ServiceAccount) {
		return nil, "", fmt.Errorf("файл ключа %s: тип %q, нужен ключ сервисного аккаунта (\"type\": \"service_account\")", from, head.Type)
	}
	creds, err := google.CredentialsFromJSONWithType(ctx, data, google.ServiceAccount, SheetsScope)
	if err == nil {
		err = checkPrivateKey(data)
	}
	if err != nil {
		return nil, "", fmt.Errorf("ключ сервисного аккаунта %s не подходит (повреждён или неполон); скачайте ключ заново", from)
	}
	return creds, head.ClientEmail, nil
}

// checkPrivateKey parses the key now, so a broken file fails at start-up
// rather than at the first token request.
func checkPrivateKey(data []byte) error {
	var key struct {
		PrivateKey string `json:"private_key"`
	}
	if err := json.Unmarshal(data, &key); err != nil {
		return err
	}
	block, _ := pem.Decode([]byte(key.PrivateKey))
	if block == nil {
		return errors.New("no PEM block")
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return nil
	}
	_, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	return err
}

func emailOf(data []byte) string {
	var head struct {
		ClientEmail string `json:"client_email"`
	}
	_ = json.Unmarshal(data, &head)
	return head.ClientEmail
}

// String names the source for logs.
func (s *SheetsSource) String() string {
	if s.cfg.Sheet == "" {
		return "google-sheets:" + s.cfg.SpreadsheetID
	}
	return "google-sheets:" + s.cfg.SpreadsheetID + "!" + s.cfg.Sheet
}

// Link opens the cell in the browser.
func (s *SheetsSource) Link(ref rules.Ref) string {
	base := "https://docs.google.com/spreadsheets/d/" + url.PathEscape(s.cfg.SpreadsheetID) + "/edit#"
	s.mu.Lock()
	gid, ok := s.gids[ref.Sheet]
	s.mu.Unlock()
	if ok {
		base += "gid=" + strconv.FormatInt(gid, 10) + "&"
	}
	return base + "range=" + ref.A1()
}

// Fetch reads the sheet with one spreadsheets.get.
func (s *SheetsSource) Fetch(ctx context.Context) (*Snapshot, error) {
	g, gid, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.gids[g.Sheet] = gid
	s.mu.Unlock()
	return &Snapshot{Grid: g, Hash: HashGrid(g)}, nil
}

// read is one spreadsheets.get of the configured sheet (or the first).
func (s *SheetsSource) read(ctx context.Context) (rules.Grid, int64, error) {
	var resp *sheets.Spreadsheet
	err := s.call(ctx, "get", func(ctx context.Context) error {
		call := s.svc.Spreadsheets.Get(s.cfg.SpreadsheetID).IncludeGridData(true).Fields(fetchFields).Context(ctx)
		// Without a title the call names no range and returns every sheet in
		// order, the first one first: still one request. With a title only
		// that sheet's data comes back.
		if s.cfg.Sheet != "" {
			call = call.Ranges(quoteSheet(s.cfg.Sheet))
		}
		var err error
		resp, err = call.Do()
		return err
	})
	var serr *SheetsError
	if errors.As(err, &serr) && serr.Status == http.StatusBadRequest && s.cfg.Sheet != "" {
		if missing := s.unknownSheet(ctx); missing != nil {
			return rules.Grid{}, 0, missing
		}
	}
	if err != nil {
		return rules.Grid{}, 0, err
	}
	if len(resp.Sheets) == 0 || resp.Sheets[0].Properties == nil {
		return rules.Grid{}, 0, errors.New("в таблице Google нет листов")
	}
	if resp.Properties != nil && resp.Properties.TimeZone != "" {
		s.mu.Lock()
		s.timeZone = resp.Properties.TimeZone
		s.mu.Unlock()
	}
	sh := resp.Sheets[0]
	g, err := gridFromSheet(sh)
	return g, sh.Properties.SheetId, err
}

// unknownSheet explains a missing sheet, listing the sheets there are
// (nil when the sheet exists after all: the 400 had another cause).
func (s *SheetsSource) unknownSheet(ctx context.Context) error {
	var resp *sheets.Spreadsheet
	err := s.call(ctx, "get", func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.Get(s.cfg.SpreadsheetID).Fields("sheets.properties.title").Context(ctx).Do()
		return err
	})
	if err != nil {
		return fmt.Errorf("лист %q не найден в таблице %s", s.cfg.Sheet, s.cfg.SpreadsheetID)
	}
	var titles []string
	for _, sh := range resp.Sheets {
		if sh.Properties != nil {
			if sh.Properties.Title == s.cfg.Sheet {
				return nil
			}
			titles = append(titles, "«"+sh.Properties.Title+"»")
		}
	}
	return fmt.Errorf("лист «%s» не найден в таблице %s; листы таблицы: %s. Исправьте sheet в настройках",
		s.cfg.Sheet, s.cfg.SpreadsheetID, strings.Join(titles, ", "))
}

// quoteSheet writes a sheet title as an A1 range ('It”s').
func quoteSheet(title string) string { return "'" + strings.ReplaceAll(title, "'", "''") + "'" }

// gridFromSheet converts the API's sheet into a grid.
func gridFromSheet(sh *sheets.Sheet) (rules.Grid, error) {
	g := rules.Grid{Sheet: sh.Properties.Title}
	for _, d := range sh.Data {
		for i, rd := range d.RowData {
			row := int(d.StartRow) + i
			if row >= MaxRows {
				return rules.Grid{}, fmt.Errorf("на листе «%s» больше %d строк — это не похоже на Перечень; удалите лишние строки", g.Sheet, MaxRows)
			}
			for j, v := range rd.Values {
				col := int(d.StartColumn) + j
				if col >= MaxCols || v == nil || v.FormattedValue == "" && v.Note == "" {
					continue
				}
				cell := gridCell(&g, row, col)
				cell.Value, cell.Note = v.FormattedValue, v.Note
			}
			for len(g.Cells) <= row { // keep empty rows: positions matter
				g.Cells = append(g.Cells, nil)
			}
		}
	}
	for _, m := range sh.Merges {
		g.Merges = append(g.Merges, rules.Range{Row0: int(m.StartRowIndex), Col0: int(m.StartColumnIndex),
			Row1: int(m.EndRowIndex) - 1, Col1: int(m.EndColumnIndex) - 1})
	}
	for len(g.Cells) > 0 && len(g.Cells[len(g.Cells)-1]) == 0 {
		g.Cells = g.Cells[:len(g.Cells)-1]
	}
	return g, nil
}

func gridCell(g *rules.Grid, row, col int) *rules.Cell {
	for len(g.Cells) <= row {
		g.Cells = append(g.Cells, nil)
	}
	for len(g.Cells[row]) <= col {
		g.Cells[row] = append(g.Cells[row], rules.Cell{})
	}
	return &g.Cells[row][col]
}

// HashGrid is a content hash of a grid: sheet, values, notes and merges,
// ignoring trailing empty cells and rows (sources differ in what they pad).
func HashGrid(g rules.Grid) string {
	h := sha256.New()
	var n [8]byte
	put := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		io.WriteString(h, s)
	}
	put(g.Sheet)
	rows := len(g.Cells)
	for rows > 0 && rowBlank(g.Cells[rows-1]) {
		rows--
	}
	for _, row := range g.Cells[:rows] {
		cols := len(row)
		for cols > 0 && row[cols-1] == (rules.Cell{}) {
			cols--
		}
		put(strconv.Itoa(cols))
		for _, c := range row[:cols] {
			put(c.Value)
			put(c.Note)
		}
	}
	merges := append([]rules.Range(nil), g.Merges...)
	sort.Slice(merges, func(i, j int) bool {
		a, b := merges[i], merges[j]
		if a.Row0 != b.Row0 {
			return a.Row0 < b.Row0
		}
		return a.Col0 < b.Col0
	})
	for _, m := range merges {
		put(fmt.Sprintf("%d:%d:%d:%d", m.Row0, m.Col0, m.Row1, m.Col1))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func rowBlank(row []rules.Cell) bool {
	for _, c := range row {
		if c != (rules.Cell{}) {
			return false
		}
	}
	return true
}

// WriteNotes writes the changes with one batchUpdate (more only above
// MaxBatchBytes) that sets notes and nothing else. It first reads the sheet
// again and writes only if it still is exactly what was linted; otherwise it
// returns ErrSheetMoved and writes nothing (a row inserted meanwhile would
// make the notes land on the wrong cells). A narrow race between that check
// and the write remains: the Sheets API has no conditional update.
func (s *SheetsSource) WriteNotes(ctx context.Context, snap *Snapshot, changes []NoteChange) error {
	if !s.cfg.Notes || len(changes) == 0 {
		return nil
	}
	s.mu.Lock()
	gid, ok := s.gids[snap.Grid.Sheet]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("лист «%s» не читался этим источником; примечания не записаны", snap.Grid.Sheet)
	}
	now, _, err := s.read(ctx)
	if err != nil {
		return err
	}
	if now.Sheet != snap.Grid.Sheet || HashGrid(now) != snap.Hash {
		s.log.WithField("changes", len(changes)).Info("sheet changed since it was read; notes not written this cycle")
		return ErrSheetMoved
	}
	batches := noteBatches(gid, changes)
	for i, reqs := range batches {
		err := s.call(ctx, "batchUpdate", func(ctx context.Context) error {
			_, err := s.svc.Spreadsheets.BatchUpdate(s.cfg.SpreadsheetID,
				&sheets.BatchUpdateSpreadsheetRequest{Requests: reqs}).Fields("spreadsheetId").Context(ctx).Do()
			return err
		})
		if err != nil {
			return fmt.Errorf("примечания записаны частично (%d из %d пакетов): %w", i, len(batches), err)
		}
	}
	s.log.WithFields(logrus.Fields{"notes": len(changes), "requests": len(batches)}).Info("notes written")
	return nil
}

// noteBatches turns changes into note-only updateCells requests (one per run
// of adjacent cells in a row), grouped into batches below MaxBatchBytes.
func noteBatches(gid int64, changes []NoteChange) [][]*sheets.Request {
	cs := append([]NoteChange(nil), changes...)
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i].Ref, cs[j].Ref
		return a.Row < b.Row || a.Row == b.Row && a.Col < b.Col
	})
	var (
		batches [][]*sheets.Request
		batch   []*sheets.Request
		size    int
	)
	flush := func() {
		if len(batch) > 0 {
			batches = append(batches, batch)
		}
		batch, size = nil, 0
	}
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].Ref.Row == cs[i].Ref.Row && cs[j].Ref.Col == cs[j-1].Ref.Col+1 {
			j++
		}
		values := make([]*sheets.CellData, 0, j-i)
		n := 200 // JSON framing of one request
		for _, c := range cs[i:j] {
			values = append(values, &sheets.CellData{Note: c.New})
			n += len(c.New) + len(c.New)/8 + 16 // escapes and keys
		}
		req := &sheets.Request{UpdateCells: &sheets.UpdateCellsRequest{
			Start:  &sheets.GridCoordinate{SheetId: gid, RowIndex: int64(cs[i].Ref.Row), ColumnIndex: int64(cs[i].Ref.Col)},
			Rows:   []*sheets.RowData{{Values: values}},
			Fields: "note",
		}}
		if size+n > MaxBatchBytes {
			flush()
		}
		batch = append(batch, req)
		size += n
		i = j
	}
	flush()
	return batches
}
