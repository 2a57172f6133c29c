package sync

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/perechen-oiv/perechen/internal/logbuf"
	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

// TestSheetsAPIDisabledAdvice: Google's 403 for a project that has not
// enabled the Sheets API gets its own advice (enable it, with the project
// number from the message), not "share the sheet" — which stays the
// advice for a sheet not shared.
func TestSheetsAPIDisabledAdvice(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	h.fake.SetAPIEnabled("sheets", false)
	_, err := h.src.Fetch(context.Background())
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	for _, want := range []string{"Google Sheets API не включён в проекте Google Cloud № " + sheetsfake.ProjectNumber,
		"https://console.cloud.google.com/apis/library/sheets.googleapis.com?project=" + sheetsfake.ProjectNumber, "«Включить»"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "поделитесь") || h.fake.Count("get") != 1 {
		t.Errorf("wrong advice or retried (%d requests): %s", h.fake.Count("get"), msg)
	}
	h.fake.SetAPIEnabled("sheets", true)
	h.fake.SetForbidden(true)
	if _, err := h.src.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "поделитесь таблицей с "+sheetsfake.ClientEmail) {
		t.Errorf("not shared: %v", err)
	}
}

// TestSheetsPerMinuteQuotaWaitsForNextMinute: a 429 naming a per-minute
// quota is not retried inside the spent minute (the old 0.5–8 s retries
// would all fail); the source tells the shared limiter, so another source
// on the same account holds back too, and the read succeeds in the next
// minute with one refused request.
func TestSheetsPerMinuteQuotaWaitsForNextMinute(t *testing.T) {
	const minute = 400 * time.Millisecond // Google's minute, accelerated
	q := NewQuotaWindow(60, minute)
	h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.Limiter = q })
	other, err := NewSheetsSource(SheetsConfig{SpreadsheetID: h.fake.ID, Sheet: sheetTitle, CredentialsJSON: h.fake.CredentialsJSON(),
		Endpoint: h.fake.URL, HTTPClient: h.fake.Client(), Limiter: q, RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := h.src.Fetch(ctx); err != nil { // tokens in place
		t.Fatal(err)
	}
	if _, err := other.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	h.fake.ExhaustQuota("ReadRequestsPerMinutePerUser", minute/2)
	h.fake.ResetCounts()
	start := time.Now()
	if _, err := h.src.Fetch(ctx); err != nil {
		t.Fatalf("read after the quota minute: %v", err)
	}
	if c := h.fake.Counts(); c["429"] != 1 || c["get"] != 2 {
		t.Fatalf("requests %v: want one refused read and one in the next minute", c)
	}
	if d := time.Since(start); d < minute {
		t.Fatalf("retried after %v, inside the spent minute (%v)", d, minute)
	}
	if !strings.Contains(h.logs.String(), "per-minute quota spent") || !strings.Contains(h.logs.String(), "ReadRequestsPerMinutePerUser") {
		t.Fatalf("wait not logged:\n%s", h.logs.String())
	}
	// The limiter holds the other source back for the rest of the minute.
	h.fake.ResetCounts()
	h.fake.ExhaustQuota("ReadRequestsPerMinutePerUser", minute/2)
	go func() { _, _ = h.src.Fetch(ctx) }()
	time.Sleep(minute / 8) // let the refusal land
	if _, err := other.Fetch(ctx); err != nil {
		t.Fatalf("other source: %v", err)
	}
	if n := h.fake.Count("429"); n != 1 {
		t.Fatalf("%d refused requests: the other source did not wait for the limiter", n)
	}
}

// TestSheetsQuotaSpentTooLong: when the quota stays spent, the call gives
// up after a couple of minutes' waits with a message naming the quota.
func TestSheetsQuotaSpentTooLong(t *testing.T) {
	q := NewQuotaWindow(60, 50*time.Millisecond)
	h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.Limiter = q })
	h.fake.ExhaustQuota("ReadRequestsPerMinutePerUser", time.Hour)
	_, err := h.src.Fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "исчерпана минутная квота Google Sheets API проекта Google Cloud № "+sheetsfake.ProjectNumber) ||
		!strings.Contains(err.Error(), "ReadRequestsPerMinutePerUser = 60") {
		t.Fatalf("err = %v", err)
	}
	// Two minutes waited, then the ordinary retry budget (4) spent.
	if n := h.fake.Count("429"); n != maxQuotaWaits+1+4 {
		t.Fatalf("%d refused requests", n)
	}
}

