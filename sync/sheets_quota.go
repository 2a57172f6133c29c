package sync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"google.golang.org/api/googleapi"
)

// maxQuotaWaits bounds how often one call waits for Google's next quota
// minute before it gives up until the next cycle.
const maxQuotaWaits = 2

// limiter is the shared quota a call waits on: Sheets calls only, Drive's
// quota is another one.
func (s *SheetsSource) limiter(op string) *Quota {
	if strings.HasPrefix(op, "drive.") {
		return nil
	}
	return s.cfg.Limiter
}

// waitForQuota handles a 429 whose details name a per-minute quota: a
// retry within the same minute cannot succeed, so instead of spending
// retries a few seconds apart it tells the shared limiter — every source
// on the account then holds back — and waits for the next minute. false
// when err is no such 429 or the call has waited enough.
func (s *SheetsSource) waitForQuota(ctx context.Context, op string, err error, waits int) (bool, error) {
	var gerr *googleapi.Error
	if waits >= maxQuotaWaits || !errors.As(err, &gerr) || gerr.Code != http.StatusTooManyRequests {
		return false, nil
	}
	r := reasonOf(gerr)
	window := r.quotaWindow()
	if window == 0 {
		return false, nil
	}
	write := op == "batchUpdate" || r.quotaWrite()
	until := time.Now().Add(window + quotaSlack)
	q := s.limiter(op)
	if q != nil {
		until = q.Spent(write)
	}
	s.log.WithFields(logrus.Fields{"op": op, "quota": r.Quota, "until": until.Format(time.TimeOnly)}).
		Warn("sheets per-minute quota spent; waiting for the next minute")
	if q != nil {
		return true, nil // the limiter holds the next attempt back
	}
	t := time.NewTimer(time.Until(until))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false, &SheetsError{Op: op, Status: http.StatusTooManyRequests,
			Message: fmt.Sprintf("запрос к Google Sheets (%s) прерван в ожидании минутной квоты: %v", op, ctx.Err())}
	case <-t.C:
		return true, nil
	}
}
