package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/perechen-oiv/perechen/rules"
)

// decoder walks the YAML node tree by hand so that every error carries the
// line and the full key path, and collects all errors instead of stopping
// at the first.
type decoder struct {
	file   string
	getenv func(string) string
	errs   []lineError
}

type lineError struct {
	line int
	msg  string
}

func (d *decoder) errf(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	d.errs = append(d.errs, lineError{line, msg})
}

func (d *decoder) err() error {
	if len(d.errs) == 0 {
		return nil
	}
	sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].line < d.errs[j].line })
	errs := make([]error, len(d.errs))
	for i, e := range d.errs {
		errs[i] = fmt.Errorf("%s:%d: %s", d.file, e.line, e.msg)
	}
	return errors.Join(errs...)
}

// field is a handler for one key of a mapping.
type field func(n *yaml.Node, path string)

// mapping dispatches the keys of n to fields; unknown and repeated keys are
// errors. It returns the key nodes seen, for presence checks.
func (d *decoder) mapping(n *yaml.Node, path string, fields map[string]field) map[string]*yaml.Node {
	seen := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return seen
		}
		d.errf(n, path, "expected a mapping of keys, got %s", kindName(n))
		return seen
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		if _, dup := seen[k.Value]; dup {
			d.errf(k, p, "key repeated")
			continue
		}
		seen[k.Value] = k
		f, ok := fields[k.Value]
		if !ok {
			d.errf(k, p, "unknown key (known keys: %s)", keys(fields))
			continue
		}
		f(v, p)
	}
	return seen
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func keys(fields map[string]field) string {
	ks := make([]string, 0, len(fields))
	for k := range fields {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

func (d *decoder) scalar(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errf(n, path, "expected a value, got %s", kindName(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) str(dst *string) field {
	return func(n *yaml.Node, path string) {
		if v, ok := d.scalar(n, path); ok {
			*dst = v
		}
	}
}

func (d *decoder) duration(dst *time.Duration) field {
	return func(n *yaml.Node, path string) {
		v, ok := d.scalar(n, path)
		if !ok {
			return
		}
		t, err := time.ParseDuration(v)
		if err != nil {
			d.errf(n, path, "%q is not a duration (write e.g. 60s, 5m, 1h)", v)
			return
		}
		if t <= 0 {
			d.errf(n, path, "must be greater than zero, got %s", v)
			return
		}
		*dst = t
	}
}

func (d *decoder) integer(dst *int, min int) field { return d.intRange(dst, min, math.MaxInt) }

// intRange is integer with an upper bound too.
func (d *decoder) intRange(dst *int, min, max int) field {
	return func(n *yaml.Node, path string) {
		v, ok := d.scalar(n, path)
		if !ok {
			return
		}
		i, err := strconv.Atoi(v)
		if err != nil {
			d.errf(n, path, "%q is not a whole number", v)
			return
		}
		if i < min {
			d.errf(n, path, "must be at least %d, got %d", min, i)
			return
		}
		if i > max {
			d.errf(n, path, "must be at most %d, got %d", max, i)
			return
		}
		*dst = i
	}
}

func (d *decoder) boolean(dst *bool) field {
	return func(n *yaml.Node, path string) {
		v, ok := d.scalar(n, path)
		if !ok {
			return
		}
		switch strings.ToLower(v) {
		case "true", "on", "yes":
			*dst = true
		case "false", "off", "no":
			*dst = false
		default:
			d.errf(n, path, "%q is not on/off (true/false)", v)
		}
	}
}

func (d *decoder) oneOf(dst *string, allowed ...string) field {
	return func(n *yaml.Node, path string) {
		v, ok := d.scalar(n, path)
		if !ok {
			return
		}
		if !slices.Contains(allowed, v) {
			d.errf(n, path, "%q is not one of %s", v, strings.Join(allowed, ", "))
			return
		}
		*dst = v
	}
}

// timeZone accepts an IANA time zone name such as Europe/Moscow.
func (d *decoder) timeZone(dst *string) field {
	return func(n *yaml.Node, path string) {
		v, ok := d.scalar(n, path)
		if !ok {
			return
		}
		// "" and "Local" would mean the server's zone, which is what this key
		// exists to avoid; UTC stays allowed, written as such.
		if _, err := time.LoadLocation(v); err != nil || v == "" || strings.EqualFold(v, "Local") {
			d.errf(n, path, "%q is not an IANA time zone name (such as Europe/Moscow, Asia/Yekaterinburg)", v)
			return
		}
		*dst = v
	}
}

func (d *decoder) approval(n *yaml.Node, path string, a *Approval) {
	seen := d.mapping(n, path, map[string]field{
		"required": d.boolean(&a.Required),
		"appendix": d.boolean(&a.Appendix),
		"grif":     d.str(&a.Grif),
	})
	if a.Required && a.Grif != "" {
		d.errf(seen["grif"], join(path, "grif"), "with required: true the grif is the approving document recorded by perechen approve; remove grif")
	}
	if a.Appendix && !a.Required {
		d.errf(seen["appendix"], join(path, "appendix"), "the appendix mark names the approving document: set required: true too")
	}
}

func (d *decoder) strings(dst *[]string) field {
	return func(n *yaml.Node, path string) {
		if n.Kind != yaml.SequenceNode {
			d.errf(n, path, "expected a list, got %s", kindName(n))
			return
		}
		out := []string{}
		for i, e := range n.Content {
			if v, ok := d.scalar(e, fmt.Sprintf("%s[%d]", path, i)); ok {
				out = append(out, v)
			}
		}
		*dst = out
	}
}

// secret reads the variable named by envName (if any); it is an error for
// a named variable to be empty, so a typo does not silently drop auth.
func (d *decoder) secretFromEnv(n *yaml.Node, path, envName string) string {
	if envName == "" {
		return ""
	}
	v := d.getenv(envName)
	if v == "" {
		d.errf(n, path, "environment variable %s is empty or not set", envName)
	}
	return v
}

func (d *decoder) config(n *yaml.Node, c *Config) {
	var srcNode *yaml.Node
	seen := d.mapping(n, "", map[string]field{
		"interval":                d.duration(&c.Interval),
		"jitter":                  d.duration(&c.Jitter),
		"state_dir":               d.str(&c.StateDir),
		"status":                  func(n *yaml.Node, p string) { d.status(n, p, &c.Status) },
		"log":                     func(n *yaml.Node, p string) { d.log(n, p, &c.Log) },
		"calendar":                d.str(&c.Calendar),
		"deadline_working_days":   d.integer(&c.DeadlineWorkingDays, 1),
		"deadline_warn_days":      d.integer(&c.DeadlineWarnDays, 0),
		"shutdown_timeout":        d.duration(&c.ShutdownTimeout),
		"sheets_quota_per_minute": d.integer(&c.SheetsQuotaPerMinute, 1),
		"gc_percent":              d.intRange(&c.GCPercent, MinGCPercent, MaxGCPercent),
		"time_zone":               d.timeZone(&c.TimeZone),
		"sources":                 func(n *yaml.Node, p string) { srcNode = n; d.sources(n, p, &c.Sources) },
	})
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.Jitter == 0 {
		c.Jitter = c.Interval / 10
	} else if c.Jitter >= c.Interval {
		d.errf(seen["jitter"], "jitter", "must be shorter than interval (%s)", c.Interval)
	}
	if c.StateDir == "" {
		c.StateDir = DefaultStateDir
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.SheetsQuotaPerMinute == 0 {
		c.SheetsQuotaPerMinute = DefaultSheetsQuotaPerMinute
	}
	if c.DeadlineWorkingDays == 0 {
		c.DeadlineWorkingDays = DefaultDeadlineWorkingDays
	}
	if c.GCPercent == 0 {
		c.GCPercent = DefaultGCPercent
	}
	if _, set := seen["deadline_warn_days"]; !set {
		c.DeadlineWarnDays = min(DefaultDeadlineWarnDays, c.DeadlineWorkingDays-1)
	} else if c.DeadlineWarnDays >= c.DeadlineWorkingDays {
		d.errf(seen["deadline_warn_days"], "deadline_warn_days", "must be less than deadline_working_days (%d)", c.DeadlineWorkingDays)
	}
	if c.Status.Listen == "" {
		c.Status.Listen = DefaultListen
	}
	if c.Status.Refresh == 0 {
		c.Status.Refresh = DefaultRefresh
	}
	if t := d.getenv("PERECHEN_STATUS_TOKEN"); t != "" && c.Status.Token == "" {
		c.Status.Token = t
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if srcNode == nil {
		d.errf(n, "sources", "required: list at least one source")
	} else if len(c.Sources) == 0 && srcNode.Kind == yaml.SequenceNode {
		d.errf(srcNode, "sources", "list at least one source")
	}
}

func (d *decoder) status(n *yaml.Node, path string, s *Status) {
	var tokenNode *yaml.Node
	seen := d.mapping(n, path, map[string]field{
		"listen":    d.str(&s.Listen),
		"refresh":   d.duration(&s.Refresh),
		"token_env": func(n *yaml.Node, p string) { tokenNode = n; d.str(&s.TokenEnv)(n, p) },
		"token":     d.str(&s.Token),
	})
	if s.TokenEnv != "" && s.Token != "" {
		d.errf(tokenNode, path, "set token or token_env, not both")
	}
	if s.TokenEnv != "" {
		s.Token = d.secretFromEnv(tokenNode, join(path, "token_env"), s.TokenEnv)
	}
	if s.Listen != "" && s.Listen != ListenOff {
		if _, _, err := net.SplitHostPort(s.Listen); err != nil {
			d.errf(seen["listen"], join(path, "listen"), "%q is not host:port (or off)", s.Listen)
		}
	}
}

func (d *decoder) log(n *yaml.Node, path string, l *Log) {
	d.mapping(n, path, map[string]field{
		"level":  d.oneOf(&l.Level, "trace", "debug", "info", "warn", "warning", "error"),
		"format": d.oneOf(&l.Format, "text", "json"),
	})
}

var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

func (d *decoder) sources(n *yaml.Node, path string, out *[]Source) {
	if n.Kind != yaml.SequenceNode {
		d.errf(n, path, "expected a list of sources, got %s", kindName(n))
		return
	}
	names := map[string]int{}
	for i, e := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		s := d.source(e, p)
		if s.Name != "" {
			if first, dup := names[s.Name]; dup {
				d.errf(e, p+".name", "source name %q is already used by sources[%d]", s.Name, first)
			}
			names[s.Name] = i
		}
		*out = append(*out, s)
	}
}

func (d *decoder) source(n *yaml.Node, path string) Source {
	s := Source{Notes: true}
	seen := d.mapping(n, path, map[string]field{
		"name":          d.str(&s.Name),
		"profile":       d.str(&s.Profile),
		"organisation":  d.str(&s.Organisation),
		"google_sheets": func(n *yaml.Node, p string) { s.GoogleSheets = d.sheets(n, p) },
		"xlsx":          func(n *yaml.Node, p string) { s.XLSX = d.xlsx(n, p) },
		"notes":         d.boolean(&s.Notes),
		"note_level":    d.oneOf(&s.NoteLevel, "error", "warning", "notice"),
		"formats":       d.strings(&s.Formats),
		"block_on":      d.oneOf(&s.BlockOn, "error", "warning"),
		"interval":      d.duration(&s.Interval),
		"time_zone":     d.timeZone(&s.TimeZone),
		"approval":      func(n *yaml.Node, p string) { d.approval(n, p, &s.Approval) },
		"publish":       func(n *yaml.Node, p string) { s.Publish = d.publishList(n, p, &s) },
	})
	switch {
	case s.Name == "":
		d.errf(n, join(path, "name"), "required: a short name such as mimp (used in paths and metrics)")
	case !sourceName.MatchString(s.Name):
		d.errf(seen["name"], join(path, "name"), "%q: use lower-case latin letters, digits, - and _", s.Name)
	}
	if s.Profile == "" {
		s.Profile = rules.DefaultProfile
	} else if _, err := rules.LoadProfile(s.Profile); err != nil {
		d.errf(seen["profile"], join(path, "profile"), "%v", err)
	}
	if (s.GoogleSheets == nil) == (s.XLSX == nil) {
		at := n
		if k := seen["xlsx"]; k != nil {
			at = k
		}
		d.errf(at, path, "set exactly one of google_sheets or xlsx")
	}
	// Without credentials the source falls back to GOOGLE_APPLICATION_CREDENTIALS
	// and Application Default Credentials (a Google Cloud VM's service account).
	if s.GoogleSheets != nil && s.Name != "" {
		if v := d.getenv(EnvPrefix(s.Name) + "CREDENTIALS"); v != "" {
			s.GoogleSheets.Credentials = v
		}
	}
	if s.Formats == nil {
		s.Formats = []string{"html", "pdf"}
	} else {
		d.checkFormats(seen["formats"], join(path, "formats"), s.Formats)
	}
	if s.BlockOn == "" {
		s.BlockOn = "error"
	}
	if s.NoteLevel == "" {
		s.NoteLevel = "warning"
	}
	if s.Publish == nil {
		s.Publish = []Publish{}
	}
	return s
}

func (d *decoder) checkFormats(n *yaml.Node, path string, fs []string) {
	seen := map[string]bool{}
	if len(fs) == 0 {
		d.errf(n, path, "list at least one format: %s", strings.Join(knownFormats, ", "))
	}
	for i, f := range fs {
		if !slices.Contains(knownFormats, f) {
			d.errf(n, fmt.Sprintf("%s[%d]", path, i), "unknown format %q (known: %s)", f, strings.Join(knownFormats, ", "))
		}
		if seen[f] {
			d.errf(n, fmt.Sprintf("%s[%d]", path, i), "format %q listed twice", f)
		}
		seen[f] = true
	}
}

func (d *decoder) sheets(n *yaml.Node, path string) *GoogleSheets {
	g := &GoogleSheets{}
	seen := d.mapping(n, path, map[string]field{
		"spreadsheet_id":      d.str(&g.SpreadsheetID),
		"sheet":               d.str(&g.Sheet),
		"credentials":         d.str(&g.Credentials),
		"endpoint":            d.str(&g.Endpoint),
		"drive_version_check": d.boolean(&g.DriveVersionCheck),
		"protect_header":      d.boolean(&g.ProtectHeader),
	})
	if g.SpreadsheetID == "" {
		d.errf(n, join(path, "spreadsheet_id"), "required: the ID from the sheet's URL (…/spreadsheets/d/<ID>/edit)")
	}
	if g.Endpoint != "" {
		if u, err := url.Parse(g.Endpoint); err != nil || u.Scheme == "" || u.Host == "" {
			d.errf(seen["endpoint"], join(path, "endpoint"), "%q is not an absolute URL", g.Endpoint)
		}
	}
	return g
}

func (d *decoder) xlsx(n *yaml.Node, path string) *XLSX {
	x := &XLSX{}
	d.mapping(n, path, map[string]field{
		"path":      d.str(&x.Path),
		"sheet":     d.str(&x.Sheet),
		"notes":     d.oneOf(&x.Notes, "copy", "in-place"),
		"copy_path": d.str(&x.CopyPath),
	})
	if x.Path == "" {
		d.errf(n, join(path, "path"), "required: the workbook's path")
	}
	if x.Notes == "" {
		x.Notes = "copy"
	}
	return x
}

func (d *decoder) publishList(n *yaml.Node, path string, s *Source) []Publish {
	if n.Kind != yaml.SequenceNode {
		d.errf(n, path, "expected a list of targets, got %s", kindName(n))
		return nil
	}
	out := []Publish{}
	for i, e := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		var t Publish
		d.mapping(e, p, map[string]field{
			"dir":    func(n *yaml.Node, p string) { t.Dir = d.dir(n, p) },
			"webdav": func(n *yaml.Node, p string) { t.WebDAV = d.webdav(n, p, s.Name) },
			"sftp":   func(n *yaml.Node, p string) { t.SFTP = d.sftp(n, p, s.Name) },
			"exec":   func(n *yaml.Node, p string) { t.Exec = d.exec(n, p) },
		})
		set := 0
		for _, b := range []bool{t.Dir != nil, t.WebDAV != nil, t.SFTP != nil, t.Exec != nil} {
			if b {
				set++
			}
		}
		if set != 1 {
			d.errf(e, p, "each target is exactly one of dir, webdav, sftp or exec")
			continue
		}
		out = append(out, t)
	}
	return out
}

func (d *decoder) dir(n *yaml.Node, path string) *DirTarget {
	t := &DirTarget{Keep: DefaultDirKeep}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		t.Path = n.Value // short form "dir: /var/www/…"
	} else {
		d.mapping(n, path, map[string]field{
			"path": d.str(&t.Path),
			"keep": d.integer(&t.Keep, 0),
		})
	}
	if t.Path == "" {
		d.errf(n, join(path, "path"), "required: the directory to publish into")
	}
	return t
}

func (d *decoder) webdav(n *yaml.Node, path, source string) *WebDAVTarget {
	t := &WebDAVTarget{}
	seen := d.mapping(n, path, map[string]field{
		"url":           d.str(&t.URL),
		"username":      d.str(&t.Username),
		"password_env":  d.str(&t.PasswordEnv),
		"password_file": d.str(&t.PasswordFile),
		"ca_file":       d.str(&t.CAFile),
		"allow_http":    d.boolean(&t.AllowHTTP),
		"password": func(n *yaml.Node, p string) {
			d.errf(n, p, "do not write the password into the file; use password_env or password_file")
		},
	})
	u, err := url.Parse(t.URL)
	switch {
	case t.URL == "":
		d.errf(n, join(path, "url"), "required: the folder URL, e.g. https://site/perechen/mimp/")
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		d.errf(seen["url"], join(path, "url"), "%q is not an http(s) URL", redactURL(t.URL))
	case u.User != nil:
		d.errf(seen["url"], join(path, "url"), "do not put credentials into the URL; use username and password_env")
	case u.Scheme == "http" && !t.AllowHTTP:
		d.errf(seen["url"], join(path, "url"), "plain http would send the password unencrypted; use https or set allow_http: true")
	}
	if t.PasswordEnv != "" && t.PasswordFile != "" {
		d.errf(seen["password_file"], path, "set password_env or password_file, not both")
	}
	t.Password = d.secretFromEnv(seen["password_env"], join(path, "password_env"), t.PasswordEnv)
	if t.PasswordFile != "" {
		b, err := os.ReadFile(t.PasswordFile)
		if err != nil {
			d.errf(seen["password_file"], join(path, "password_file"), "cannot read: %v", err)
		}
		t.Password = strings.TrimRight(string(b), "\r\n")
	}
	if t.Password == "" && source != "" {
		t.Password = d.getenv(EnvPrefix(source) + "WEBDAV_PASSWORD")
	}
	return t
}

func (d *decoder) sftp(n *yaml.Node, path, source string) *SFTPTarget {
	t := &SFTPTarget{Mode: DefaultSFTPMode}
	seen := d.mapping(n, path, map[string]field{
		"addr":                 d.str(&t.Addr),
		"user":                 d.str(&t.User),
		"dir":                  d.str(&t.Dir),
		"key_file":             d.str(&t.KeyFile),
		"password_env":         d.str(&t.PasswordEnv),
		"known_hosts":          d.str(&t.KnownHosts),
		"host_key_fingerprint": d.str(&t.HostKeyFingerprint),
		"mode": func(n *yaml.Node, p string) {
			v, ok := d.scalar(n, p)
			if !ok {
				return
			}
			m, err := strconv.ParseUint(v, 8, 32)
			if err != nil || m > 0o777 {
				d.errf(n, p, "%q is not an octal file mode such as 0644", v)
				return
			}
			t.Mode = os.FileMode(m)
		},
		"password": func(n *yaml.Node, p string) {
			d.errf(n, p, "do not write the password into the file; use password_env")
		},
	})
	for key, v := range map[string]string{"addr": t.Addr, "user": t.User, "dir": t.Dir} {
		if v == "" {
			d.errf(n, join(path, key), "required")
		}
	}
	if t.Addr != "" {
		if _, _, err := net.SplitHostPort(t.Addr); err != nil {
			t.Addr = net.JoinHostPort(t.Addr, "22")
		}
	}
	if t.KnownHosts == "" && t.HostKeyFingerprint == "" {
		d.errf(n, path, "set known_hosts or host_key_fingerprint: the server's key must be checked")
	}
	t.Password = d.secretFromEnv(seen["password_env"], join(path, "password_env"), t.PasswordEnv)
	if t.Password == "" && source != "" {
		t.Password = d.getenv(EnvPrefix(source) + "SFTP_PASSWORD")
	}
	if t.KeyFile == "" && t.Password == "" {
		d.errf(n, path, "set key_file or password_env (or %sSFTP_PASSWORD)", EnvPrefix(source))
	}
	return t
}

func (d *decoder) exec(n *yaml.Node, path string) *ExecTarget {
	t := &ExecTarget{Timeout: DefaultExecTimeout}
	d.mapping(n, path, map[string]field{
		"command": d.strings(&t.Command),
		"shell":   d.boolean(&t.Shell),
		"timeout": d.duration(&t.Timeout),
	})
	if len(t.Command) == 0 || t.Command[0] == "" {
		d.errf(n, join(path, "command"), "required: the program and its arguments as a list")
	}
	if t.Shell && len(t.Command) != 1 {
		d.errf(n, join(path, "command"), "with shell: true give one string, the shell command line")
	}
	return t
}
