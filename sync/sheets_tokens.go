package sync

import (
	gosync "sync"

	"golang.org/x/oauth2"
)

// renewableTokens is a Sheets source's token cache. When the API refuses
// the cached token with 401 (revoked, or expired before its announced
// expires_in), renew replaces the cache so the next request fetches a new
// token — otherwise the refused token would be sent again until its
// announced expiry, up to an hour of failed cycles.
type renewableTokens struct {
	fresh func() (oauth2.TokenSource, error) // a new, empty cache over the credentials
	mu    gosync.Mutex
	src   oauth2.TokenSource
}

var _ oauth2.TokenSource = (*renewableTokens)(nil)

func newRenewableTokens(src oauth2.TokenSource, fresh func() (oauth2.TokenSource, error)) *renewableTokens {
	return &renewableTokens{src: src, fresh: fresh}
}

// Token returns the cached token, fetching one when it is due.
func (r *renewableTokens) Token() (*oauth2.Token, error) {
	r.mu.Lock()
	src := r.src
	r.mu.Unlock()
	return src.Token()
}

// renew drops the cached token; if the credentials cannot be loaded again
// the old cache stays (the caller reports the 401 it got).
func (r *renewableTokens) renew() error {
	src, err := r.fresh()
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.src = src
	r.mu.Unlock()
	return nil
}
