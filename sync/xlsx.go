package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"time"
	"unicode/utf16"

	"github.com/sirupsen/logrus"
	"github.com/xuri/excelize/v2"

	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/rules"
)

// XLSX write modes.
const (
	XLSXModeCopy    = "copy"     // annotated copy next to the file (default)
	XLSXModeInPlace = "in-place" // comments written into the file itself
	XLSXModeOff     = "off"      // read only
)

// CommentAuthor is the author of comments perechen creates.
const CommentAuthor = "perechen"

// maxCommentUTF16 is the longest comment Excel keeps; excelize silently cuts
// longer text, which could cut a person's words, so such a note is skipped.
const maxCommentUTF16 = 32_767

// XLSXConfig configures an XLSX file source.
type XLSXConfig struct {
	Path string
	// Sheet is the sheet's name; "" means the sheet that holds the form
	// (ReadXLSXSheet).
	Sheet string
	// Mode is "copy" (default), "in-place" or "off".
	Mode string
	// CopyPath is where copy mode writes; default <name>.perechen.xlsx next
	// to the file.
	CopyPath string
	// Logger receives the notes written and the writes skipped; nil logs
	// nothing.
	Logger logrus.FieldLogger
}

// XLSXSource reads an XLSX file (on a shared drive, say) and writes findings
// as cell comments, into a copy or into the file itself.
//
// In-place writing never loses an edit: it skips while Excel or LibreOffice
// has the file open (lock files ~$name.xlsx, .~lock.name.xlsx#), checks that
// size, modification time and content are still those of the read it
// planned from, keeps the previous version as name.xlsx.bak and replaces
// the file atomically (temp file in the same directory, fsync, rename).
//
// Copy mode writes the original plus the planned changes; since the
// original never holds perechen's blocks, call WriteNotes every cycle (also
// with no changes): it rewrites the copy only when its content would change.
type XLSXSource struct {
	cfg XLSXConfig
	log logrus.FieldLogger

	mu       gosync.Mutex
	last     fileState // the last Fetch
	copyKey  string    // what the copy currently holds (copy mode)
	copyPath string
	// sheetReason is the last logged choice of the sheet holding the form.
	sheetReason string
}

// fileState identifies the bytes a snapshot was read from.
type fileState struct {
	gridHash string
	size     int64
	mtime    time.Time
	sum      string
	perm     fs.FileMode
}

var (
	_ Source = (*XLSXSource)(nil)
	_ Prober = (*XLSXSource)(nil)
)

// NewXLSXSource checks the configuration; the file is read by Fetch.
func NewXLSXSource(cfg XLSXConfig) (*XLSXSource, error) {
	if cfg.Path == "" {
		return nil, errors.New("не указан путь к файлу XLSX")
	}
	switch cfg.Mode {
	case "":
		cfg.Mode = XLSXModeCopy
	case XLSXModeCopy, XLSXModeInPlace, XLSXModeOff:
	default:
		return nil, fmt.Errorf("неизвестный режим записи %q: допустимы copy, in-place, off", cfg.Mode)
	}
	s := &XLSXSource{cfg: cfg, copyPath: cfg.CopyPath}
	s.log = quietIfNil(cfg.Logger).WithField("file", cfg.Path)
	if s.copyPath == "" {
		ext := filepath.Ext(cfg.Path)
		s.copyPath = strings.TrimSuffix(cfg.Path, ext) + ".perechen.xlsx"
	}
	if cfg.Mode == XLSXModeCopy && sameFile(s.copyPath, cfg.Path) {
		return nil, errors.New("copy_path совпадает с самим файлом; для записи в файл выберите режим in-place")
	}
	return s, nil
}

