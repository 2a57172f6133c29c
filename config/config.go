// Package config reads the daemon's YAML configuration: the sources to pull,
// how to lint them and where to publish. Unknown keys are errors, and every
// error names the file, line and key ("config.yaml:12:
// sources[0].publish[1].webdav.url: …"). Secrets come from the environment or
// from files, never from the YAML itself, and are never printed.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/perechen-oiv/perechen/rules"
)

// Defaults applied when a key is absent.
const (
	DefaultInterval            = 60 * time.Second
	DefaultStateDir            = "/var/lib/perechen"
	DefaultListen              = "127.0.0.1:9187"
	DefaultRefresh             = 30 * time.Second
	DefaultShutdownTimeout     = 30 * time.Second
	DefaultDeadlineWorkingDays = 10
	DefaultDeadlineWarnDays    = 3
	DefaultDirKeep             = 20
	DefaultExecTimeout         = 60 * time.Second
	DefaultSFTPMode            = 0o644
	// DefaultSheetsQuotaPerMinute is Google's default Sheets API quota per
	// service account: 60 reads and 60 writes per minute.
	DefaultSheetsQuotaPerMinute = 60
	// DefaultGCPercent is the daemon's garbage-collector target (GOGC): the
	// heap may grow by half its live size before a collection. The daemon
	// is idle most of the time with a live heap of ~2 MB, so Go's 100 (and
	// its 4 MB minimum heap) would mostly hold garbage; 50 keeps ~2 MB less
	// resident for well under a millisecond of CPU per idle cycle.
	DefaultGCPercent = 50
	// MinGCPercent and MaxGCPercent bound gc_percent: below 10 the daemon
	// spends its time collecting, above 1000 the heap is mostly garbage.
	MinGCPercent = 10
	MaxGCPercent = 1000
	// ListenOff disables the status server.
	ListenOff = "off"
	// DefaultTimeZone is the organisation's time zone when neither the
	// config nor the spreadsheet names one: the dates staff read (notes'
	// «проверено …», version dates, п. 5.5 deadlines) are Moscow dates,
	// not the server's (containers run in UTC).
	DefaultTimeZone = "Europe/Moscow"
)

// Formats are the render formats a source may list.
var knownFormats = []string{"html", "pdf", "xlsx", "csv", "json"}

// KnownFormats returns the formats accepted in sources[].formats.
func KnownFormats() []string { return append([]string(nil), knownFormats...) }

// Config is the whole file.
type Config struct {
	Interval            time.Duration `yaml:"interval"`
	Jitter              time.Duration `yaml:"jitter"`
	StateDir            string        `yaml:"state_dir"`
	Status              Status        `yaml:"status"`
	Log                 Log           `yaml:"log"`
	Calendar            string        `yaml:"calendar,omitempty"`
	DeadlineWorkingDays int           `yaml:"deadline_working_days"`
	DeadlineWarnDays    int           `yaml:"deadline_warn_days"`
	ShutdownTimeout     time.Duration `yaml:"shutdown_timeout"`
	// SheetsQuotaPerMinute bounds the Sheets API reads, and separately the
	// writes, per minute of all sources sharing one service account.
	SheetsQuotaPerMinute int `yaml:"sheets_quota_per_minute,omitempty"`
	// GCPercent is the garbage collector's target (runtime/debug.SetGCPercent)
	// for `perechen run`; a GOGC environment variable overrides it.
	GCPercent int `yaml:"gc_percent,omitempty"`
	// TimeZone is the IANA name of the organisations' time zone; a source's
	// own time_zone wins (see TimeZoneFor).
	TimeZone string   `yaml:"time_zone,omitempty"`
	Sources  []Source `yaml:"sources"`
}

// Status configures the HTTP status server.
type Status struct {
	Listen  string        `yaml:"listen"` // host:port, or "off"
	Refresh time.Duration `yaml:"refresh"`
	// TokenEnv names the variable holding Token; PERECHEN_STATUS_TOKEN also
	// works. Prefer either to writing the token into the file.
	TokenEnv string `yaml:"token_env,omitempty"`
	// Token, when set, is required as "Authorization: Bearer <token>" or as
	// the Basic auth password on every page except /healthz and /readyz.
	Token string `yaml:"token,omitempty"`
}

