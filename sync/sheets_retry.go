package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
)

// SheetsError is a failed Sheets call explained for staff in Russian. It
// carries the HTTP status (0 for network errors) but never the raw response,
// tokens or keys.
type SheetsError struct {
	Op       string // "get", "batchUpdate"
	Status   int
	Attempts int
	Message  string
}

func (e *SheetsError) Error() string { return e.Message }

// call runs one API request with a per-attempt timeout, each attempt
// waiting its turn in the quota first, retried as retry says.
func (s *SheetsSource) call(ctx context.Context, op string, fn func(context.Context) error) error {
	return s.retry(ctx, op, func(ctx context.Context) error {
		t := readTurn
		if op == "batchUpdate" {
			t = writeTurn
		}
		if err := s.pace(ctx, op, t); err != nil {
			return err
		}
		return s.once(ctx, fn)
	})
}

// retry runs attempt until it succeeds, fails for good, or cfg.Retries
// retries are spent: 429, 5xx and network errors are retried with
// exponential backoff and jitter (honouring Retry-After), a refused token
// (401) once at once with the credentials read again, and a 429 naming a
// per-minute quota after the next minute, without spending a retry
// (waitForQuota); other failures return at once, explained. An attempt may be several requests (a note write
// reads before it writes): a retry repeats all of them. A *SheetsError from
// attempt is final (the quota queue was left).
func (s *SheetsSource) retry(ctx context.Context, op string, attempt func(context.Context) error) error {
	renewed, quotaWaits := false, 0
	for n := 1; ; n++ {
		err := attempt(ctx)
		if err == nil {
			return nil
		}
		var final *SheetsError
		if errors.As(err, &final) {
			final.Attempts = n
			return final
		}
		if ctx.Err() != nil {
			return &SheetsError{Op: op, Attempts: n, Message: fmt.Sprintf("запрос к Google Sheets (%s) прерван: %v", op, ctx.Err())}
		}
		if statusOf(err) == http.StatusUnauthorized && !renewed {
			// The cached token was refused: fetch a new one, once.
			renewed = true
			if rerr := s.tokens.renew(); rerr == nil {
				s.log.WithFields(logrus.Fields{"op": op, "attempt": n}).Info("access token refused (401); fetched credentials again, retrying")
				continue
			}
		}
		if waited, qerr := s.waitForQuota(ctx, op, err, quotaWaits); qerr != nil {
			return qerr
		} else if waited {
			quotaWaits++ // waiting out Google's minute spends no retry
			continue
		}
		retry, after := retryable(err)
		if !retry || n-quotaWaits > s.cfg.Retries {
			return s.explain(op, n, err)
		}
		wait := s.backoff(n)
		if after > wait {
			wait = min(after, s.cfg.RetryMax)
		}
		s.log.WithFields(logrus.Fields{"op": op, "attempt": n, "status": statusOf(err), "wait": wait}).
			Info("sheets call failed, retrying")
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return &SheetsError{Op: op, Attempts: n, Message: fmt.Sprintf("запрос к Google Sheets (%s) прерван: %v", op, ctx.Err())}
		case <-t.C:
		}
	}
}

// turn is what a request books in the account's quota.
type turn int

const (
	readTurn      turn = iota
	writeTurn          // a batchUpdate
	readWriteTurn      // a read and the write right after it (WriteNotes)
)

// pace waits for the request's turn in the account's quota (limiter).
func (s *SheetsSource) pace(ctx context.Context, op string, t turn) error {
	q := s.limiter(op)
	if q == nil {
		return nil
	}
	// Refresh the token before the wait, so a slow token fetch cannot sit
	// between a quota grant and the request it granted. A failed fetch is
	// retried by the request itself, which then reports it with the right
	// error type.
	_, _ = s.tokens.Token()
	var err error
	if t == readWriteTurn {
		err = q.WaitReadWrite(ctx)
	} else {
		err = q.Wait(ctx, t == writeTurn)
	}
	if err != nil {
		return &SheetsError{Op: op, Message: fmt.Sprintf("запрос к Google Sheets (%s) прерван в очереди квоты: %v", op, err)}
	}
	return nil
}

// once runs one request, bounded by cfg.Timeout.
func (s *SheetsSource) once(ctx context.Context, fn func(context.Context) error) error {
	actx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	return fn(actx)
}