func sameFile(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// CopyPath is where copy mode writes the annotated workbook.
func (s *XLSXSource) CopyPath() string { return s.copyPath }

// String names the source for logs.
func (s *XLSXSource) String() string { return "xlsx:" + s.cfg.Path }

// Link is a file URL with the cell: file:///path/name.xlsx#Перечень!C22.
func (s *XLSXSource) Link(ref rules.Ref) string {
	path, err := filepath.Abs(s.cfg.Path)
	if err != nil {
		path = s.cfg.Path
	}
	sheet := ref.Sheet
	if sheet == "" {
		sheet = s.cfg.Sheet
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if sheet == "" {
		return u.String() + "#" + ref.A1()
	}
	return u.String() + "#" + sheet + "!" + ref.A1()
}

// Fetch reads the file (bounded in size) and remembers its identity for
// the write that follows.
func (s *XLSXSource) Fetch(ctx context.Context) (*Snapshot, error) {
	_, st, g, err := s.readGrid()
	if err != nil {
		return nil, err
	}
	st.gridHash = HashGrid(g)
	s.mu.Lock()
	s.last = st
	s.mu.Unlock()
	return &Snapshot{Grid: g, Hash: st.gridHash}, nil
}

// Unchanged reports whether a Fetch now would return a snapshot with this
// hash without reading the workbook: true when the last Fetch hashed to it
// and the file still holds the same bytes (size and SHA-256; the grid is a
// function of the bytes). The file is hashed as it streams, so an idle
// cycle keeps neither a copy of the file nor a parsed workbook — parsing it
// every cycle was ~1.7 MB of garbage per cycle for a 16-row registry.
func (s *XLSXSource) Unchanged(ctx context.Context, hash string) (bool, error) {
	s.mu.Lock()
	last := s.last
	s.mu.Unlock()
	if hash == "" || last.gridHash != hash {
		return false, nil
	}
	f, info, err := s.open()
	if err != nil {
		return false, err
	}
	defer f.Close()
	if info.Size() != last.size {
		return false, nil
	}
	h := sha256.New()
	// A small buffer: io.Copy would take 32 KB of garbage every cycle.
	if _, err := io.CopyBuffer(h, io.LimitReader(f, MaxUnzipSize+1), make([]byte, 4<<10)); err != nil {
		return false, fmt.Errorf("файл %s не читается: %v", s.cfg.Path, err)
	}
	return hex.EncodeToString(h.Sum(nil)) == last.sum, nil
}

// open opens the file and checks it is a regular file of a sane size.
func (s *XLSXSource) open() (*os.File, fs.FileInfo, error) {
	f, err := os.Open(s.cfg.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("файл %s не найден", s.cfg.Path)
		}
		return nil, nil, fmt.Errorf("файл %s не открывается: %v", s.cfg.Path, errors.Unwrap(err))
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("файл %s: %v", s.cfg.Path, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s — не файл", s.cfg.Path)
	}
	if info.Size() > MaxUnzipSize {
		f.Close()
		return nil, nil, fmt.Errorf("файл %s слишком большой (%d МиБ)", s.cfg.Path, info.Size()>>20)
	}
	return f, info, nil
}

// readFile reads the whole file and describes it.
func (s *XLSXSource) readFile() ([]byte, fileState, error) {
	f, info, err := s.open()
	if err != nil {
		return nil, fileState{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxUnzipSize+1))
	if err != nil {
		return nil, fileState{}, fmt.Errorf("файл %s не читается: %v", s.cfg.Path, err)
	}
	sum := sha256.Sum256(data)
	return data, fileState{size: int64(len(data)), mtime: info.ModTime(), sum: hex.EncodeToString(sum[:]), perm: info.Mode().Perm()}, nil
}

// readGrid reads the file and the sheet holding the form.
func (s *XLSXSource) readGrid() ([]byte, fileState, rules.Grid, error) {
	data, st, err := s.readFile()
	if err != nil {
		return nil, st, rules.Grid{}, err
	}
	g, reason, err := ReadXLSXSheet(data, s.cfg.Sheet, nil)
	if err != nil {
		return nil, st, rules.Grid{}, fmt.Errorf("%s: %w", s.cfg.Path, err)
	}
	s.mu.Lock()
	changed := reason != s.sheetReason
	s.sheetReason = reason
	s.mu.Unlock()
	if changed && reason != "" {
		s.log.WithFields(logrus.Fields{"sheet": g.Sheet, "reason": reason}).Info("sheet chosen by its header")
	}
	return data, st, g, nil
}

// WriteNotes writes the changes as comments (see XLSXSource for the modes)
// and logs what it did.
func (s *XLSXSource) WriteNotes(ctx context.Context, snap *Snapshot, changes []NoteChange) error {
	wrote, err := s.writeNotes(snap, changes)
	log := s.log.WithFields(logrus.Fields{"notes": len(changes), "mode": s.cfg.Mode})
	switch {
	case errors.Is(err, ErrSheetMoved):
		log.Info("file changed since it was read; notes not written this cycle")
	case errors.Is(err, ErrFileLocked):
		log.WithField("error", err).Info("file is open in Excel or LibreOffice; notes not written this cycle")
	case err == nil && wrote && s.cfg.Mode == XLSXModeCopy:
		log.WithField("copy", s.copyPath).Info("annotated copy written")
	case err == nil && wrote:
		log.Info("notes written")
	}
	return err
}

// writeNotes is WriteNotes; wrote is false when nothing needed writing.
func (s *XLSXSource) writeNotes(snap *Snapshot, changes []NoteChange) (wrote bool, err error) {
	if s.cfg.Mode == XLSXModeOff {
		return false, nil
	}
	if s.cfg.Mode == XLSXModeInPlace && len(changes) == 0 {
		return false, nil
	}
	if s.cfg.Mode == XLSXModeInPlace {
		if lock := lockFile(s.cfg.Path); lock != "" {
			return false, fmt.Errorf("%s: %w (%s)", s.cfg.Path, ErrFileLocked, filepath.Base(lock))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last.gridHash == "" || s.last.gridHash != snap.Hash {
		return false, ErrSheetMoved
	}
	data, st, err := s.readFile()
	if err != nil {
		return false, err
	}
	if !st.sameBytes(s.last) {
		return false, ErrSheetMoved
	}
	key := copyKey(st.sum, changes)
	if s.cfg.Mode == XLSXModeCopy && key == s.copyKey {
		if _, err := os.Stat(s.copyPath); err == nil {
			return false, nil // the copy already holds exactly this
		}
	}
	out, err := annotate(data, snap.Grid.Sheet, changes)
	if err != nil {
		return false, fmt.Errorf("%s: %w", s.cfg.Path, err)
	}
	if s.cfg.Mode == XLSXModeCopy {
		if err := publish.WriteFileAtomic(s.copyPath, out, 0o644); err != nil {
			return false, fmt.Errorf("копия с примечаниями не записана: %v", err)
		}
		s.copyKey = key
		return true, nil
	}
	if err := replaceInPlace(s.cfg.Path, data, st, out); err != nil {
		return false, err
	}
	s.last = fileState{} // the next write needs a fresh read
	return true, nil
}

// replaceInPlace replaces the workbook at path, read as data (st), with
// out: the previous bytes kept as path.bak, a last look for a lock file
// (ErrFileLocked) or a change since the read (ErrSheetMoved), then an
// atomic replace. A person saving meanwhile loses nothing.
func replaceInPlace(path string, data []byte, st fileState, out []byte) error {
	if err := publish.WriteFileAtomic(path+".bak", data, st.perm); err != nil {
		return fmt.Errorf("резервная копия %s.bak не записана, файл не изменён: %v", path, err)
	}
	// Last look before replacing: a person may have saved or opened the file
	// while we changed it.
	if lock := lockFile(path); lock != "" {
		return fmt.Errorf("%s: %w (%s)", path, ErrFileLocked, filepath.Base(lock))
	}
	if info, err := os.Stat(path); err != nil || info.Size() != st.size || !info.ModTime().Equal(st.mtime) {
		return ErrSheetMoved
	}
	if err := publish.WriteFileAtomic(path, out, st.perm); err != nil {
		return fmt.Errorf("файл %s не записан (он не изменён): %v", path, err)
	}
	return nil
}

func (a fileState) sameBytes(b fileState) bool {
	return a.size == b.size && a.mtime.Equal(b.mtime) && a.sum == b.sum
}

// copyKey identifies an annotated copy: the original's bytes and the
// changes, ignoring the check time in blocks (the original never holds the
// blocks, so every plan stamps them anew).
func copyKey(sum string, changes []NoteChange) string {
	h := sha256.New()
	io.WriteString(h, sum)
	for _, c := range changes {
		human, block := SplitNote(c.New)
		fmt.Fprintf(h, "\x00%s\x00%d\x00%s\x00%d\x00%s\x00%s", c.Ref.String(), len(c.Old), c.Old, len(human), human, blockKey(block))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// lockFile returns the lock file Excel or LibreOffice keeps while the
// workbook is open, "" when there is none.
func lockFile(path string) string {
	dir, base := filepath.Split(path)
	candidates := []string{"~$" + base, ".~lock." + base + "#"}
	if r := []rune(base); len(r) > 2 {
		candidates = append(candidates, "~$"+string(r[2:])) // Office shortens long names
	}
	for _, c := range candidates {
		p := filepath.Join(dir, c)
		if _, err := os.Lstat(p); err == nil {
			return p
		}
	}
	return ""
}

// annotate applies note changes to the workbook's comments and returns the
// new file. Everything else (values, styles, merges, other comments) is
// left to excelize to carry over unchanged. Workbooks whose comment drawing
// excelize cannot extend (LibreOffice names its shapes "shape_0") are
// annotated by rewriting all comments of the sheet with the same text,
// authors and run formatting.
func annotate(data []byte, sheet string, changes []NoteChange) ([]byte, error) {
	out, err := annotateWith(data, sheet, changes, false)
	var ae *addCommentError
	if errors.As(err, &ae) {
		out, err = annotateWith(data, sheet, changes, true)
	}
	return out, err
}

// addCommentError is excelize refusing to add a comment to the drawing.
type addCommentError struct {
	cell string
	err  error
}

func (e *addCommentError) Error() string {
	return fmt.Sprintf("примечание %s не записывается: %v", e.cell, e.err)
}

func annotateWith(data []byte, sheet string, changes []NoteChange, rebuild bool) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("файл XLSX повреждён: %v", p)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: MaxUnzipSize, UnzipXMLSizeLimit: MaxUnzipXMLSize,
	})
	if err != nil {
		return nil, openError(err)
	}
	defer f.Close()
	if sheet == "" {
		sheet = f.GetSheetName(0)
	}
	comments, err := f.GetComments(sheet)
	if err != nil {
		return nil, fmt.Errorf("примечания листа %q не читаются: %v", sheet, err)
	}
	byCell := make(map[string]excelize.Comment, len(comments))
	for _, c := range comments {
		byCell[c.Cell] = c
	}
	texts := map[string]string{} // cell → its comment's text after the changes
	var order []string
	if rebuild {
		for _, c := range comments {
			texts[c.Cell] = CommentText(c)
			order = append(order, c.Cell)
		}
	}
	for _, ch := range changes {
		cell, err := excelize.CoordinatesToCellName(ch.Ref.Col+1, ch.Ref.Row+1)
		if err != nil {
			return nil, err
		}
		if CommentText(byCell[cell]) != ch.Old {
			return nil, ErrSheetMoved // planned from another version of the comment
		}
		if utf16Len(ch.New) > maxCommentUTF16 {
			continue // Excel would cut it; keep the person's text whole instead
		}
		if _, seen := texts[cell]; !seen {
			order = append(order, cell)
		}
		texts[cell] = ch.New
	}
	for _, cell := range order {
		if _, had := byCell[cell]; had {
			if err := f.DeleteComment(sheet, cell); err != nil {
				return nil, fmt.Errorf("примечание %s не удаляется: %v", cell, err)
			}
		}
	}
	for _, cell := range order {
		old, had := byCell[cell]
		if texts[cell] == "" {
			continue
		}
		if err := f.AddComment(sheet, commentFor(cell, old, had, texts[cell])); err != nil {
			return nil, &addCommentError{cell: cell, err: err}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("файл XLSX не собирается: %v", err)
	}
	return buf.Bytes(), nil
}

// commentFor builds the new comment. A person's comment keeps its author and
// the formatting of the runs that still lead the text; perechen's own
// comments are by CommentAuthor.
func commentFor(cell string, old excelize.Comment, had bool, text string) excelize.Comment {
	c := excelize.Comment{Cell: cell, Author: CommentAuthor, Width: 360, Height: 180}
	if had && old.Author != "" {
		c.Author = old.Author
	}
	rest := text
	if had {
		for _, run := range old.Paragraph {
			if run.Text == "" || !strings.HasPrefix(rest, run.Text) {
				break
			}
			c.Paragraph = append(c.Paragraph, run)
			rest = rest[len(run.Text):]
		}
	}
	if rest != "" {
		c.Paragraph = append(c.Paragraph, excelize.RichTextRun{Text: rest})
	}
	return c
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }
