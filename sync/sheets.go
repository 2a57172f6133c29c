package sync

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/oauth2"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"

	"github.com/perechen-oiv/perechen/rules"
)

// SheetsScope is the OAuth scope perechen asks for: read the sheet, write notes.
const SheetsScope = "https://www.googleapis.com/auth/spreadsheets"

// DriveMetadataScope is asked for in addition only with DriveVersionCheck:
// it reads files' metadata (the version), never their content.
const DriveMetadataScope = "https://www.googleapis.com/auth/drive.metadata.readonly"

// MaxBatchBytes is the payload above which a note write is split into
// several batchUpdate calls (Google accepts about 10 MB; 2 MB keeps each
// call quick and well inside the limit).
const MaxBatchBytes = 2 << 20

// fetchFields is the partial-response mask of the one read per cycle.
const fetchFields = "properties(timeZone),sheets(properties(sheetId,title),merges,data(startRow,startColumn,rowData(values(formattedValue,note))))"

// SheetsConfig configures a Google Sheets source.
type SheetsConfig struct {
	SpreadsheetID string
	// Sheet is the sheet's title; "" means the sheet that holds the form,
	// found by its header (rules.PickSheet), never the first tab as such.
	Sheet string
	// Profile finds the header when Sheet is ""; nil is the default profile.
	Profile *rules.Profile
	// Credentials is the path of a service-account key file. Without it (and
	// without CredentialsJSON) GOOGLE_APPLICATION_CREDENTIALS, gcloud's
	// application default credentials and then the metadata server of a
	// Google Cloud VM are used.
	Credentials     string
	CredentialsJSON []byte
	// Endpoint overrides the API base URL (private gateways, tests).
	Endpoint string
	// DriveVersionCheck asks Drive for the file's version (~100 bytes)
	// before each read and skips the read when it has not moved. It needs
	// the Drive API enabled and the scope drive.metadata.readonly.
	DriveVersionCheck bool
	// DriveEndpoint overrides the Drive API base URL (default: Endpoint +
	// "drive/v3/" when Endpoint is set, else Google's).
	DriveEndpoint string
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
	// client is the authorised HTTP client (Drive calls use it directly).
	client *http.Client

	mu       gosync.Mutex
	gids     map[string]int64 // sheet title → gid, learnt from reads
	timeZone string           // the spreadsheet's properties.timeZone, learnt from reads
	pick     sheetPick        // the sheet chosen by its header when cfg.Sheet is ""
	// drive is what the version pre-check knows (DriveVersionCheck).
	drive driveState
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
	if cfg.Profile == nil {
		p, err := rules.LoadProfile(rules.DefaultProfile)
		if err != nil {
			return nil, err
		}
		cfg.Profile = p
	}
	s := &SheetsSource{cfg: cfg, gids: map[string]int64{}}
	s.log = quietIfNil(cfg.Logger).WithField("spreadsheet", s.String())

	base := http.DefaultTransport
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		base = cfg.HTTPClient.Transport
	}
	// The token source keeps this context for every token fetch: it carries
	// the base transport and a bound on each fetch.
	tokenCtx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: base, Timeout: cfg.Timeout})
	scopes := cfg.scopes()
	creds, err := findCredentials(tokenCtx, cfg, scopes)
	if err != nil {
		return nil, err
	}
	s.email = creds.email
	s.log.WithFields(logrus.Fields{"credentials": creds.from, "account": creds.email, "scopes": strings.Join(scopes, " ")}).
		Info("google credentials")
	if s.cfg.Limiter == nil && cfg.Quotas != nil {
		s.cfg.Limiter = cfg.Quotas.For(creds.email)
	}
	s.tokens = newRenewableTokens(oauth2.ReuseTokenSource(nil, creds.tokens), func() (oauth2.TokenSource, error) {
		c, err := findCredentials(tokenCtx, cfg, scopes) // reads the key again: a rotated key is picked up
		if err != nil {
			return nil, err
		}
		return oauth2.ReuseTokenSource(nil, c.tokens), nil
	})
	s.client = &http.Client{Transport: &oauth2.Transport{Source: s.tokens, Base: &gzipTransport{base: base, userAgent: userAgent()}}}
	opts := []option.ClientOption{option.WithHTTPClient(s.client)}
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

