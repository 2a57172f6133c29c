package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

const minimal = `
sources:
  - name: a
    xlsx: {path: /tmp/a.xlsx}
`

func TestDefaults(t *testing.T) {
	c, err := ParseEnv([]byte(minimal), "c.yaml", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Interval != DefaultInterval || c.Jitter != DefaultInterval/10 || c.StateDir != DefaultStateDir ||
		c.Status.Listen != DefaultListen || c.Status.Refresh != DefaultRefresh || c.ShutdownTimeout != DefaultShutdownTimeout ||
		c.DeadlineWorkingDays != 10 || c.DeadlineWarnDays != 3 || c.Log.Level != "info" || c.Log.Format != "text" ||
		c.GCPercent != 50 {
		t.Errorf("defaults wrong: %+v", c)
	}
	s := c.Sources[0]
	if s.Profile != "oiv" || !s.Notes || s.BlockOn != "error" || s.NoteLevel != "warning" || s.NoteSeverity() != rules.Warning || strings.Join(s.Formats, ",") != "html,pdf" ||
		s.XLSX.Notes != "copy" || s.XLSXMode() != "copy" || s.Kind() != "xlsx" || len(s.Publish) != 0 {
		t.Errorf("source defaults wrong: %+v %+v", s, s.XLSX)
	}
	if c.IntervalFor(s) != DefaultInterval {
		t.Error("IntervalFor")
	}
}

func TestExampleLoads(t *testing.T) {
	c, err := LoadEnv("../deploy/config.example.yaml", env(map[string]string{"PERECHEN_DAV_PASSWORD": "s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) != 2 || c.Sources[0].Name != "mimp" || c.Sources[0].Kind() != "google_sheets" {
		t.Fatalf("sources: %+v", c.Sources)
	}
	p := c.Sources[0].Publish
	if len(p) != 2 || p[0].Dir.Path != "/var/www/html/perechen/mimp" || p[0].Dir.Keep != DefaultDirKeep ||
		p[1].WebDAV.Password != "s3cret" || p[1].Kind() != "webdav" {
		t.Errorf("publish: %+v %+v", p[0].Dir, p[1].WebDAV)
	}
	if k := c.Sources[1].Publish[0].Dir.Keep; k != 30 {
		t.Errorf("keep = %d", k)
	}
	if c.Jitter != 5*time.Second {
		t.Errorf("jitter %s", c.Jitter)
	}
	if s := c.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, "***") {
		t.Errorf("String leaks or lacks redaction:\n%s", s)
	}
	if c.Sources[0].Publish[1].WebDAV.Password != "s3cret" {
		t.Error("Redacted modified the original")
	}
}

func TestErrorsNameLineAndKey(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown top key", "intervall: 5s\n" + minimal, "c.yaml:1: intervall: unknown key"},
		{"bad duration", "interval: soon\n" + minimal, `c.yaml:1: interval: "soon" is not a duration`},
		{"zero duration", "interval: 0s\n" + minimal, `c.yaml:1: interval: must be greater than zero`},
		{"negative duration", "shutdown_timeout: -1s\n" + minimal, `shutdown_timeout: must be greater than zero`},
		{"no sources", "interval: 5s\n", "c.yaml:1: sources: required"},
		{"gc_percent low", "gc_percent: 5\n" + minimal, "c.yaml:1: gc_percent: must be at least 10, got 5"},
		{"gc_percent high", "interval: 5s\ngc_percent: 5000\n" + minimal, "c.yaml:2: gc_percent: must be at most 1000, got 5000"},
		{"gc_percent off", "gc_percent: off\n" + minimal, `c.yaml:1: gc_percent: "off" is not a whole number`},
		{"unknown source key", "sources:\n  - name: a\n    xlsx: {path: x}\n    colour: red\n", "c.yaml:4: sources[0].colour: unknown key"},
		{"both kinds", "sources:\n  - name: a\n    xlsx: {path: x}\n    google_sheets: {spreadsheet_id: x, credentials: c}\n", "sources[0]: set exactly one of google_sheets or xlsx"},
		{"neither kind", "sources:\n  - name: a\n", "c.yaml:2: sources[0]: set exactly one"},
		{"duplicate names", "sources:\n  - name: a\n    xlsx: {path: x}\n  - name: a\n    xlsx: {path: y}\n", `c.yaml:4: sources[1].name: source name "a" is already used by sources[0]`},
		{"bad name", "sources:\n  - name: Мимп\n    xlsx: {path: x}\n", "c.yaml:2: sources[0].name:"},
		{"bad format", "sources:\n  - name: a\n    xlsx: {path: x}\n    formats: [html, docx]\n", `c.yaml:4: sources[0].formats[1]: unknown format "docx"`},
		{"bad profile", "sources:\n  - name: a\n    profile: nope\n    xlsx: {path: x}\n", "c.yaml:3: sources[0].profile:"},
		{"bad block_on", "sources:\n  - name: a\n    xlsx: {path: x}\n    block_on: notice\n", `c.yaml:4: sources[0].block_on: "notice" is not one of error, warning`},
		{"bad note_level", "sources:\n  - name: a\n    xlsx: {path: x}\n    note_level: all\n", `c.yaml:4: sources[0].note_level: "all" is not one of error, warning, notice`},
		{"webdav url", `sources:
  - name: a
    xlsx: {path: x}
    publish:
      - dir: /srv/a
      - webdav: {url: "ftp://x/", username: u}
`, `c.yaml:6: sources[0].publish[1].webdav.url: "ftp://x/" is not an http(s) URL`},
		{"webdav http", "sources:\n  - name: a\n    xlsx: {path: x}\n    publish:\n      - webdav: {url: \"http://x/\"}\n", "sources[0].publish[0].webdav.url: plain http"},
		{"webdav password in file", "sources:\n  - name: a\n    xlsx: {path: x}\n    publish:\n      - webdav: {url: \"https://x/\", password: p}\n", "c.yaml:5: sources[0].publish[0].webdav.password: do not write the password"},
		{"password env empty", "sources:\n  - name: a\n    xlsx: {path: x}\n    publish:\n      - webdav: {url: \"https://x/\", password_env: NOPE}\n", "environment variable NOPE is empty"},
		{"two targets in one", "sources:\n  - name: a\n    xlsx: {path: x}\n    publish:\n      - dir: /a\n        exec: {command: [x]}\n", "c.yaml:5: sources[0].publish[0]: each target is exactly one"},
		{"sftp no host key", "sources:\n  - name: a\n    xlsx: {path: x}\n    publish:\n      - sftp: {addr: h, user: u, dir: /d, key_file: k}\n", "known_hosts or host_key_fingerprint"},
		{"exec empty", "sources:\n  - name: a\n    xlsx: {path: x}\n    publish:\n      - exec: {command: []}\n", "sources[0].publish[0].exec.command: required"},
		{"xlsx notes", "sources:\n  - name: a\n    xlsx: {path: x, notes: inplace}\n", `c.yaml:3: sources[0].xlsx.notes: "inplace" is not one of copy, in-place`},
		{"warn >= deadline", "deadline_working_days: 3\ndeadline_warn_days: 3\n" + minimal, "c.yaml:2: deadline_warn_days: must be less than"},
		{"jitter >= interval", "interval: 10s\njitter: 10s\n" + minimal, "c.yaml:2: jitter: must be shorter"},
		{"listen", "status: {listen: nowhere}\n" + minimal, `c.yaml:1: status.listen: "nowhere" is not host:port`},
		{"token twice", "status: {token: abc, token_env: T}\n" + minimal, "status: set token or token_env, not both"},
		{"notes not bool", "sources:\n  - name: a\n    xlsx: {path: x}\n    notes: maybe\n", `sources[0].notes: "maybe" is not on/off`},
		{"not yaml", "sources: [\n", "c.yaml:"},
		{"repeated key", "interval: 5s\ninterval: 6s\n" + minimal, "c.yaml:2: interval: key repeated"},
		{"sheets creds", "sources:\n  - name: a\n    google_sheets: {spreadsheet_id: x}\n", "sources[0].google_sheets.credentials: required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseEnv([]byte(tc.yaml), "c.yaml", env(nil))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestAllErrorsReported(t *testing.T) {
	_, err := ParseEnv([]byte("intervall: 1s\nsources:\n  - name: a\n    xlsx: {path: x}\n    formats: [doc]\n"), "c.yaml", env(nil))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:1:") || !strings.Contains(err.Error(), "c.yaml:5:") {
		t.Errorf("want both errors, got %v", err)
	}
}

func TestSecretsFromEnvAndFile(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	y := `
status: {token_env: TOK}
sources:
  - name: my-src
    google_sheets: {spreadsheet_id: x}
    publish:
      - webdav: {url: "https://a/", password_file: ` + pw + `}
      - webdav: {url: "https://b/"}
      - sftp: {addr: h, user: u, dir: /d, host_key_fingerprint: "SHA256:x"}
`
	c, err := ParseEnv([]byte(y), "c.yaml", env(map[string]string{
		"TOK": "t0k", "PERECHEN_MY_SRC_CREDENTIALS": "/k.json",
		"PERECHEN_MY_SRC_WEBDAV_PASSWORD": "envpw", "PERECHEN_MY_SRC_SFTP_PASSWORD": "sftppw",
	}))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Sources[0].Publish
	if c.Status.Token != "t0k" || c.Sources[0].GoogleSheets.Credentials != "/k.json" ||
		p[0].WebDAV.Password != "from-file" || p[1].WebDAV.Password != "envpw" || p[2].SFTP.Password != "sftppw" ||
		p[2].SFTP.Addr != "h:22" || p[2].SFTP.Mode != 0o644 {
		t.Errorf("secrets: %+v %+v %+v %+v", c.Status, p[0].WebDAV, p[1].WebDAV, p[2].SFTP)
	}
	s := c.String()
	for _, secret := range []string{"t0k", "from-file", "envpw", "sftppw"} {
		if strings.Contains(s, secret) {
			t.Errorf("String leaks %q", secret)
		}
	}
	if got := p[1].String(); got != "webdav:https://b/" {
		t.Errorf("Publish.String = %q", got)
	}
	if EnvPrefix("my-src") != "PERECHEN_MY_SRC_" {
		t.Error(EnvPrefix("my-src"))
	}
}

func TestInlineStatusTokenRedacted(t *testing.T) {
	c, err := ParseEnv([]byte("status: {token: abc123}\n"+minimal), "c.yaml", env(nil))
	if err != nil || c.Status.Token != "abc123" || strings.Contains(c.String(), "abc123") {
		t.Fatalf("%v %+v", err, c.Status)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{minimal, "interval: 5s\n", "sources: [{name: a, xlsx: {path: x}, publish: [{dir: /a}, {webdav: {url: 'https://x/'}}]}]"} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("../deploy/config.example.yaml"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseEnv(data, "f.yaml", env(nil))
		if err == nil && (len(c.Sources) == 0 || c.Interval <= 0) {
			t.Fatalf("accepted an invalid config: %+v", c)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.yaml") {
			t.Fatalf("error without the file name: %v", err)
		}
	})
}

func TestNotesOffAndPerSourceInterval(t *testing.T) {
	c, err := ParseEnv([]byte("sources:\n  - name: a\n    xlsx: {path: x, notes: in-place}\n    notes: off\n    interval: 5s\n    publish:\n      - dir: {path: /srv, keep: 0}\n      - exec: {command: [\"rsync -a . host:/x\"], shell: true}\n"), "c.yaml", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Sources[0]
	if s.Notes || s.XLSXMode() != "off" || c.IntervalFor(s) != 5*time.Second || s.Publish[0].Dir.Keep != 0 ||
		!s.Publish[1].Exec.Shell || s.Publish[1].Exec.Timeout != DefaultExecTimeout {
		t.Errorf("%+v", s)
	}
}

func TestGCPercent(t *testing.T) {
	c, err := ParseEnv([]byte("gc_percent: 200\n"+minimal), "c.yaml", env(nil))
	if err != nil || c.GCPercent != 200 {
		t.Fatalf("gc_percent 200: %v %+v", err, c)
	}
}

// The source's organisation fills the profile's organisation slot.
func TestSourceProfileKnowsOrganisation(t *testing.T) {
	c, err := ParseEnv([]byte("sources:\n  - name: a\n    organisation: Мособлимущество\n    xlsx: {path: x}\n    note_level: notice\n"), "c.yaml", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Sources[0]
	p, err := s.LoadProfile()
	if err != nil || len(p.Organisation) != 1 || p.Organisation[0] != "Мособлимущество" || s.NoteSeverity() != rules.Notice {
		t.Fatalf("profile %+v, %v; note severity %v", p.Organisation, err, s.NoteSeverity())
	}
	g := rules.GridFromTSV("Перечень", "№\tПроцесс взаимодействия с внутренним клиентом\tТочка взаимодействия\tУдовлетворяемые потребности клиента\tОсобенности взаимодействия с клиентом\n"+
		"1\tВыдача пропусков\tЭлектронная почта Мособлимущества\tПредставление документов\tЦифровая точка\n")
	if _, ds := rules.Lint(g, p); len(rules.AtLeast(ds, rules.Warning)) != 0 {
		t.Errorf("the organisation's own name in a touchpoint is flagged: %s", ds[0].Text())
	}
}
