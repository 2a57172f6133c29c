package sheetsfake

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/perechen-oiv/perechen/rules"
)

func TestParseMask(t *testing.T) {
	m, err := parseMask("sheets(properties(sheetId,title),merges,data(rowData(values(formattedValue,note)))),spreadsheetId")
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]any{
		"spreadsheetId": "x", "properties": map[string]any{"title": "t"},
		"sheets": []any{map[string]any{
			"properties": map[string]any{"sheetId": 0, "title": "Лист", "index": 0},
			"merges":     []any{map[string]any{"startRowIndex": 1}},
			"data": []any{map[string]any{"rowData": []any{map[string]any{"values": []any{
				map[string]any{"formattedValue": "a", "note": "n", "userEnteredValue": map[string]any{"stringValue": "a"}}}}}}},
		}},
	}
	want := map[string]any{
		"spreadsheetId": "x",
		"sheets": []any{map[string]any{
			"properties": map[string]any{"sheetId": 0, "title": "Лист"},
			"merges":     []any{map[string]any{"startRowIndex": 1}},
			"data": []any{map[string]any{"rowData": []any{map[string]any{"values": []any{
				map[string]any{"formattedValue": "a", "note": "n"}}}}}},
		}},
	}
	if got := m.apply(doc); !reflect.DeepEqual(got, want) {
		t.Fatalf("masked:\n%v\nwant\n%v", got, want)
	}
	dotted, err := parseMask("sheets.properties.title")
	if err != nil {
		t.Fatal(err)
	}
	got := dotted.apply(doc).(map[string]any)["sheets"].([]any)[0]
	if !reflect.DeepEqual(got, map[string]any{"properties": map[string]any{"title": "Лист"}}) {
		t.Fatalf("dotted mask: %v", got)
	}
	for _, bad := range []string{"a(b", "a,,b", "(a)", "a)b"} {
		if _, err := parseMask(bad); err == nil {
			t.Errorf("mask %q accepted", bad)
		}
	}
}

// authedClient runs the real service-account flow against the fake.
func authedClient(t *testing.T, f *Fake) *http.Client {
	t.Helper()
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, f.Client())
	creds, err := google.CredentialsFromJSONWithType(ctx, f.CredentialsJSON(), google.ServiceAccount, "https://www.googleapis.com/auth/spreadsheets")
	if err != nil {
		t.Fatal(err)
	}
	return oauth2.NewClient(ctx, creds.TokenSource)
}

