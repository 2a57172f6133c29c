package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// Approval before publication (seed 000 п. 5.1–5.2: the Перечень is
// approved by a document whose form the Министерство sets, and the approved
// Перечень goes on the site). With approval.required a version that passes
// the checks becomes a Candidate; `perechen approve` (or the status page)
// records an Approval of the candidate's content in changes.jsonl, and the
// daemon publishes it on its next cycle. An approval is bound to the
// candidate's number and content hash: an edit makes a new candidate that
// waits for its own approval.
//
// The daemon and `perechen approve` are separate processes sharing the
// state directory. Only the daemon writes last.json; approvals are only
// appended to changes.jsonl, and every append (the daemon's and the
// approval's) and the approval's read-check-append run under an exclusive
// lock on <source>/.lock, so no approval is lost or recorded twice.

// Candidate is a version that passed the checks and waits for approval.
type Candidate struct {
	Number      int       `json:"number"`
	Time        time.Time `json:"time"`         // date of the content (State.RegistrySeen)
	Built       time.Time `json:"built"`        // when it became a candidate
	ContentHash string    `json:"content_hash"` // State.RegistryHash of its content
}

// Approval is the record of one approval (п. 5.1–5.2).
type Approval struct {
	Version     int       `json:"version"`
	ContentHash string    `json:"content_hash"`
	By          string    `json:"by"`       // ФИО of who approved
	Document    string    `json:"document"` // "приказ … от 01.12.2026 № 27П-50"
	Time        time.Time `json:"time"`     // when it was recorded
	Via         string    `json:"via"`      // "cli" or "status page"
}

// Russian is the history's line for the approval.
func (a Approval) Russian() string {
	return fmt.Sprintf("версия %d утверждена: %s (утвердил(а): %s)", a.Version, a.Document, a.By)
}

// ApprovalKind is LogEntry.Kind of an approval line in changes.jsonl.
const ApprovalKind = "approval"

// approvalClause is the paragraph an approval rests on: seed 000's п. 5.1–5.2
// (the profile's publication clause 5.2: «Утвержденный Перечень подлежит
// размещению»), otherwise the profile's publication clause.
func approvalClause(p *rules.Profile) string {
	if p == nil || p.Publication.Clause == "" || p.Publication.Clause == "5.2" {
		return "5.1–5.2"
	}
	return p.Publication.Clause
}

// ApproveRequest asks to approve a source's version.
type ApproveRequest struct {
	Source   string
	Version  int // 0: the version awaiting approval now
	By       string
	Document string
	Via      string
	Now      time.Time
}

// ApproveError says in Russian why nothing was approved; `perechen
// approve` exits 2 with it.
type ApproveError struct{ Reason string }

func (e *ApproveError) Error() string { return e.Reason }

func refuse(format string, args ...any) error {
	return &ApproveError{Reason: fmt.Sprintf(format, args...)}
}

// Approve records the approval of the version awaiting approval (or of
// req.Version, which must be that one) in <stateDir>/<source>/changes.jsonl
// and returns it. already is true when the same version was approved
// before with the same document: nothing is recorded twice. Any reason not
// to approve is an *ApproveError.
func Approve(stateDir string, req ApproveRequest) (a Approval, already bool, err error) {
	req.By, req.Document = strings.Join(strings.Fields(req.By), " "), strings.Join(strings.Fields(req.Document), " ")
	switch {
	case req.By == "":
		return a, false, refuse("укажите, кто утверждает: --by \"Фамилия И.О.\"")
	case req.Document == "":
		return a, false, refuse("укажите утверждающий документ (п. 5.1): --document \"приказ от ДД.ММ.ГГГГ № …\"")
	}
	dir := filepath.Join(stateDir, req.Source)
	if _, err := os.Stat(dir); err != nil {
		return a, false, refuse("служба ещё не проверяла источник %s (нет %s): запустите perechen run и дождитесь проверки", req.Source, dir)
	}
	unlock, err := lockState(dir, true)
	if err != nil {
		return a, false, err
	}
	defer unlock()
	st, err := ReadState(stateDir, req.Source)
	if err != nil {
		return a, false, err
	}
	if st == nil {
		return a, false, refuse("служба ещё не проверяла источник %s: запустите perechen run и дождитесь проверки", req.Source)
	}
	if v := st.Version; st.Candidate == nil && v != nil && v.Approval != nil && req.Version == v.Number {
		// Approved and published meanwhile (the daemon was quicker).
		if v.Approval.Document != req.Document {
			return *v.Approval, false, refuse("версия %d уже утверждена другим документом: %s (%s, %s) и опубликована",
				v.Number, v.Approval.Document, v.Approval.By, v.Approval.Time.Format("02.01.2006 15:04"))
		}
		return *v.Approval, true, nil
	}
	cand, err := candidateToApprove(st, req.Version)
	if err != nil {
		return a, false, err
	}
	approvals, err := readApprovals(dir)
	if err != nil {
		return a, false, err
	}
	if prev := findApproval(approvals, cand.Number, cand.ContentHash); prev != nil {
		if prev.Document != req.Document {
			return *prev, false, refuse("версия %d уже утверждена другим документом: %s (%s, %s); "+
				"её содержимое не менялось, второе утверждение не записано", prev.Version, prev.Document, prev.By, prev.Time.Format("02.01.2006 15:04"))
		}
		return *prev, true, nil
	}
	a = Approval{Version: cand.Number, ContentHash: cand.ContentHash, By: req.By, Document: req.Document, Time: req.Now, Via: req.Via}
	entry := LogEntry{Change: Change{Time: req.Now, Clause: "5.1", Kind: ApprovalKind, Russian: a.Russian()}, Version: a.Version, Approval: &a}
	lines, err := logLines([]LogEntry{entry})
	if err == nil {
		err = appendLocked(dir, lines) // under the lock taken above
	}
	if err != nil {
		return Approval{}, false, fmt.Errorf("утверждение не записано в %s: %w", filepath.Join(dir, changesFile), err)
	}
	return a, false, nil
}

