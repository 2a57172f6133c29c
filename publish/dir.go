package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"syscall"
	"time"
)

// IndexFile is the page readers open; it gets no versioned copy.
const IndexFile = "index.html"

// DirConfig configures a local folder target: a web server's document root
// or a share it serves.
type DirConfig struct {
	Path string // the folder; created (0755) on the first publish if missing
	Keep int    // versioned copies kept per file, newest first; 0 keeps all
}

// DirTarget publishes into a local folder. Every file is written through
// WriteFileAtomic (temp file, fsync, rename) with mode 0644 — published
// files are meant to be world-readable by the web server — so a reader
// sees the old or the new bytes, never a partial or missing file.
//
// Besides the plain names (index.html, perechen.pdf, …) every file except
// index.html also gets a versioned copy, VersionedName(name, v), e.g.
// perechen-2026-11-25-v3.pdf, which stays available as an archive link;
// index.html has none because it is the page itself, not a document of
// record. Files are written in the order versioned copies and documents
// first, index.html last, so the page never links to a file not there yet.
//
// Pruning removes the oldest versioned copies beyond Keep per published
// file. It only touches regular files whose names match the versioned
// pattern of a file being published exactly (<base>-YYYY-MM-DD-vN<ext>,
// a valid date, N without leading zeros) and leftovers of its own temp
// files older than an hour; anything else in the folder is never deleted.
// The current version's copy is never pruned.
type DirTarget struct {
	path string
	keep int
	mu   gosync.Mutex // one publish at a time into the folder
}

var _ Target = (*DirTarget)(nil)

// NewDirTarget checks the configuration. It does not touch the disk, so a
// dry run can build targets freely; the folder is made on publish.
func NewDirTarget(cfg DirConfig) (*DirTarget, error) {
	if strings.TrimSpace(cfg.Path) == "" {
		return nil, errors.New("папка публикации не указана / dir target: no path")
	}
	if cfg.Keep < 0 {
		return nil, fmt.Errorf("папка публикации %s: keep = %d, нужно 0 (хранить все версии) или больше / dir target: keep must be ≥ 0",
			cfg.Path, cfg.Keep)
	}
	path, err := filepath.Abs(cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("папка публикации %s: %w", cfg.Path, err)
	}
	return &DirTarget{path: path, keep: cfg.Keep}, nil
}

// Name is "dir:" and the absolute folder path.
func (t *DirTarget) Name() string { return "dir:" + t.path }

// Path is the absolute folder path.
func (t *DirTarget) Path() string { return t.path }

// Publish writes the files and their versioned copies, then prunes old
// copies. A cancelled ctx stops between files (each file already written
// is complete). If only pruning fails, the files are published and the
// error says so.
func (t *DirTarget) Publish(ctx context.Context, v Version, files []File) error {
	if err := checkDirFiles(files); err != nil {
		return fmt.Errorf("папка публикации %s: %w", t.path, err)
	}
	if v.Number < 1 || v.Time.IsZero() {
		return fmt.Errorf("папка публикации %s: у версии нет номера или времени (номер %d) / dir target: version needs Number ≥ 1 and Time",
			t.path, v.Number)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("dir target %s: %w", t.path, err)
	}
	if err := mkdirPublic(t.path); err != nil {
		return t.ioError("создать папку", "create folder", t.path, err)
	}
	for _, w := range writeOrder(files, v) {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("dir target %s: interrupted before %s: %w", t.path, w.name, err)
		}
		if err := WriteFileAtomic(filepath.Join(t.path, w.name), w.data, 0o644); err != nil {
			return t.ioError("записать", "write", w.name, err)
		}
	}
	if err := t.prune(files, v, time.Now()); err != nil {
		return fmt.Errorf("папка публикации %s: файлы опубликованы, но старые версии не удалены: %w", t.path, err)
	}
	return nil
}

type dirWrite struct {
	name string
	data []byte
}

// writeOrder lists what to write: for each document its versioned copy and
// then the document; index.html last.
func writeOrder(files []File, v Version) []dirWrite {
	var out []dirWrite
	var index []dirWrite
	for _, f := range files {
		if f.Name == IndexFile {
			index = append(index, dirWrite{f.Name, f.Data})
			continue
		}
		out = append(out, dirWrite{VersionedName(f.Name, v), f.Data}, dirWrite{f.Name, f.Data})
	}
	return append(out, index...)
}