// Log configures logrus.
type Log struct {
	Level  string `yaml:"level"`  // trace, debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// Source is one registry: where it lives, how to check it, where it goes.
type Source struct {
	Name         string        `yaml:"name"`
	Profile      string        `yaml:"profile"`
	Organisation string        `yaml:"organisation"`
	GoogleSheets *GoogleSheets `yaml:"google_sheets,omitempty"`
	XLSX         *XLSX         `yaml:"xlsx,omitempty"`
	Notes        bool          `yaml:"notes"`
	// NoteLevel is the least severe finding written as a cell note:
	// "warning" (default: errors and warnings), "error" or "notice".
	// Notices are always on the status page and in `perechen lint`.
	NoteLevel string   `yaml:"note_level"`
	Formats   []string `yaml:"formats"`
	BlockOn   string   `yaml:"block_on"` // "error" (default) or "warning"
	// Interval overrides the global interval for this source (0 = global).
	Interval time.Duration `yaml:"interval,omitempty"`
	// TimeZone overrides the global time_zone for this source.
	TimeZone string    `yaml:"time_zone,omitempty"`
	Approval Approval  `yaml:"approval"`
	Publish  []Publish `yaml:"publish"`
}

// Approval is how a source's Перечень is approved before publication
// (п. 5.1–5.2: the approved Перечень is placed on the site).
type Approval struct {
	// Required holds every new version that passes the checks until
	// `perechen approve` (or the status page) records the approving
	// document for its content.
	Required bool `yaml:"required"`
	// Appendix adds the mark «Приложение к приказу … от … № …» above the
	// grif «УТВЕРЖДЁН …» of an approved version.
	Appendix bool `yaml:"appendix,omitempty"`
	// Grif is printed top right as is when Required is off (one line per
	// line); empty means the grif found in the sheet's title rows, if any.
	Grif string `yaml:"grif,omitempty"`
}

// GoogleSheets is a source kept in a Google Sheet.
type GoogleSheets struct {
	SpreadsheetID string `yaml:"spreadsheet_id"`
	Sheet         string `yaml:"sheet"`
	// Credentials is the path to a service-account JSON key;
	// PERECHEN_<SOURCE>_CREDENTIALS overrides it. Optional: without it
	// GOOGLE_APPLICATION_CREDENTIALS, gcloud's application default
	// credentials and a Google Cloud VM's attached service account apply.
	Credentials string `yaml:"credentials"`
	// Endpoint replaces https://sheets.googleapis.com (tests, proxies).
	Endpoint string `yaml:"endpoint,omitempty"`
	// DriveVersionCheck asks Drive for the file's version before each read
	// and skips unchanged reads; it needs the Drive API enabled and adds
	// the scope drive.metadata.readonly.
	DriveVersionCheck bool `yaml:"drive_version_check,omitempty"`
	// ProtectHeader: `perechen setup-sheet` also puts a warning-only
	// protected range on the form's header and column-number rows, so an
	// edit there asks for confirmation. The daemon never uses it.
	ProtectHeader bool `yaml:"protect_header,omitempty"`
}

// XLSX is a source kept in a workbook on a share.
type XLSX struct {
	Path  string `yaml:"path"`
	Sheet string `yaml:"sheet"`
	// Notes is "copy" (write notes into CopyPath, default) or "in-place".
	Notes    string `yaml:"notes"`
	CopyPath string `yaml:"copy_path,omitempty"`
}

// Publish is one target; exactly one field is set.
type Publish struct {
	Dir    *DirTarget    `yaml:"dir,omitempty"`
	WebDAV *WebDAVTarget `yaml:"webdav,omitempty"`
	SFTP   *SFTPTarget   `yaml:"sftp,omitempty"`
	Exec   *ExecTarget   `yaml:"exec,omitempty"`
}

// DirTarget publishes into a local directory ("dir: /path" or "dir: {path, keep}").
type DirTarget struct {
	Path string `yaml:"path"`
	Keep int    `yaml:"keep"` // versioned copies to keep
}

// WebDAVTarget publishes by PUT to a temp name then MOVE.
type WebDAVTarget struct {
	URL          string `yaml:"url"`
	Username     string `yaml:"username"`
	PasswordEnv  string `yaml:"password_env,omitempty"`
	PasswordFile string `yaml:"password_file,omitempty"`
	CAFile       string `yaml:"ca_file,omitempty"`
	AllowHTTP    bool   `yaml:"allow_http,omitempty"`
	// Password is resolved from PasswordEnv, PasswordFile or
	// PERECHEN_<SOURCE>_WEBDAV_PASSWORD; never read from YAML.
	Password string `yaml:"password,omitempty"`
}

// SFTPTarget publishes over SSH.
type SFTPTarget struct {
	Addr               string      `yaml:"addr"` // host:port (port 22 if absent)
	User               string      `yaml:"user"`
	Dir                string      `yaml:"dir"`
	KeyFile            string      `yaml:"key_file,omitempty"`
	PasswordEnv        string      `yaml:"password_env,omitempty"`
	KnownHosts         string      `yaml:"known_hosts,omitempty"`
	HostKeyFingerprint string      `yaml:"host_key_fingerprint,omitempty"`
	Mode               os.FileMode `yaml:"mode"`
	// Password is resolved from PasswordEnv or PERECHEN_<SOURCE>_SFTP_PASSWORD.
	Password string `yaml:"password,omitempty"`
}

// ExecTarget runs a command with the rendered files in its working directory.
type ExecTarget struct {
	Command []string      `yaml:"command"`
	Shell   bool          `yaml:"shell,omitempty"`
	Timeout time.Duration `yaml:"timeout"`
}

// Kind is "dir", "webdav", "sftp" or "exec".
func (p Publish) Kind() string {
	switch {
	case p.Dir != nil:
		return "dir"
	case p.WebDAV != nil:
		return "webdav"
	case p.SFTP != nil:
		return "sftp"
	case p.Exec != nil:
		return "exec"
	}
	return ""
}

// String names the target for logs and the status page, without secrets.
func (p Publish) String() string {
	switch {
	case p.Dir != nil:
		return "dir:" + p.Dir.Path
	case p.WebDAV != nil:
		return "webdav:" + redactURL(p.WebDAV.URL)
	case p.SFTP != nil:
		return "sftp:" + p.SFTP.User + "@" + p.SFTP.Addr + ":" + p.SFTP.Dir
	case p.Exec != nil:
		if len(p.Exec.Command) > 0 {
			return "exec:" + filepath.Base(p.Exec.Command[0])
		}
		return "exec"
	}
	return "?"
}

// Kind is "google_sheets" or "xlsx".
func (s Source) Kind() string {
	if s.GoogleSheets != nil {
		return "google_sheets"
	}
	return "xlsx"
}

// XLSXMode is the sync.XLSXConfig.Mode for this source: "off" when notes
// are off, else the xlsx.notes setting.
func (s Source) XLSXMode() string {
	if !s.Notes || s.XLSX == nil {
		return "off"
	}
	return s.XLSX.Notes
}

// NoteSeverity is the least severe finding that becomes a cell note.
func (s Source) NoteSeverity() rules.Severity {
	sev, err := rules.ParseSeverity(s.NoteLevel)
	if err != nil {
		return rules.Warning
	}
	return sev
}

// BlocksOnWarnings reports whether warnings stop publication too.
func (s Source) BlocksOnWarnings() bool { return s.BlockOn == "warning" }

// EnvPrefix is the prefix of the source's secret overrides:
// "PERECHEN_MIMP_" for the source "mimp" ("-" and "." become "_").
func EnvPrefix(source string) string {
	return "PERECHEN_" + strings.ToUpper(envUnsafe.ReplaceAllString(source, "_")) + "_"
}

var envUnsafe = regexp.MustCompile(`[^A-Za-z0-9]`)

// IntervalFor is the effective interval of a source.
func (c *Config) IntervalFor(s Source) time.Duration {
	if s.Interval > 0 {
		return s.Interval
	}
	return c.Interval
}

// TimeZoneFor is the configured IANA time zone of a source ("" when
// neither the source nor the file names one: then the spreadsheet's own
// time zone, else DefaultTimeZone, applies).
func (c *Config) TimeZoneFor(s Source) string {
	if s.TimeZone != "" {
		return s.TimeZone
	}
	return c.TimeZone
}

// Source finds a source by name.
func (c *Config) Source(name string) (Source, bool) {
	for _, s := range c.Sources {
		if s.Name == name {
			return s, true
		}
	}
	return Source{}, false
}

// Load reads and validates the file at path, resolving secrets from the
// process environment.
func Load(path string) (*Config, error) {
	return LoadEnv(path, os.Getenv)
}

// LoadEnv is Load with an explicit environment lookup.
func LoadEnv(path string, getenv func(string) string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("конфигурация не прочитана: %w", err)
	}
	return ParseEnv(data, path, getenv)
}