// scopes are the OAuth scopes the source needs.
func (cfg SheetsConfig) scopes() []string {
	if cfg.DriveVersionCheck {
		return []string{SheetsScope, DriveMetadataScope}
	}
	return []string{SheetsScope}
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

// Fetch reads the sheet — the configured one by its title, or the one
// that holds the form — with one spreadsheets.get (plus the tab list when
// the sheet is chosen by its header).
func (s *SheetsSource) Fetch(ctx context.Context) (*Snapshot, error) {
	version := s.versionBeforeRead(ctx)
	g, gid, err := s.readChosen(ctx)
	if err != nil {
		return nil, err
	}
	s.checkPick(g)
	s.mu.Lock()
	s.gids[g.Sheet] = gid
	s.mu.Unlock()
	snap := &Snapshot{Grid: g, Hash: HashGrid(g)}
	s.readAtVersion(version, snap.Hash)
	return snap, nil
}

// readChosen reads the sheet sheetTitle names; a chosen tab renamed or
// deleted since it was chosen is chosen again once.
func (s *SheetsSource) readChosen(ctx context.Context) (rules.Grid, int64, error) {
	for again := s.cfg.Sheet == ""; ; again = false {
		title, err := s.sheetTitle(ctx)
		if err != nil {
			return rules.Grid{}, 0, err
		}
		g, gid, err := s.readSheet(ctx, title)
		var missing *sheetMissingError
		if again && errors.As(err, &missing) {
			s.forgetPick()
			continue
		}
		return g, gid, err
	}
}

// read is one spreadsheets.get of the sheet this source reads.
func (s *SheetsSource) read(ctx context.Context) (rules.Grid, int64, error) {
	return s.readSheet(ctx, s.currentTitle())
}

// readSheet is one spreadsheets.get of the sheet titled title. The sheet
// is found in the response by its title, never by its position.
func (s *SheetsSource) readSheet(ctx context.Context, title string) (rules.Grid, int64, error) {
	if title == "" {
		return rules.Grid{}, 0, errors.New("лист таблицы Google ещё не выбран; примечания не записаны")
	}
	var resp *sheets.Spreadsheet
	err := s.call(ctx, "get", func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.Get(s.cfg.SpreadsheetID).IncludeGridData(true).Ranges(quoteSheet(title)).
			Fields(fetchFields).Context(ctx).Do()
		return err
	})
	var serr *SheetsError
	if errors.As(err, &serr) && serr.Status == http.StatusBadRequest {
		if missing := s.unknownSheet(ctx, title); missing != nil {
			return rules.Grid{}, 0, missing
		}
	}
	if err != nil {
		return rules.Grid{}, 0, err
	}
	sh := sheetTitled(resp, title)
	if sh == nil {
		return rules.Grid{}, 0, fmt.Errorf("Google не вернул лист «%s» таблицы %s; проверка повторится в следующем цикле", title, s.cfg.SpreadsheetID)
	}
	if resp.Properties != nil && resp.Properties.TimeZone != "" {
		s.mu.Lock()
		s.timeZone = resp.Properties.TimeZone
		s.mu.Unlock()
	}
	g, err := gridFromSheet(sh)
	return g, sh.Properties.SheetId, err
}

// unknownSheet explains a missing sheet, listing the sheets there are
// (nil when the sheet exists after all: the 400 had another cause).
func (s *SheetsSource) unknownSheet(ctx context.Context, title string) error {
	var resp *sheets.Spreadsheet
	err := s.call(ctx, "get", func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.Get(s.cfg.SpreadsheetID).Fields("sheets.properties.title").Context(ctx).Do()
		return err
	})
	if err != nil {
		return &sheetMissingError{fmt.Sprintf("лист «%s» не найден в таблице %s", title, s.cfg.SpreadsheetID)}
	}
	var titles []string
	for _, sh := range resp.Sheets {
		if sh.Properties != nil {
			if sh.Properties.Title == title {
				return nil
			}
			titles = append(titles, "«"+sh.Properties.Title+"»")
		}
	}
	return &sheetMissingError{fmt.Sprintf("лист «%s» не найден в таблице %s; листы таблицы: %s. Исправьте sheet в настройках",
		title, s.cfg.SpreadsheetID, strings.Join(titles, ", "))}
}

// sheetMissingError is a sheet title the spreadsheet does not have.
type sheetMissingError struct{ msg string }

func (e *sheetMissingError) Error() string { return e.msg }

// quoteSheet writes a sheet title as an A1 range ('It”s').
func quoteSheet(title string) string { return "'" + strings.ReplaceAll(title, "'", "''") + "'" }

// gridFromSheet converts the API's sheet into a grid.
func gridFromSheet(sh *sheets.Sheet) (rules.Grid, error) {
	g := rules.Grid{Sheet: sh.Properties.Title}
	for _, d := range sh.Data {
		for i, rd := range d.RowData {
			// Rows that only carry formatting come back empty; a grid of a
			// million formatted rows is fine as long as they stay empty.
			if rd == nil || !rowHasContent(rd) {
				continue
			}
			row := int(d.StartRow) + i
			if row >= MaxRows {
				return rules.Grid{}, fmt.Errorf("на листе «%s» заполнены строки дальше %d-й — это не похоже на Перечень; удалите лишние строки", g.Sheet, MaxRows)
			}
			for j, v := range rd.Values {
				col := int(d.StartColumn) + j
				if col >= MaxCols || v == nil || v.FormattedValue == "" && v.Note == "" {
					continue
				}
				cell := gridCell(&g, row, col) // pads the rows above: positions matter
				cell.Value, cell.Note = v.FormattedValue, v.Note
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

func rowHasContent(rd *sheets.RowData) bool {
	for _, v := range rd.Values {
		if v != nil && (v.FormattedValue != "" || v.Note != "") {
			return true
		}
	}
	return false
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