// checkDirFiles rejects names that are not plain file names, so nothing is
// written outside the folder or over a temp file.
func checkDirFiles(files []File) error {
	if len(files) == 0 {
		return errors.New("нет файлов для публикации / no files to publish")
	}
	seen := map[string]bool{}
	for _, f := range files {
		switch {
		case f.Name == "" || f.Name == "." || f.Name == "..":
			return fmt.Errorf("недопустимое имя файла %q / invalid file name", f.Name)
		case strings.ContainsAny(f.Name, `/\`+"\x00"):
			return fmt.Errorf("имя файла %q содержит разделитель пути / file name %q is a path", f.Name, f.Name)
		case strings.HasPrefix(f.Name, "."):
			return fmt.Errorf("имя файла %q начинается с точки (скрытые и временные файлы не публикуются) / hidden file name", f.Name)
		case seen[f.Name]:
			return fmt.Errorf("файл %q передан дважды / file %q given twice", f.Name, f.Name)
		}
		seen[f.Name] = true
	}
	return nil
}

// versionedPattern matches VersionedName(name, v) for any version.
func versionedPattern(name string) *regexp.Regexp {
	return regexp.MustCompile(`^` + versionedExpr(name) + `$`)
}

// versionedExpr is the unanchored expression of versionedPattern.
func versionedExpr(name string) string {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	if base == "" {
		base, ext = name, ""
	}
	return regexp.QuoteMeta(base) + `-(\d{4}-\d{2}-\d{2})-v([1-9][0-9]{0,8})` + regexp.QuoteMeta(ext)
}

// tempPattern matches WriteFileAtomic's temp files of the given names;
// with versioned, also those of the names' versioned copies.
func tempPattern(names []string, versioned bool) *regexp.Regexp {
	var alts []string
	for _, n := range names {
		alts = append(alts, regexp.QuoteMeta(n))
		if versioned {
			alts = append(alts, versionedExpr(n))
		}
	}
	return regexp.MustCompile(`^\.(?:` + strings.Join(alts, "|") + `)\.tmp-[0-9]+$`)
}

type copyEntry struct {
	name   string
	date   time.Time
	number int
}

// prune removes versioned copies beyond Keep and stale temp files.
func (t *DirTarget) prune(files []File, v Version, now time.Time) error {
	entries, err := os.ReadDir(t.path)
	if err != nil {
		return t.ioError("прочитать папку", "list folder", t.path, err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name, VersionedName(f.Name, v))
	}
	var errs []error
	remove := func(name string) {
		if err := os.Remove(filepath.Join(t.path, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, t.ioError("удалить", "remove", name, err))
		}
	}
	temps := tempPattern(names, false)
	for _, e := range entries {
		if !e.Type().IsRegular() || !temps.MatchString(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > time.Hour {
			remove(e.Name())
		}
	}
	if t.keep == 0 {
		return errors.Join(errs...)
	}
	for _, f := range files {
		if f.Name == IndexFile {
			continue
		}
		current := VersionedName(f.Name, v)
		pattern := versionedPattern(f.Name)
		var copies []copyEntry
		for _, e := range entries {
			m := pattern.FindStringSubmatch(e.Name())
			if m == nil || !e.Type().IsRegular() || e.Name() == current {
				continue
			}
			date, err := time.Parse("2006-01-02", m[1])
			if err != nil {
				continue // not a real date: not a name this target wrote
			}
			n, _ := strconv.Atoi(m[2])
			copies = append(copies, copyEntry{e.Name(), date, n})
		}
		// Newest first by date, then number: numbering restarts when the
		// state is lost, dates do not go back.
		sort.Slice(copies, func(i, j int) bool {
			if !copies[i].date.Equal(copies[j].date) {
				return copies[i].date.After(copies[j].date)
			}
			return copies[i].number > copies[j].number
		})
		for i, c := range copies {
			if i+1 >= t.keep { // the current copy takes one of the Keep places
				remove(c.name)
			}
		}
	}
	return errors.Join(errs...)
}

// ioError names the target, the operation and the file, and says in Russian
// what to check.
func (t *DirTarget) ioError(opRU, opEN, name string, err error) error {
	return fmt.Errorf("папка публикации %s: не удалось %s «%s» — %s / dir target %s: %s %s: %w",
		t.path, opRU, name, ioReason(err), t.path, opEN, name, err)
}

// ioReason explains common file-system failures to staff.
func ioReason(err error) string {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return "нет места на диске"
	case errors.Is(err, syscall.EDQUOT):
		return "превышена дисковая квота"
	case errors.Is(err, syscall.EROFS):
		return "файловая система доступна только для чтения (для службы systemd добавьте папку в ReadWritePaths=)"
	case errors.Is(err, fs.ErrPermission):
		return "нет прав на запись (проверьте владельца и права папки, ReadWritePaths= службы)"
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EEXIST):
		return "в пути вместо папки находится файл"
	case errors.Is(err, syscall.EISDIR):
		return "на месте файла находится папка"
	}
	return "ошибка ввода-вывода"
}