func do(t *testing.T, c *http.Client, method, u, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestBatchUpdateAcceptsOnlyNotes(t *testing.T) {
	f := New(t)
	f.LoadGrid(rules.Grid{Sheet: "Лист1", Cells: [][]rules.Cell{{{Value: "a", Note: "старая"}, {Value: "b"}}}})
	c := authedClient(t, f)
	u := f.URL + "v4/spreadsheets/" + f.ID + ":batchUpdate"
	rejected := []string{
		`{"requests":[{"updateCells":{"start":{"sheetId":0},"rows":[{"values":[{"userEnteredValue":{"stringValue":"x"}}]}],"fields":"userEnteredValue"}}]}`,
		`{"requests":[{"updateCells":{"start":{"sheetId":0},"rows":[{"values":[{"note":"x"}]}],"fields":"*"}}]}`,
		`{"requests":[{"updateCells":{"start":{"sheetId":0},"rows":[{"values":[{"note":"x","userEnteredFormat":{}}]}],"fields":"note"}}]}`,
		`{"requests":[{"repeatCell":{"range":{"sheetId":0},"cell":{"note":"x"},"fields":"note,userEnteredFormat"}}]}`,
		`{"requests":[{"insertDimension":{"range":{"sheetId":0,"dimension":"ROWS","startIndex":0,"endIndex":1}}}]}`,
		// atomic: a valid request next to an invalid one is not applied either
		`{"requests":[{"updateCells":{"start":{"sheetId":0},"rows":[{"values":[{"note":"x"}]}],"fields":"note"}},{"deleteSheet":{"sheetId":0}}]}`,
	}
	for _, body := range rejected {
		if code, resp := do(t, c, "POST", u, body); code != 400 {
			t.Fatalf("%s: %d %s", body, code, resp)
		}
	}
	if f.Count("rejected") != len(rejected) || f.Note("Лист1", 0, 0) != "старая" || f.Value("Лист1", 0, 0) != "a" {
		t.Fatalf("rejected %d, A1 %q/%q", f.Count("rejected"), f.Value("Лист1", 0, 0), f.Note("Лист1", 0, 0))
	}
	ok := `{"requests":[{"updateCells":{"start":{"sheetId":0,"columnIndex":1},"rows":[{"values":[{"note":"новая"}]}],"fields":"note"}},` +
		`{"updateCells":{"start":{"sheetId":0},"rows":[{"values":[{}]}],"fields":"note"}},` +
		`{"repeatCell":{"range":{"sheetId":0,"startRowIndex":2,"endRowIndex":4,"startColumnIndex":0,"endColumnIndex":1},"cell":{"note":"r"},"fields":"note"}}]}`
	if code, resp := do(t, c, "POST", u, ok); code != 200 {
		t.Fatalf("%d %s", code, resp)
	}
	if f.Note("Лист1", 0, 1) != "новая" || f.Note("Лист1", 0, 0) != "" || f.Note("Лист1", 3, 0) != "r" || f.Value("Лист1", 0, 1) != "b" {
		t.Fatal("notes not applied as Sheets would")
	}
	if b := f.Batches(); len(b) != 1 || len(b[0]) != 4 {
		t.Fatalf("batches %v", b)
	}
}

func TestGetAndValuesGet(t *testing.T) {
	f := New(t)
	f.Rename("Лист1", "It's")
	f.LoadGrid(rules.Grid{Sheet: "It's", Cells: [][]rules.Cell{{{Value: "a"}}, nil, {{}, {Value: "c", Note: "n"}}},
		Merges: []rules.Range{{Row0: 0, Col0: 0, Row1: 1, Col1: 0}}})
	f.AddSheet("Второй")
	c := authedClient(t, f)
	base := f.URL + "v4/spreadsheets/" + f.ID
	code, body := do(t, c, "GET", base+"?includeGridData=true&ranges="+url.QueryEscape("'It''s'")+"&fields="+
		url.QueryEscape("sheets(properties(title),merges,data(rowData(values(formattedValue,note))))"), "")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var resp struct {
		Sheets []struct {
			Properties map[string]any
			Merges     []map[string]int
			Data       []struct {
				RowData []struct {
					Values []map[string]string
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil || len(resp.Sheets) != 1 {
		t.Fatalf("%v %s", err, body)
	}
	sh := resp.Sheets[0]
	rows := sh.Data[0].RowData
	if len(sh.Properties) != 1 || len(sh.Merges) != 1 || len(rows) != 3 || len(rows[1].Values) != 0 ||
		rows[2].Values[1]["formattedValue"] != "c" || rows[2].Values[1]["note"] != "n" || len(rows[2].Values[0]) != 0 {
		t.Fatalf("get: %s", body)
	}
	if code, body := do(t, c, "GET", base+"?ranges="+url.QueryEscape("Нет такого"), ""); code != 400 || !strings.Contains(body, "Unable to parse range") {
		t.Fatalf("unknown sheet: %d %s", code, body)
	}
	code, body = do(t, c, "GET", base+"/values/"+url.PathEscape("'It''s'"), "")
	if code != 200 || !strings.Contains(body, `"values":[["a"],[],["","c"]]`) {
		t.Fatalf("values.get: %d %s", code, body)
	}
	if n := f.Counts(); n["get"] != 2 || n["values.get"] != 1 || n["token"] != 1 {
		t.Fatalf("counts %v", n)
	}
}

func TestTokenEndpointVerifiesSignature(t *testing.T) {
	f := New(t)
	// Same e-mail and token_uri, another key: the JWT must be refused.
	var creds map[string]string
	json.Unmarshal(f.CredentialsJSON(), &creds)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(other)
	creds["private_key"] = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	forged, _ := json.Marshal(creds)
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, f.Client())
	cr, err := google.CredentialsFromJSONWithType(ctx, forged, google.ServiceAccount, "https://www.googleapis.com/auth/spreadsheets")
	if err != nil {
		t.Fatal(err)
	}
	_, err = cr.TokenSource.Token()
	var rerr *oauth2.RetrieveError
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") || !errorsAs(err, &rerr) {
		t.Fatalf("forged JWT: %v", err)
	}
	// Without a token the API answers 401.
	if code, _ := do(t, f.Client(), "GET", f.URL+"v4/spreadsheets/"+f.ID, ""); code != 401 {
		t.Fatalf("unauthenticated get: %d", code)
	}
}

func errorsAs(err error, target **oauth2.RetrieveError) bool {
	for err != nil {
		if r, ok := err.(*oauth2.RetrieveError); ok {
			*target = r
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

func TestInsertRowShiftsCellsAndMerges(t *testing.T) {
	f := New(nil)
	defer f.Close()
	f.LoadGrid(rules.Grid{Sheet: "Лист1", Cells: [][]rules.Cell{{{Value: "0"}}, {{Value: "1", Note: "n1"}}, {{Value: "2"}}},
		Merges: []rules.Range{{Row0: 1, Col0: 0, Row1: 2, Col1: 0}, {Row0: 0, Col0: 1, Row1: 1, Col1: 1}}})
	f.InsertRow("Лист1", 1)
	g := f.Grid("Лист1")
	if g.Value(1, 0) != "" || g.Value(2, 0) != "1" || g.At(2, 0).Note != "n1" || g.Value(3, 0) != "2" {
		t.Fatalf("cells %v", g.Cells)
	}
	want := []rules.Range{{Row0: 2, Col0: 0, Row1: 3, Col1: 0}, {Row0: 0, Col0: 1, Row1: 2, Col1: 1}}
	if !reflect.DeepEqual(g.Merges, want) {
		t.Fatalf("merges %v", g.Merges)
	}
}

func TestGetRangesSliceTheGrid(t *testing.T) {
	f := New(t)
	f.LoadGrid(rules.Grid{Sheet: "Лист1", Cells: [][]rules.Cell{
		{{Value: "a1"}, {Value: "b1"}}, {{Value: "a2", Note: "n2"}, {Value: "b2"}, {Value: "c2"}}, {{Value: "a3"}}, {{Value: "a4"}}}})
	f.AddSheet("Второй")
	f.SetNoteView(func(n string) string { return "[" + n + "]" })
	c := authedClient(t, f)
	q := url.Values{"includeGridData": {"true"}, "fields": {"sheets(properties(title),data(startRow,startColumn,rowData(values(formattedValue,note))))"},
		"ranges": {"'Лист1'!2:3", "'Лист1'!B1", "'Лист1'!B2:Z9"}}
	code, body := do(t, c, "GET", f.URL+"v4/spreadsheets/"+f.ID+"?"+q.Encode(), "")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	want := `{"sheets":[{"data":[` +
		`{"rowData":[{"values":[{"formattedValue":"a2","note":"[n2]"},{"formattedValue":"b2"},{"formattedValue":"c2"}]},{"values":[{"formattedValue":"a3"}]}],"startRow":1},` +
		`{"rowData":[{"values":[{"formattedValue":"b1"}]}],"startColumn":1},` +
		`{"rowData":[{"values":[{"formattedValue":"b2"},{"formattedValue":"c2"}]}],"startColumn":1,"startRow":1}],` +
		`"properties":{"title":"Лист1"}}]}`
	if strings.TrimSpace(body) != want {
		t.Fatalf("ranged get:\n%s\nwant\n%s", body, want)
	}
	if f.Note("Лист1", 1, 0) != "n2" {
		t.Fatal("the view changed the stored note")
	}
}

func TestDeleteRowShiftsCellsAndMerges(t *testing.T) {
	f := New(nil)
	defer f.Close()
	f.LoadGrid(rules.Grid{Sheet: "Лист1", Cells: [][]rules.Cell{{{Value: "0"}}, {{Value: "1", Note: "n1"}}, {{Value: "2", Note: "n2"}}},
		Merges: []rules.Range{{Row0: 1, Col0: 0, Row1: 2, Col1: 0}, {Row0: 2, Col0: 1, Row1: 3, Col1: 1}, {Row0: 1, Col0: 2, Row1: 1, Col1: 3}}})
	f.DeleteRow("Лист1", 1)
	g := f.Grid("Лист1")
	if g.Value(0, 0) != "0" || g.Value(1, 0) != "2" || g.At(1, 0).Note != "n2" || len(g.Cells) != 2 {
		t.Fatalf("cells %v", g.Cells)
	}
	// A1:A2-merge loses a row and is one cell (gone); B3:B4 moves up; C2:D2 loses its only row.
	want := []rules.Range{{Row0: 1, Col0: 1, Row1: 2, Col1: 1}}
	if !reflect.DeepEqual(g.Merges, want) {
		t.Fatalf("merges %v", g.Merges)
	}
	if NotesCRLF("a\nb\r\nc") != "a\r\nb\r\nc" || NotesTrimmed("\n a \n") != "a" {
		t.Fatal("note views")
	}
}