// candidateToApprove is the state's candidate if it is the version asked
// for, or the reason there is nothing to approve.
func candidateToApprove(st *State, version int) (*Candidate, error) {
	cand := st.Candidate
	site := "на сайте пока нет опубликованной версии"
	if v := st.Version; v != nil {
		site = fmt.Sprintf("на сайте версия %d от %s", v.Number, v.Time.Format("02.01.2006"))
	}
	switch {
	case cand == nil && st.Blocked != "":
		return nil, refuse("утверждать нечего: текущее содержимое Перечня не прошло проверку — %s", st.Blocked)
	case cand == nil:
		return nil, refuse("утверждать нечего: нет версии, ожидающей утверждения (%s). "+
			"Новая версия ждёт утверждения, когда таблица изменится и пройдёт проверку без ошибок", site)
	case version != 0 && version < cand.Number:
		return nil, refuse("версия %d уже не текущая: после неё таблица изменилась, утверждения ждёт версия %d от %s. "+
			"Утверждение не переносится на другое содержимое — проверьте версию %d и утвердите её", version, cand.Number, cand.Time.Format("02.01.2006"), cand.Number)
	case version != 0 && version != cand.Number:
		return nil, refuse("версии %d нет; утверждения ждёт версия %d от %s", version, cand.Number, cand.Time.Format("02.01.2006"))
	}
	return cand, nil
}

func findApproval(as []Approval, version int, hash string) *Approval {
	for i := len(as) - 1; i >= 0; i-- {
		if as[i].Version == version && as[i].ContentHash == hash {
			return &as[i]
		}
	}
	return nil
}

// readApprovals reads the approval lines of <dir>/changes.jsonl, oldest
// first. The caller holds the lock.
func readApprovals(dir string) ([]Approval, error) {
	entries, _, err := readLogFile(filepath.Join(dir, changesFile))
	if err != nil {
		return nil, err
	}
	var out []Approval
	for _, e := range entries {
		if e.Kind == ApprovalKind && e.Approval != nil {
			out = append(out, *e.Approval)
		}
	}
	return out, nil
}

// approvalWatch re-reads the approvals only when changes.jsonl changed, so
// a source waiting for approval costs one stat per idle cycle.
type approvalWatch struct {
	size  int64
	mtime time.Time
	list  []Approval
}

// refresh returns the approvals, reading them anew if the log changed.
func (w *approvalWatch) refresh(dir string) ([]Approval, error) {
	fi, err := os.Stat(filepath.Join(dir, changesFile))
	if errors.Is(err, os.ErrNotExist) {
		w.size, w.mtime, w.list = 0, time.Time{}, nil
		return nil, nil
	}
	if err != nil {
		return w.list, err
	}
	if fi.Size() == w.size && fi.ModTime().Equal(w.mtime) {
		return w.list, nil
	}
	unlock, err := lockState(dir, false)
	if err != nil {
		return w.list, err
	}
	defer unlock()
	list, err := readApprovals(dir)
	if err != nil {
		return w.list, err
	}
	w.size, w.mtime, w.list = fi.Size(), fi.ModTime(), list
	return list, nil
}

// RegistryHash identifies a registry's content, what an approval is bound
// to (State.RegistryHash, Candidate.ContentHash).
func RegistryHash(reg *rules.Registry) string { return hashJSON(reg) }

// ApprovalOf is the recorded approval of candidate c of a source, or nil
// (for `perechen publish`, which must not publish unapproved content).
func ApprovalOf(stateDir, source string, c *Candidate) (*Approval, error) {
	dir := filepath.Join(stateDir, source)
	unlock, err := lockState(dir, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	list, err := readApprovals(dir)
	if err != nil {
		return nil, err
	}
	return findApproval(list, c.Number, c.ContentHash), nil
}
