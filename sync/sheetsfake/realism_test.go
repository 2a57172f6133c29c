package sheetsfake

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/perechen-oiv/perechen/rules"
)

func scopedClient(t *testing.T, f *Fake, scopes ...string) *http.Client {
	t.Helper()
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, f.Client())
	creds, err := google.CredentialsFromJSONWithType(ctx, f.CredentialsJSON(), google.ServiceAccount, scopes...)
	if err != nil {
		t.Fatal(err)
	}
	return oauth2.NewClient(ctx, creds.TokenSource)
}

// getJSON fetches u and decodes the body (any encoding the client handles).
func getJSON(t *testing.T, c *http.Client, u string, header http.Header, v any) (int, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
	}
	return resp.StatusCode, resp.Header
}

type getResp struct {
	Sheets []struct {
		Properties struct {
			Title  string
			Hidden bool
			Index  int
		}
		Data []struct {
			StartRow int
			RowData  []struct{ Values []map[string]any }
		}
	}
}

// TestDisplayedValues: typed numbers and dates come back as the locale
// shows them, links and chips as their display text.
func TestDisplayedValues(t *testing.T) {
	f := New(t)
	f.SetNumber("Лист1", 0, 0, 1, "0.00")
	f.SetNumber("Лист1", 0, 1, 2, "")
	f.SetDate("Лист1", 0, 2, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), "")
	f.SetLink("Лист1", 0, 3, "Портал", "https://portal.example/")
	f.SetPersonChip("Лист1", 0, 4, "Иванова Мария", "ivanova@example.ru")
	f.SetLinkChip("Лист1", 0, 5, "Регламент.docx", "https://docs.google.com/document/d/x")
	c := scopedClient(t, f, "https://www.googleapis.com/auth/spreadsheets")
	u := f.URL + "v4/spreadsheets/" + f.ID + "?includeGridData=true"
	read := func() []map[string]any {
		var resp getResp
		if code, _ := getJSON(t, c, u, nil, &resp); code != 200 {
			t.Fatalf("get: %d", code)
		}
		return resp.Sheets[0].Data[0].RowData[0].Values
	}
	v := read()
	want := []string{"1,00", "2", "04.12.2026", "Портал", "Иванова Мария", "Регламент.docx"}
	for i, w := range want {
		if v[i]["formattedValue"] != w {
			t.Errorf("cell %d: formattedValue %v, want %q", i, v[i]["formattedValue"], w)
		}
	}
	if ev := v[0]["effectiveValue"].(map[string]any); ev["numberValue"] != 1.0 {
		t.Errorf("number typed as a string: %v", ev)
	}
	if v[3]["hyperlink"] != "https://portal.example/" || v[4]["chipRuns"] == nil {
		t.Errorf("link/chip lost: %v / %v", v[3], v[4])
	}
	if f.Value("Лист1", 0, 0) != "1,00" {
		t.Errorf("Value = %q, want the displayed text", f.Value("Лист1", 0, 0))
	}
	f.SetLocale("en_US")
	if v := read(); v[0]["formattedValue"] != "1.00" || v[2]["formattedValue"] != "12/4/2026" {
		t.Errorf("en_US: %v %v", v[0]["formattedValue"], v[2]["formattedValue"])
	}
}

// TestRangesLimitRowsAndKeepWorkbookOrder: ranges select the rows asked
// for; the sheets come in the workbook's order with hidden flags.
func TestRangesLimitRowsAndKeepWorkbookOrder(t *testing.T) {
	f := New(t)
	var cells [][]rules.Cell
	for i := 0; i < 100; i++ {
		cells = append(cells, []rules.Cell{{Value: "r"}})
	}
	f.LoadGrid(rules.Grid{Sheet: "Перечень", Cells: cells})
	f.AddSheet("Черновик")
	f.SetValue("Черновик", 0, 0, "x")
	f.MoveSheet("Черновик", 0)
	f.SetHidden("Лист1", true)
	c := scopedClient(t, f, "https://www.googleapis.com/auth/spreadsheets")
	q := url.Values{"includeGridData": {"true"}, "ranges": {"'Перечень'!1:50", "'Черновик'!1:50", "'Лист1'!A1:B2"}}
	var resp getResp
	if code, _ := getJSON(t, c, f.URL+"v4/spreadsheets/"+f.ID+"?"+q.Encode(), nil, &resp); code != 200 {
		t.Fatalf("get %d", code)
	}
	var titles []string
	for _, sh := range resp.Sheets {
		titles = append(titles, sh.Properties.Title)
	}
	if strings.Join(titles, ",") != "Черновик,Лист1,Перечень" || !resp.Sheets[1].Properties.Hidden || resp.Sheets[2].Properties.Index != 2 {
		t.Fatalf("sheets %v %+v", titles, resp.Sheets)
	}
	if n := len(resp.Sheets[2].Data[0].RowData); n != 50 {
		t.Fatalf("'Перечень'!1:50 returned %d rows", n)
	}
	q.Set("ranges", "'Перечень'!A51:A")
	resp = getResp{}
	getJSON(t, c, f.URL+"v4/spreadsheets/"+f.ID+"?"+q.Encode(), nil, &resp)
	if d := resp.Sheets[0].Data[0]; d.StartRow != 50 || len(d.RowData) != 50 {
		t.Fatalf("A51:A: startRow %d, %d rows", d.StartRow, len(d.RowData))
	}
}