// Parse decodes and validates data; name is used in error messages.
func Parse(data []byte, name string) (*Config, error) {
	return ParseEnv(data, name, os.Getenv)
}

// ParseEnv is Parse with an explicit environment lookup.
func ParseEnv(data []byte, name string, getenv func(string) string) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	d := &decoder{file: name, getenv: getenv}
	c := &Config{}
	if root.Kind == 0 || len(root.Content) == 0 {
		d.errf(&root, "", "empty configuration: at least sources is required")
		return nil, d.err()
	}
	d.config(root.Content[0], c)
	if err := d.err(); err != nil {
		return nil, err
	}
	return c, nil
}

func redactURL(raw string) string {
	// URLs may carry user:password@; show the host and path only.
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		if at := strings.LastIndex(strings.SplitN(rest, "/", 2)[0], "@"); at >= 0 {
			return raw[:i+3] + "***@" + rest[at+1:]
		}
	}
	return raw
}

// LoadProfile loads the source's profile with the organisation's name
// known, so the name fills the profile's organisation slot
// («Электронная почта Министерства …» for «Электронная почта ОИВ»).
func (s Source) LoadProfile() (*rules.Profile, error) {
	p, err := rules.LoadProfile(s.Profile)
	if err != nil {
		return nil, err
	}
	return p.WithOrganisation(s.Organisation), nil
}