// backoff is RetryBase·2^(attempt-1), capped, with "equal jitter" (half fixed,
// half random) so retries from many daemons do not line up.
func (s *SheetsSource) backoff(attempt int) time.Duration {
	d := s.cfg.RetryBase << min(attempt-1, 20)
	if d <= 0 || d > s.cfg.RetryMax {
		d = s.cfg.RetryMax
	}
	return d/2 + rand.N(d/2+1)
}

// retryable says whether err is transient, and how long Google asked to wait.
func retryable(err error) (bool, time.Duration) {
	var rerr *oauth2.RetrieveError
	if errors.As(err, &rerr) {
		code := 0
		if rerr.Response != nil {
			code = rerr.Response.StatusCode
		}
		return code == http.StatusTooManyRequests || code >= 500, 0
	}
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		if gerr.Code == http.StatusTooManyRequests || gerr.Code == http.StatusRequestTimeout || gerr.Code >= 500 {
			return true, retryAfter(gerr.Header)
		}
		return false, 0
	}
	// A body cut off mid-way or garbled in transit (a proxy, a reset after
	// the headers) is as transient as a failed connection.
	var serr *json.SyntaxError
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errBodyDamaged) || errors.As(err, &serr) {
		return true, 0
	}
	var uerr *url.Error
	return errors.As(err, &uerr) || errors.Is(err, context.DeadlineExceeded), 0
}

// retryAfter reads a Retry-After header (seconds or an HTTP date).
func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

func statusOf(err error) int {
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		return gerr.Code
	}
	var rerr *oauth2.RetrieveError
	if errors.As(err, &rerr) && rerr.Response != nil {
		return rerr.Response.StatusCode
	}
	return 0
}

// explain turns a final failure into a Russian message that says what to do.
func (s *SheetsSource) explain(op string, attempts int, err error) error {
	e := &SheetsError{Op: op, Attempts: attempts, Status: statusOf(err)}
	id := s.cfg.SpreadsheetID
	var rerr *oauth2.RetrieveError
	var gerr *googleapi.Error
	switch {
	case errors.As(err, &rerr):
		code := rerr.ErrorCode
		if code == "" {
			code = "нет кода ошибки"
		}
		e.Message = fmt.Sprintf("Google не выдал токен доступа (HTTP %d, %s): проверьте ключ сервисного аккаунта %s и что он не отозван",
			e.Status, code, s.account())
	case errors.As(err, &gerr):
		switch gerr.Code {
		case http.StatusForbidden:
			e.Message = s.forbidden(gerr)
		case http.StatusNotFound:
			e.Message = fmt.Sprintf("таблица %s не найдена: проверьте spreadsheet_id", id)
		case http.StatusUnauthorized:
			e.Message = "Google отклонил учётные данные (HTTP 401): проверьте файл ключа сервисного аккаунта"
		case http.StatusTooManyRequests:
			e.Message = fmt.Sprintf("Google ограничил частоту запросов к таблице %s (HTTP 429, попыток: %d); проверка повторится в следующем цикле", id, attempts)
			if r := reasonOf(gerr); r.quotaWindow() > 0 {
				e.Message += ": " + r.quotaAdvice()
			}
		default:
			if gerr.Code >= 500 {
				e.Message = fmt.Sprintf("сервис Google Таблиц недоступен (HTTP %d, попыток: %d); проверка повторится в следующем цикле", gerr.Code, attempts)
			} else {
				e.Message = fmt.Sprintf("Google Sheets API отклонил запрос %s (HTTP %d): %s", op, gerr.Code, gerr.Message)
			}
		}
	default:
		e.Message = fmt.Sprintf("нет связи с Google Sheets API (%s, попыток: %d): %s; проверка повторится в следующем цикле", op, attempts, netReason(err))
	}
	return e
}

// account names the service account for the "share the sheet" hint.
func (s *SheetsSource) account() string {
	if s.email != "" {
		return s.email
	}
	return "сервисным аккаунтом perechen (адрес — client_email в файле ключа)"
}

// netReason describes a transport failure without echoing anything but the
// failing operation (an url.Error names the URL, which holds no secrets, but
// keep the message short and stable).
func netReason(err error) string {
	var uerr *url.Error
	var serr *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errBodyDamaged) || errors.As(err, &serr):
		return "ответ оборван или повреждён при передаче"
	case errors.Is(err, context.DeadlineExceeded):
		return "истекло время ожидания ответа"
	case errors.As(err, &uerr):
		if uerr.Timeout() {
			return "истекло время ожидания ответа"
		}
		return uerr.Err.Error()
	default:
		return err.Error()
	}
}