// TestGzipOnlyWithGzipUserAgent: like Google, the fake compresses only for
// a client that accepts gzip and says "gzip" in its User-Agent.
func TestGzipOnlyWithGzipUserAgent(t *testing.T) {
	f := New(t)
	f.LoadGrid(rules.SampleGrid())
	c := scopedClient(t, f, "https://www.googleapis.com/auth/spreadsheets")
	u := f.URL + "v4/spreadsheets/" + f.ID + "?includeGridData=true"
	ae := http.Header{"Accept-Encoding": {"gzip"}}
	for _, tc := range []struct {
		ua   string
		gzip bool
	}{{"google-api-go-client/0.5", false}, {"perechen/dev (gzip)", true}} {
		h := ae.Clone()
		h.Set("User-Agent", tc.ua)
		var resp getResp
		code, hdr := getJSON(t, c, u, h, &resp)
		if code != 200 || (hdr.Get("Content-Encoding") == "gzip") != tc.gzip || len(resp.Sheets) != 2 {
			t.Errorf("UA %q: %d, Content-Encoding %q", tc.ua, code, hdr.Get("Content-Encoding"))
		}
	}
	if f.Count("gzip") != 1 {
		t.Errorf("gzip responses: %d", f.Count("gzip"))
	}
}

// TestDriveVersion: files.get?fields=version needs a Drive scope and grows
// with every change, note writes included.
func TestDriveVersion(t *testing.T) {
	f := New(t)
	f.LoadGrid(rules.SampleGrid())
	u := f.URL + "drive/v3/files/" + f.ID + "?fields=version&supportsAllDrives=true"
	var e struct {
		Error struct{ Details []map[string]any }
	}
	if code, _ := getJSON(t, scopedClient(t, f, "https://www.googleapis.com/auth/spreadsheets"), u, nil, &e); code != 403 ||
		len(e.Error.Details) == 0 || e.Error.Details[0]["reason"] != "ACCESS_TOKEN_SCOPE_INSUFFICIENT" {
		t.Fatalf("spreadsheets scope only: %d %+v", code, e)
	}
	c := scopedClient(t, f, "https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.metadata.readonly")
	version := func() string {
		var v map[string]string
		if code, _ := getJSON(t, c, u, nil, &v); code != 200 || len(v) != 1 {
			t.Fatalf("files.get: %d %v", code, v)
		}
		return v["version"]
	}
	v1 := version()
	if v2 := version(); v2 != v1 {
		t.Fatalf("version moved without a change: %s → %s", v1, v2)
	}
	f.SetValue("Перечень", 5, 2, "СЭД")
	v2 := version()
	code, _ := do(t, c, "POST", f.URL+"v4/spreadsheets/"+f.ID+":batchUpdate",
		`{"requests":[{"updateCells":{"start":{"sheetId":0},"rows":[{"values":[{"note":"x"}]}],"fields":"note"}}]}`)
	v3 := version()
	if code != 200 || v2 == v1 || v3 == v2 {
		t.Fatalf("versions %s %s %s (batchUpdate %d)", v1, v2, v3, code)
	}
	f.SetAPIEnabled("drive", false)
	if code, _ := getJSON(t, c, u, nil, &e); code != 403 || e.Error.Details[0]["reason"] != "SERVICE_DISABLED" {
		t.Fatalf("drive disabled: %d %+v", code, e)
	}
}

// TestServiceDisabledAndQuotaBodies: the 403 of a disabled API and the 429
// of a spent per-minute quota carry Google's details.
func TestServiceDisabledAndQuotaBodies(t *testing.T) {
	f := New(t)
	c := scopedClient(t, f, "https://www.googleapis.com/auth/spreadsheets")
	u := f.URL + "v4/spreadsheets/" + f.ID
	f.SetAPIEnabled("sheets", false)
	var e struct {
		Error struct {
			Code    int
			Message string
			Details []struct {
				Reason   string
				Metadata map[string]string
			}
		}
	}
	if code, _ := getJSON(t, c, u, nil, &e); code != 403 || !strings.Contains(e.Error.Message, "Google Sheets API has not been used in project "+ProjectNumber) ||
		e.Error.Details[0].Reason != "SERVICE_DISABLED" {
		t.Fatalf("disabled: %d %+v", code, e)
	}
	f.SetAPIEnabled("sheets", true)
	f.ExhaustQuota("ReadRequestsPerMinutePerUser", time.Hour)
	e.Error.Details = nil
	if code, _ := getJSON(t, c, u, nil, &e); code != 429 || e.Error.Details[0].Metadata["quota_limit"] != "ReadRequestsPerMinutePerUser" {
		t.Fatalf("quota: %d %+v", code, e)
	}
	f.ExhaustQuota("ReadRequestsPerMinutePerUser", 0)
	if code, _ := getJSON(t, c, u, nil, nil); code != 200 {
		t.Fatalf("after the minute: %d", code)
	}
}

// TestMetadataServer: the fake hands a VM's attached service account
// tokens through the metadata server, with the VM's access scopes.
func TestMetadataServer(t *testing.T) {
	f := New(t)
	get := func(path string) (int, string) {
		req, _ := http.NewRequest("GET", "http://"+f.MetadataHost()+"/computeMetadata/v1/"+path, nil)
		req.Header.Set("Metadata-Flavor", "Google")
		resp, err := f.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, email := get("instance/service-accounts/default/email"); code != 200 || email != ClientEmail {
		t.Fatalf("email: %d %q", code, email)
	}
	f.SetVMScopes("https://www.googleapis.com/auth/cloud-platform")
	code, body := get("instance/service-accounts/default/token?scopes=https://www.googleapis.com/auth/spreadsheets")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal([]byte(body), &tok); code != 200 || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", code, body)
	}
	req, _ := http.NewRequest("GET", f.URL+"v4/spreadsheets/"+f.ID, nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := f.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("cloud-platform token read the sheet: %d", resp.StatusCode)
	}
}