// adcEnv clears every credential source but the ones a test sets: no key
// in the config, no GOOGLE_APPLICATION_CREDENTIALS, an empty gcloud
// directory, and the metadata server at host (never Google's).
func adcEnv(t *testing.T, metadataHost string) (gcloudDir string) {
	gcloudDir = t.TempDir()
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	t.Setenv("CLOUDSDK_CONFIG", gcloudDir)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("GCE_METADATA_HOST", metadataHost)
	return gcloudDir
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// sourceVia builds a source with no key in its config and fetches once,
// returning its log.
func sourceVia(t *testing.T, f *sheetsfake.Fake) (string, error) {
	t.Helper()
	logs := &logbuf.Buffer{}
	logger := logrus.New()
	logger.Out = logs
	src, err := NewSheetsSource(SheetsConfig{SpreadsheetID: f.ID, Sheet: sheetTitle, Endpoint: f.URL, HTTPClient: f.Client(),
		Logger: logger, RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond, Retries: -1})
	if err != nil {
		return logs.String(), err
	}
	_, err = src.Fetch(context.Background())
	return logs.String(), err
}

// TestSheetsApplicationDefaultCredentials: without credentials in the
// config, GOOGLE_APPLICATION_CREDENTIALS, gcloud's file and the metadata
// server of a Google Cloud VM are used in that order, and the start-up log
// says which. Everything runs against the loopback fake.
func TestSheetsApplicationDefaultCredentials(t *testing.T) {
	f := sheetsfake.New(t)
	f.Rename("Лист1", sheetTitle)
	f.LoadGrid(rules.SampleGrid())
	gcloud := adcEnv(t, closedAddr(t))

	// gcloud auth application-default login: a person's refresh token.
	if err := os.WriteFile(filepath.Join(gcloud, "application_default_credentials.json"), f.UserCredentialsJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	logs, err := sourceVia(t, f)
	if err != nil || !strings.Contains(logs, "gcloud application default credentials") {
		t.Fatalf("gcloud file: %v\n%s", err, logs)
	}

	// GOOGLE_APPLICATION_CREDENTIALS comes before it.
	key := filepath.Join(t.TempDir(), "key.json")
	os.WriteFile(key, f.CredentialsJSON(), 0o600)
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", key)
	logs, err = sourceVia(t, f)
	if err != nil || !strings.Contains(logs, "credentials=\"GOOGLE_APPLICATION_CREDENTIALS "+key) || !strings.Contains(logs, "account="+sheetsfake.ClientEmail) {
		t.Fatalf("GOOGLE_APPLICATION_CREDENTIALS: %v\n%s", err, logs)
	}

	// Credential types that run commands or call other token services are refused.
	ext := filepath.Join(t.TempDir(), "ext.json")
	os.WriteFile(ext, []byte(`{"type":"external_account","credential_source":{"executable":{"command":"/bin/true"}}}`), 0o600)
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", ext)
	if _, err := sourceVia(t, f); err == nil || !strings.Contains(err.Error(), `тип "external_account"`) {
		t.Fatalf("external_account: %v", err)
	}

	// Neither: the VM's attached service account, via the metadata server.
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	os.Remove(filepath.Join(gcloud, "application_default_credentials.json"))
	t.Setenv("GCE_METADATA_HOST", f.MetadataHost())
	logs, err = sourceVia(t, f)
	if err != nil || !strings.Contains(logs, "metadata server") || !strings.Contains(logs, "account="+sheetsfake.ClientEmail) {
		t.Fatalf("metadata server: %v\n%s", err, logs)
	}
	if f.Count("metadata.token") == 0 || !strings.Contains(strings.Join(f.Scopes(), " "), SheetsScope) {
		t.Fatalf("no token from the metadata server for the Sheets scope: %v %v", f.Counts(), f.Scopes())
	}

	// A VM created without the Sheets scope: say so, not "share the sheet".
	f.SetVMScopes("https://www.googleapis.com/auth/cloud-platform")
	_, err = sourceVia(t, f)
	if err == nil || !strings.Contains(err.Error(), "нет области доступа "+SheetsScope) || strings.Contains(err.Error(), "поделитесь") {
		t.Fatalf("VM without the scope: %v", err)
	}
}

// TestSheetsNoCredentialsAnywhere: no key, no variable, no gcloud file and
// no metadata server answering → a Russian error at start naming the order.
func TestSheetsNoCredentialsAnywhere(t *testing.T) {
	f := sheetsfake.New(t)
	adcEnv(t, closedAddr(t))
	_, err := sourceVia(t, f)
	if err == nil || !strings.Contains(err.Error(), "нет учётных данных Google") || !strings.Contains(err.Error(), "сервер метаданных") ||
		!strings.Contains(err.Error(), "credentials") {
		t.Fatalf("err = %v", err)
	}
}
