package sync

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"google.golang.org/api/googleapi"
)

// DriveAPI is Google's Drive v3 base URL (files.get for the version).
const DriveAPI = "https://www.googleapis.com/drive/v3/"

// driveFullReadEvery bounds how long an unmoved Drive version is trusted:
// Drive has been reported to show a file's new version minutes late, so
// the sheet is still read in full at least this often.
const driveFullReadEvery = 10 * time.Minute

// driveState is what the Drive version pre-check knows.
type driveState struct {
	seen    string    // the version the last probe saw, for the read after it
	read    string    // the version seen before the last full read …
	hash    string    // … and that read's grid hash
	readAt  time.Time //
	lastErr string    // the last pre-check failure logged (logged once)
}

var _ Prober = (*SheetsSource)(nil)

// Unchanged reports, with DriveVersionCheck, whether the spreadsheet's
// Drive version is the one seen before the read that hashed to hash: then
// nothing changed — neither a value nor a note — and the daemon skips the
// read (~100 bytes instead of the whole grid). Every change moves the
// version, perechen's own note writes too, so a cycle that wrote notes is
// followed by one more full read. A failing pre-check is logged and the
// sheet is read in full: the check saves traffic, it never stops a cycle.
func (s *SheetsSource) Unchanged(ctx context.Context, hash string) (bool, error) {
	if !s.cfg.DriveVersionCheck || hash == "" {
		return false, nil
	}
	v, err := s.driveVersion(ctx)
	s.driveResult(err)
	if err != nil {
		return false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drive.seen = v
	d := s.drive
	return d.read == v && d.hash == hash && time.Since(d.readAt) < driveFullReadEvery, nil
}

// versionBeforeRead is the Drive version to pair with the read about to
// happen: the one the probe just saw, else a fresh one. Seen before the
// read, it can only be older than the grid, never newer: an edit in
// between moves the version again and the next probe reads once more.
func (s *SheetsSource) versionBeforeRead(ctx context.Context) string {
	if !s.cfg.DriveVersionCheck {
		return ""
	}
	s.mu.Lock()
	v := s.drive.seen
	s.drive.seen = ""
	s.mu.Unlock()
	if v != "" {
		return v
	}
	v, err := s.driveVersion(ctx)
	s.driveResult(err)
	return v
}

// readAtVersion remembers a full read and the version seen before it.
func (s *SheetsSource) readAtVersion(version, hash string) {
	if version == "" {
		return
	}
	s.mu.Lock()
	s.drive.read, s.drive.hash, s.drive.readAt = version, hash, time.Now()
	s.mu.Unlock()
}

// driveResult logs a failing pre-check once per distinct failure, and its
// recovery.
func (s *SheetsSource) driveResult(err error) {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	s.mu.Lock()
	prev := s.drive.lastErr
	s.drive.lastErr = msg
	s.mu.Unlock()
	switch {
	case msg != "" && msg != prev:
		s.log.WithField("error", msg).Warn("drive version pre-check failed; reading the whole sheet every cycle until it works")
	case msg == "" && prev != "":
		s.log.Info("drive version pre-check works again")
	}
}

// driveVersion is one files.get?fields=version of the spreadsheet.
func (s *SheetsSource) driveVersion(ctx context.Context) (string, error) {
	u := s.driveBase() + "files/" + url.PathEscape(s.cfg.SpreadsheetID) + "?fields=version&supportsAllDrives=true&prettyPrint=false"
	var version string
	err := s.call(ctx, "drive.get", func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		resp, err := s.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := googleapi.CheckResponse(resp); err != nil {
			return err
		}
		var body struct {
			Version string `json:"version"`
		}
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body); err != nil {
			return err
		}
		if body.Version == "" {
			return errors.New("Google Drive API не сообщил версию файла")
		}
		version = body.Version
		return nil
	})
	return version, err
}

func (s *SheetsSource) driveBase() string {
	base := s.cfg.DriveEndpoint
	switch {
	case base != "":
	case s.cfg.Endpoint != "":
		base = s.cfg.Endpoint
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		base += "drive/v3/"
	default:
		base = DriveAPI
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base
}
